from . import models, reports, wizards


def post_init_hook(env):
    env["crm.stage"]._spm_translate_renamed_stages()
