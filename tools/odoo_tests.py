#!/usr/bin/env python3
"""Run Odoo's own tests of some modules in a database where this addon is installed, once every
module is loaded (``make odoo-tests``).

Odoo runs a module's ``at_install`` tests right after installing it, before the modules that
depend on it are loaded: crm's tests would never meet this addon's code. Here both ``at_install``
and ``post_install`` tests of the chosen modules run after the whole registry is loaded, like the
users meet it. Arguments are Odoo's command line (``-d``, ``--addons-path``, ``--test-tags`` ...).
"""

import sys

import odoo
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position != "post_install":
        return _make_suite(module_names, position)
    tests = [*_make_suite(module_names, "at_install"), *_make_suite(module_names, "post_install")]
    return OdooSuite(sorted(tests, key=lambda test: test.test_sequence))


if __name__ == "__main__":
    loader.make_suite = make_suite
    sys.argv = ["odoo", *sys.argv[1:]]
    odoo.cli.main()
