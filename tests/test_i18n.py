import ast
import os

import polib
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "sales_project_management"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
I18N = os.path.join(ROOT, "i18n")


def demo_xmlids():
    """External ids of the demo records: their terms are not part of the .pot."""
    with open(os.path.join(ROOT, "__manifest__.py"), encoding="utf-8") as manifest:
        demo_files = ast.literal_eval(manifest.read()).get("demo", [])
    ids = set()
    for path in demo_files:
        for node in etree.parse(os.path.join(ROOT, path)).iter("record"):
            xmlid = node.get("id")
            xmlid = xmlid if "." in xmlid else f"{MODULE}.{xmlid}"
            ids.add(xmlid)
            if node.get("model") == "product.product":  # its template gets a derived xmlid
                ids.add(f"{xmlid}_product_template")
    return ids


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """zh_CN.po must translate every term of a freshly generated .pot (``make pot`` regenerates
    both); the committed .pot must be that fresh one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        demo = demo_xmlids()
        reader = TranslationModuleReader(cls.env.cr, modules=[MODULE])
        # rows are (module, type, name, res_id, source, value, comments)
        cls.fresh_ids = {row[4] for row in reader if row[4] and row[3] not in demo}

    def test_pot_is_up_to_date(self):
        pot = polib.pofile(os.path.join(I18N, f"{MODULE}.pot"))
        committed = {entry.msgid for entry in pot}
        self.assertFalse(self.fresh_ids - committed,
                         "i18n/%s.pot lacks terms of the installed module; run `make pot`" % MODULE)
        self.assertFalse(committed - self.fresh_ids,
                         "i18n/%s.pot has terms the module no longer has; run `make pot`" % MODULE)

    def test_zh_cn_translates_every_term(self):
        po = polib.pofile(os.path.join(I18N, "zh_CN.po"))
        translated = {e.msgid for e in po if e.msgstr.strip() and not e.obsolete and "fuzzy" not in e.flags}
        missing = sorted(self.fresh_ids - translated)
        self.assertFalse(missing, "zh_CN.po misses %d term(s): %s" % (len(missing), missing[:20]))

    def test_zh_cn_is_loaded_for_menus(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        root = self.env.ref(f"{MODULE}.menu_spm_root").with_context(lang="zh_CN")
        self.assertEqual(root.name, "销售项目")
