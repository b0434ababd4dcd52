from . import (
    crm_lead_lost,
    spm_approval_decision_mixin,
    spm_change_request_decision_wizard,
    spm_collection_attach_wizard,
    spm_collection_plan_wizard,
    spm_commission_settlement_batch,
    spm_contract_override_wizard,
    spm_contract_review_decision_wizard,
    spm_daily_report_review_wizard,
    spm_gate_blocker_report,
    spm_gate_override_wizard,
    spm_initiation_decision_wizard,
)
