from . import controllers, models, reports, wizards


def post_init_hook(env):
    env["crm.stage"]._spm_translate_renamed_stages()
    env["project.project.stage"]._spm_translate_renamed_stages()


def uninstall_hook(env):
    # the index the addon added to crm's table for the pipeline's columns (crm.lead.init)
    env.cr.execute("DROP INDEX IF EXISTS crm_lead_spm_stage_priority_id_index")
