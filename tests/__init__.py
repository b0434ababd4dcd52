from . import (
    test_assessment,
    test_collection,
    test_grading,
    test_i18n,
    test_initiation,
    test_initiation_concurrency,
    test_reports,
    test_rpc,
    test_security,
    test_stage_gates,
    test_tours,
)
