from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# records whose documents belong to a delivery project's archive
PROJECT_RECORDS = ("project.project", "spm.acceptance", "spm.retrospective", "project.task")
ACCEPTANCE_REPORT = "sales_project_management.doc_type_acceptance"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    spm_document_type_id = fields.Many2one(
        "spm.document.type", string="Project Document Type", index="btree_not_null", ondelete="restrict",
        help="What this document is for the sales project, e.g. requirements specification or contract; "
             "stage gates can require a document of a type.")

    def check(self, mode, values=None):
        res = super().check(mode, values)
        if mode != "read" and not self.env.su:
            self._spm_check_archive(mode, values)
        return res

    def _spm_check_archive(self, mode, values):
        """The archive of a closed project stays as it is (managers excepted), and so does the signed
        report of a confirmed acceptance."""
        rows = []
        if self:
            self.flush_model(["res_model", "res_id", "spm_document_type_id"])
            rows = self.env.execute_query(SQL(
                "SELECT res_model, res_id, spm_document_type_id FROM ir_attachment WHERE id IN %s", tuple(self.ids)))
        if values and values.get("res_model") and values.get("res_id"):
            rows.append((values["res_model"], values["res_id"], values.get("spm_document_type_id")))
        targets = defaultdict(set)
        for res_model, res_id, _type in rows:
            if res_model in PROJECT_RECORDS and res_id:
                targets[res_model].add(res_id)
        if not targets:
            return
        projects = self.env["project.project"]
        for res_model, ids in targets.items():
            records = self.env[res_model].sudo().browse(ids).exists()
            projects |= records if res_model == "project.project" else records.project_id
        projects.with_env(self.env)._spm_check_open()
        if mode in ("write", "unlink") and targets.get("spm.acceptance"):
            report_type = self.env.ref(ACCEPTANCE_REPORT).id
            signed = {res_id for res_model, res_id, type_id in rows
                      if res_model == "spm.acceptance" and type_id == report_type}
            confirmed = self.env["spm.acceptance"].sudo().browse(signed).exists().filtered(
                lambda a: a.state == "confirmed")
            if confirmed:
                raise UserError(self.env._(
                    "The signed report of the confirmed acceptance %s is kept in the project's archive.",
                    confirmed[0].name))
