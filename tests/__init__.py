from . import test_i18n, test_security, test_tours
