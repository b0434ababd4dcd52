import inspect

from odoo import models
from odoo.addons.base.controllers.rpc import dumps
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

# core models the addon extends: their own ``action_spm_*`` methods are walked too
CORE_MODELS = ("crm.lead", "crm.team", "project.project", "project.task", "project.update", "sale.order",
               "account.move", "account.payment", "res.partner", "calendar.event")


@tagged("post_install", "-at_install")
class TestRpcResults(TransactionCase):
    """Every button of the addon answers over XML-RPC with something XML-RPC can carry (an action, True or
    False, never ``None``): one generic walk over every public ``action_*`` method of every ``spm.`` model
    (and the ``action_spm_*`` methods of the core models it extends) that needs no argument, called on a
    demo record. A refusal (a ``UserError``) is an answer too; a result that cannot be marshalled is a
    button that works in the browser and breaks for an integrator."""

    def _methods(self, model):
        cls = type(self.env[model])
        prefix = "action_" if model.startswith("spm.") else "action_spm_"
        for name in sorted(dir(cls)):
            if not name.startswith(prefix):
                continue
            method = getattr(cls, name)
            if not callable(method) or getattr(method, "_api_model", False):
                continue
            # defined by the addon (its module path), not inherited from Odoo's own classes
            owners = [klass for klass in cls.__mro__ if name in vars(klass)]
            if not any(klass.__module__.startswith("odoo.addons.sales_project_management") for klass in owners):
                continue
            params = list(inspect.signature(method).parameters.values())[1:]
            if any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                   for p in params):
                continue
            yield name

    @mute_logger("odoo.models", "odoo.addons.mail", "odoo.addons.sales_project_management.models")
    def test_every_button_answers_something_rpc_can_carry(self):
        names = sorted(name for name in self.env.registry if name.startswith("spm.")) + list(CORE_MODELS)
        walked = 0
        for model_name in names:
            Model = self.env[model_name]
            if Model._abstract or Model._transient or not isinstance(Model, models.BaseModel):
                continue
            records = Model.search([], limit=3)
            for method in self._methods(model_name):
                for record in records:
                    with self.subTest(model=model_name, method=method, id=record.id):
                        try:
                            with self.env.cr.savepoint():
                                result = getattr(record, method)()
                        except (UserError, ValidationError):
                            continue
                        walked += 1
                        try:
                            dumps((result,))  # Odoo's own XML-RPC marshaller (dates, markup)
                        except TypeError as error:
                            self.fail(f"{model_name}.{method}() on {record.id} answered {result!r}: {error}")
        # the demo records are there: the walk really called the buttons
        self.assertGreater(walked, 50)
