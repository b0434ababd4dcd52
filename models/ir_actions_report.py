import logging
import subprocess

from odoo import api, models, tools
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    @tools.ormcache()
    def _spm_letterhead_needed(self):
        """Whether the addon's PDFs print the company's letterhead in the page itself.

        A wkhtmltopdf built without its patched Qt (Debian's package) ignores the page header Odoo
        gives it, so the company's header would be missing from every document: the reports then
        print it at the top of the document instead (with a small top margin)."""
        try:
            version = subprocess.run([_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True,
                                     check=False, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        if "patched qt" in version:
            return False
        _logger.info("wkhtmltopdf without patched Qt: the sales project reports print the company header inline")
        return True
