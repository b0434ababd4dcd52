# Two commands do all the set-up on a machine that has Odoo 18.0 installed:
#   make demo   create (or upgrade) the demo database `spm_demo` and serve Odoo on 127.0.0.1:8069
#   make test   run every test of the addon in a throwaway database, the i18n check and the lint
# Both use the machine's python3 (override with PYTHON=...); see README.md.
PYTHON ?= python3

.PHONY: demo test lint pot odoo-tests docs screenshots

demo:
	$(PYTHON) tools/spmctl.py demo

test:
	$(PYTHON) tools/spmctl.py test

lint:
	$(PYTHON) tools/spmctl.py lint

pot:
	$(PYTHON) tools/spmctl.py pot

odoo-tests:
	$(PYTHON) tools/spmctl.py odoo-tests

docs:
	$(PYTHON) tools/check_docs.py

screenshots:
	$(PYTHON) tools/screenshots.py
