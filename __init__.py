from . import controllers, models, reports, wizards


def post_init_hook(env):
    env["crm.stage"]._spm_translate_renamed_stages()
    env["project.project.stage"]._spm_translate_renamed_stages()
