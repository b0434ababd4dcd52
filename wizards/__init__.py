from . import crm_lead_lost, spm_gate_blocker_report, spm_gate_override_wizard
