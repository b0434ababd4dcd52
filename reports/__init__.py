from . import spm_aged_receivable, spm_collection_analysis, spm_collection_receipt
