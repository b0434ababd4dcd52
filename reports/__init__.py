from . import (
    spm_aged_receivable,
    spm_bid_analysis,
    spm_bid_bond_analysis,
    spm_collection_analysis,
    spm_collection_receipt,
    spm_contract_register,
    spm_customer_analysis,
    spm_customer_year,
    spm_daily_report_team,
    spm_retrospective_report,
    spm_service_analysis,
    spm_target_analysis,
)
