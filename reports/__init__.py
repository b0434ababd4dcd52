from . import (
    spm_aged_receivable,
    spm_collection_analysis,
    spm_collection_receipt,
    spm_daily_report_team,
    spm_target_analysis,
)
