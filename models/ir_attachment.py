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
            rows = self._spm_rows()
            self._spm_check_new_targets(rows, values)
            self._spm_check_archive(mode, values, rows)
        return res

    def _spm_rows(self):
        """(res_model, res_id, document type) of the attachments, as saved."""
        if not self:
            return []
        self.flush_model(["res_model", "res_id", "spm_document_type_id"])
        return self.env.execute_query(SQL(
            "SELECT res_model, res_id, spm_document_type_id FROM ir_attachment WHERE id IN %s", tuple(self.ids)))

    def _spm_targets(self, rows, values):
        """The records the attachments are attached to once ``values`` are written: a change of ``res_id``
        or of ``res_model`` alone moves them too (Odoo checks the new record only when both are given)."""
        if not values or not ({"res_model", "res_id"} & values.keys()):
            return []
        if values.get("res_model") and values.get("res_id"):
            return [(values["res_model"], values["res_id"], values.get("spm_document_type_id"))]
        return [(values.get("res_model", res_model), values.get("res_id", res_id),
                 values.get("spm_document_type_id", type_id)) for res_model, res_id, type_id in rows]

    def _spm_check_new_targets(self, rows, values):
        """Moving a document onto a record needs the right to change that record, as attaching it there does."""
        if not values or ("res_model" in values and "res_id" in values):
            return  # Odoo's own check covers a complete target
        by_model = defaultdict(set)
        for res_model, res_id, _type in self._spm_targets(rows, values):
            if res_model and res_id and res_model in self.env:
                by_model[res_model].add(res_id)
        for res_model, ids in by_model.items():
            self.env[res_model].browse(ids).exists().check_access("write")

    def _spm_check_archive(self, mode, values, rows):
        """The archive of a closed project stays as it is (managers excepted), and so does the signed
        report of a confirmed acceptance."""
        rows = rows + self._spm_targets(rows, values)
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
