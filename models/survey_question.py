from odoo import models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    def _validate_scale(self, answer):
        """A scale answer lies on its scale (the customer's satisfaction survey is public: 99 is refused with a
        message on the form, not stored)."""
        errors = super()._validate_scale(answer)
        if errors or answer in (None, False, ""):
            return errors
        try:
            value = int(answer)
        except (TypeError, ValueError):
            value = None
        if value is None or str(answer).strip() != str(value) or not self.scale_min <= value <= self.scale_max:
            return {self.id: self.env._("Choose a value from %(min)s to %(max)s.", min=self.scale_min,
                                        max=self.scale_max)}
        return {}
