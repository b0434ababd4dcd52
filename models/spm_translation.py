"""Names copied from translatable templates into records keep every language.

The templates (approval steps, WBS phases, collection installments) are translated; what the
workflows create from them is read by people of several languages, so the copies carry every
installed language (when the target field is translatable) or the language of the person who
reads them (Odoo's own non-translatable names: milestones, tasks, invoice lines).
"""
from odoo.tools.translate import code_translations

MODULE = "sales_project_management"


def installed_langs(env):
    return [code for code, _name in env["res.lang"].get_installed()]


def field_translations(record, field_name):
    """{lang: value} of a translatable field of ``record`` in every installed language."""
    record.ensure_one()
    return {lang: record.with_context(lang=lang)[field_name] for lang in {"en_US", *installed_langs(record.env)}}


def term_translations(env, term):
    """{lang: value} of a code term (``_lt``) in every installed language."""
    source = str(term._source)
    values = {"en_US": source}
    for lang in installed_langs(env):
        if lang != "en_US":
            values[lang] = code_translations.get_python_translations(MODULE, lang).get(source, source)
    return values


def copy_translations(source, source_field, target, target_field):
    """Give ``target``'s translatable field the values of ``source``'s in every language."""
    target.update_field_translations(target_field, field_translations(source, source_field))
