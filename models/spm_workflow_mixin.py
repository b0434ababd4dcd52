from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError


class SpmWorkflowMixin(models.AbstractModel):
    """What a record's workflow owns, declared once and enforced on every path.

    A model inheriting this mixin declares:

    - ``_spm_workflow_fields``: the fields that only its workflow (or accounting) sets, in sudo: a
      status, who decided and when, a sequence number, a flag of a scheduled job. Every stored computed
      or related field that has no inverse is owned the same way without being declared (of a core
      model, only the addon's ``spm_`` fields): a figure derived from other records is never typed.
    - ``_spm_fixed_fields``: the fields given when the record is created and never changed afterwards.
    - ``_spm_parent_fields``: the many2one links to the record this one belongs to (an opportunity, a
      project, a request...). ``_spm_check_parents`` decides whether the user may put a record under its
      parent; it runs after the record is created (its context defaults included) and after a parent link
      is changed, so that moving a record onto another parent is checked as creating it there would be.

    For everyone but the superuser, on every path (form, kanban, import, RPC):

    - create: a workflow field given a value other than its default is refused (or, for a model that sets
      ``_spm_create_ignores_workflow``, a request the user drafts and the workflow then stamps, ignored);
      given its default, it is dropped; the context's ``default_<field>`` keys and the user's saved defaults
      do not apply to them;
    - write: changing a workflow or fixed field is refused (writing back the value it has is not a change);
    - copy: the workflow fields start again from their defaults.

    A model whose own ``create``/``write`` derives workflow values from the user's input does so in
    ``_spm_prepare_create`` / ``_spm_prepare_write``, which run after the guard, for every caller.
    """
    _name = "spm.workflow.mixin"
    _description = "Workflow-Owned Fields"

    _spm_workflow_fields = ()
    _spm_fixed_fields = ()
    _spm_parent_fields = ()
    # a record the user drafts and its workflow stamps (a request, a report): workflow values given on create
    # are dropped rather than refused, as the form and an import of drafts send them
    _spm_create_ignores_workflow = False

    @api.model
    @tools.ormcache()
    def _spm_owned_fields(self):
        """The fields set by the workflow only: the declared ones and the stored figures computed from
        other records (computed or related, without an inverse)."""
        names = set(self._spm_workflow_fields)
        for name, field in self._fields.items():
            if not (self._name.startswith("spm.") or name.startswith("spm_")):
                continue
            if field.store and field.readonly and (field.related or (field.compute and not field.inverse)):
                names.add(name)
        return frozenset(names)

    def _spm_dynamic_owned_fields(self):
        """Fields owned the same way because of the configuration (the gates read them): not cached here."""
        return frozenset()

    def _spm_all_owned_fields(self):
        return self._spm_owned_fields() | self._spm_dynamic_owned_fields()

    # ------------------------------------------------------------
    # Values
    # ------------------------------------------------------------

    @api.model
    def _spm_field_default(self, name):
        """The value the field takes when nobody gives one (its own default, never the context's), as written."""
        field = self._fields[name]
        if not field.default:
            return False
        return field.convert_to_write(field.convert_to_cache(field.default(self), self, validate=False), self)

    @api.model
    def _spm_same_value(self, name, left, right):
        """Whether two values given for the field ``name`` (as written: ids, commands, strings) are the same."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            return not left and not right
        empty = self.browse()
        try:
            return field.convert_to_cache(left, empty) == field.convert_to_cache(right, empty)
        except (ValueError, TypeError):
            return False

    def _spm_changes(self, name, value):
        """Whether writing ``value`` changes the field ``name`` of one of the records."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            return bool(value)
        try:
            return any(field.convert_to_cache(record[name], record) != field.convert_to_cache(value, record)
                       for record in self)
        except (ValueError, TypeError):
            return True

    @api.model
    def _spm_check_values(self, vals):
        """Dates given as text must be dates: a clear message, not the database's."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if not field or field.type not in ("date", "datetime") or not isinstance(value, str) or not value:
                continue
            try:
                if field.type == "date":
                    fields.Date.to_date(value)
                else:
                    fields.Datetime.to_datetime(value)
            except ValueError as error:
                raise ValidationError(self.env._("“%(value)s” is not a valid date for %(field)s.", value=value,
                                                 field=field._description_string(self.env))) from error

    def _spm_refuse(self, names):
        labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))
        raise AccessError(self.env._(
            "%(fields)s of %(model)s are set by its workflow, not by hand.",
            fields=labels, model=self.env["ir.model"]._get(self._name).name))

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _spm_workflow_writable(self, _names):
        """Which of the workflow fields ``names`` the current user may still write on these records (a
        model may let a manager correct one); none by default."""
        return set()

    @api.model
    def _spm_prepare_create(self, vals):
        """The workflow's own values of a record about to be created (a sequence number...), merged into
        ``vals`` after the guard, for every caller."""
        return vals

    def _spm_prepare_write(self, vals):
        """The workflow's own values that follow from a write (a closing date...), merged into ``vals``
        after the guard, for every caller."""
        return vals

    def _spm_check_parents(self, _names):
        """Refuse to place these records under the records of their parent links ``names`` (after create,
        all of them; after a write, those changed) when the user may not work on them."""
        return

    # ------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if not self.env.su:
            for name in self._spm_all_owned_fields() & defaults.keys():
                if self._fields[name].default:
                    defaults[name] = self._spm_field_default(name)
                else:
                    del defaults[name]
        return defaults

    @api.model
    def _spm_guard_create(self, vals):
        vals = dict(vals)
        forged = set()
        for name in self._spm_all_owned_fields() & vals.keys():
            if self._spm_create_ignores_workflow or self._spm_same_value(name, vals[name],
                                                                         self._spm_field_default(name)):
                del vals[name]
            else:
                forged.add(name)
        if forged:
            self._spm_refuse(forged)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._spm_check_values(vals)
        if self.env.su:
            return super().create([self._spm_prepare_create(dict(vals)) for vals in vals_list])
        vals_list = [self._spm_prepare_create(self._spm_guard_create(vals)) for vals in vals_list]
        if not self._spm_parent_fields:
            return super().create(vals_list)
        # in a savepoint: a refused parent leaves no record behind, even for a caller that goes on
        with self.env.cr.savepoint():
            records = super().create(vals_list)
            records._spm_check_parents(set(self._spm_parent_fields))
        return records

    def _spm_guard_write(self, vals):
        """Refuse the user's change of a workflow or fixed field; return ``vals`` without the ones written
        back unchanged. The mixin's ``write`` calls it; a model's own ``write`` calls it first when its
        other checks must come after."""
        if self.env.su:
            return vals
        owned = (self._spm_all_owned_fields() | set(self._spm_fixed_fields)) & vals.keys()
        if not owned:
            return vals
        changed = {name for name in owned if self._spm_changes(name, vals[name])}
        forged = changed - self._spm_workflow_writable(changed)
        if forged:
            self._spm_refuse(forged)
        return {name: value for name, value in vals.items() if name not in owned or name in changed}

    def write(self, vals):
        self._spm_check_values(vals)
        if self.env.su:
            return super().write(self._spm_prepare_write(dict(vals)))
        vals = self._spm_prepare_write(self._spm_guard_write(vals))
        parents = {name for name in set(self._spm_parent_fields) & vals.keys() if self._spm_changes(name, vals[name])}
        if not parents:
            return super().write(vals)
        # the new parents are checked before anything is written, as creating the records under them would be
        for record in self:
            record.new({name: vals[name] for name in parents}, origin=record)._spm_check_parents(parents)
        with self.env.cr.savepoint():
            res = super().write(vals)
            # and the access rules of the records under their new parents, as creating them there applies them
            self.check_access("write")
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if not self.env.su:
            owned = self._spm_all_owned_fields() - set((default or {}).keys())
            vals_list = [{name: value for name, value in vals.items() if name not in owned} for vals in vals_list]
        return vals_list
