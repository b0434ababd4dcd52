import base64
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmCommon

# (model, field) a sales projects manager may still write by hand (``_spm_workflow_writable``); every other
# workflow field is refused to everyone but the workflow itself
WRITABLE_BY_MANAGERS = {("crm.lead", "spm_project_id"), ("project.task", "spm_issue_date")}
# a small PNG, for the binary fields (a signature)
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))


@tagged("post_install", "-at_install")
class TestWorkflowFields(SpmCommon):
    """One mechanism (``spm.workflow.mixin``): every field that a workflow or accounting sets, declared once or
    computed from other records, is refused when a user gives it on create, ignored in the context's
    ``default_<field>`` keys, and refused on write, for every model that declares such fields. A new model
    is covered by inheriting the mixin and declaring its fields: this test walks them all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a user who may create and write every record of the addon (ACL and record rules all open), so that
        # what refuses a forged value below is the workflow mechanism, not the access rights
        companies = cls.env["res.company"].search([])
        cls.boss = cls.env["res.users"].create({
            "name": "Boss", "login": "spm_t_boss", "email": "boss@example.com",
            "company_id": cls.env.ref("base.main_company").id, "company_ids": [Command.set(companies.ids)],
            "groups_id": [Command.set([cls.env.ref(xmlid).id for xmlid in (
                "base.group_user", "base.group_system", "base.group_partner_manager",
                "sales_project_management.group_spm_executive", "account.group_account_manager",
                "project.group_project_manager", "sales_team.group_sale_manager", "survey.group_survey_manager",
            )])],
        })
        cls.companies = companies

    def _workflow_models(self):
        mixin = self.env.registry["spm.workflow.mixin"]
        return sorted(name for name, model in self.env.registry.items()
                      if not model._abstract and not model._transient and model._auto and issubclass(model, mixin))

    def _sample(self, model):
        """A record of the model to forge values on (the demo data has one of each)."""
        record = self.env[model].with_context(active_test=False).search([], limit=1, order="id desc")
        self.assertTrue(record, f"the test needs a record of {model}: add one to the demo data")
        return record

    def _forged(self, record, name, current):
        """A value of the field ``name`` of ``record`` other than ``current`` (its value, or its default)."""
        field = record._fields[name]
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        current = current or False
        if field.type == "many2one":
            current = self.env[field.comodel_name].browse(current)
            other = self.env[field.comodel_name].with_context(active_test=False).search(
                [("id", "not in", current.ids)], limit=1) or current.sudo().copy()
            self.assertTrue(other, f"no other {field.comodel_name} to forge {record._name}.{name}")
            return other.id
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in reversed(keys) if key != current)
        if field.type == "boolean":
            return not current
        if field.type in ("integer",):
            return (current or 0) + 7
        if field.type in ("float", "monetary"):
            return (current or 0.0) + 12345.0
        if field.type == "date":
            return fields.Date.to_string((fields.Date.to_date(current) or fields.Date.today()) - timedelta(days=30))
        if field.type == "datetime":
            return fields.Datetime.to_string(
                (fields.Datetime.to_datetime(current) or fields.Datetime.now()) - timedelta(days=30))
        if field.type == "binary":
            return PIXEL
        return f"forged {current or ''}"

    @staticmethod
    def _spy(original, calls):
        """``_spm_refuse``, recording the fields it refuses in ``calls``."""
        def spy(recordset, names):
            calls.append(set(names))
            return original(recordset, names)
        return spy

    def _create_values(self, record):
        vals = record.sudo().copy_data()[0]
        if record._name == "project.update":
            vals["date"] = fields.Date.today() + timedelta(days=400)  # a week without its report yet
        return vals

    def test_every_spm_model_is_guarded(self):
        """Every stored model of the addon goes through the mechanism; every declared field exists."""
        Mixin = self.env.registry["spm.workflow.mixin"]
        for name, model in self.env.registry.items():
            if not name.startswith("spm.") or model._abstract or model._transient or not model._auto:
                continue
            with self.subTest(model=name):
                self.assertTrue(issubclass(model, Mixin), f"{name} must inherit spm.workflow.mixin")
        for name in self._workflow_models():
            Model = self.env[name]
            for field in (*Model._spm_workflow_fields, *Model._spm_fixed_fields, *Model._spm_parent_fields):
                self.assertIn(field, Model._fields, f"{name} declares a field it does not have: {field}")

    def test_workflow_fields_are_refused_on_create_write_and_defaults(self):
        checked = 0
        for model in self._workflow_models():
            Model = self.env[model]
            owned = Model._spm_all_owned_fields()
            if not owned and not Model._spm_fixed_fields:
                continue
            record = self._sample(model)
            as_boss = record.with_user(self.boss).with_context(allowed_company_ids=self.companies.ids,
                                                               tracking_disable=True)
            spy_calls = []
            spy = self._spy(type(Model)._spm_refuse, spy_calls)

            for name in sorted(owned | set(Model._spm_fixed_fields)):
                default = as_boss._spm_field_default(name)
                current = record._fields[name].convert_to_write(record[name], record)
                with self.subTest(model=model, field=name), patch.object(type(Model), "_spm_refuse", spy):
                    # the context's default, and a saved default, are not the workflow's
                    if name in owned:
                        forged = self._forged(record, name, default)
                        defaults = as_boss.browse().with_context(**{f"default_{name}": forged}).default_get([name])
                        self.assertEqual(defaults.get(name, default), default, "a context default set a workflow field")
                        vals = dict(self._create_values(record), **{name: forged})
                        if Model._spm_create_ignores_workflow:
                            # a draft the workflow stamps: the value is dropped before anything is written
                            self.assertNotIn(name, as_boss.browse()._spm_guard_create(vals))
                        else:
                            # given on create, refused before anything is written
                            spy_calls.clear()
                            with self.assertRaises(AccessError):
                                as_boss.browse().create(vals)
                            if not (spy_calls and name in spy_calls[0]):
                                # only a model nobody creates by hand may refuse it first
                                with self.assertRaises(AccessError, msg=f"create refused {model} for another "
                                                                        f"reason than the workflow field {name}"):
                                    as_boss.browse().create(self._create_values(record))
                    # written by hand, refused and unchanged
                    if (model, name) in WRITABLE_BY_MANAGERS:
                        continue
                    before = record[name]
                    forged = self._forged(record, name, current)
                    spy_calls.clear()
                    with self.assertRaises(AccessError):
                        as_boss.write({name: forged})
                    self.assertTrue(spy_calls and name in spy_calls[0],
                                    f"write refused {model}.{name} for another reason than the workflow")
                    record.invalidate_recordset([name])
                    self.assertEqual(record[name], before)
                    checked += 1
        self.assertGreater(checked, 100, "the walk covers the workflow fields of every declared model")

    def test_writable_by_managers_is_the_documented_list(self):
        """A manager's correction of a workflow field is an exception of its own model, listed here."""
        granted = set()
        for model in self._workflow_models():
            Model = self.env[model]
            record = self._sample(model).with_user(self.boss)
            for name in Model._spm_all_owned_fields():
                if record._spm_workflow_writable({name}):
                    granted.add((model, name))
        self.assertEqual(granted, WRITABLE_BY_MANAGERS)
        # and not to a salesperson
        lead = self.env["crm.lead"].with_context(active_test=False).search([], limit=1)
        self.assertFalse(lead.with_user(self.user_sales_east)._spm_workflow_writable({"spm_project_id"}))
