from odoo import api, models


class ReportSpmRetrospective(models.AbstractModel):
    """The 项目复盘报告: the member evaluations are printed for those who may read them, and left out
    of the copy filed in the project's archive."""
    _name = "report.sales_project_management.report_spm_retrospective"
    _description = "Retrospective Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "spm.retrospective",
            "docs": self.env["spm.retrospective"].browse(docids),
            "spm_archive": bool((data or {}).get("spm_archive")),
        }
