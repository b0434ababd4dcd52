from . import (
    crm_lead,
    crm_stage,
    ir_attachment,
    spm_assessment_criterion,
    spm_document_type,
    spm_gate_log,
    spm_grade,
    spm_lead_assessment,
    spm_lead_checklist,
    spm_lead_competitor,
    spm_stage_gate,
)
