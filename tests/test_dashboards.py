import json
import re

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import code_translations, extract_formula_terms

MODULE = "sales_project_management"
DASHBOARDS = ("spm_dashboard_pipeline", "spm_dashboard_project", "spm_dashboard_collection", "spm_dashboard_target")
SOURCE_FORMULA = re.compile(r"(PIVOT\.(?:VALUE|HEADER)|ODOO\.LIST)\((\d+)")


@tagged("post_install", "-at_install")
class TestDashboards(TransactionCase):
    """The 销售项目 dashboards (管理驾驶舱) of the Dashboards app, read as Odoo's web client reads them:
    every chart, pivot and list is an Odoo data source run by the viewing user (the demo data,
    which `make test` installs, fills each of them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboards = [cls.env.ref(f"{MODULE}.{xmlid}") for xmlid in DASHBOARDS]
        cls.manager = cls.env.ref(f"{MODULE}.user_spm_manager")
        cls.executive = cls.env.ref(f"{MODULE}.user_spm_exec")
        cls.salesperson = cls.env.ref(f"{MODULE}.user_spm_sales2")

    def _data(self, dashboard):
        return json.loads(dashboard.spreadsheet_data)

    def _sources(self, data):
        """(kind, name, model, domain, groupby, measures, list columns, order) of every data source."""
        for pivot in data["pivots"].values():
            # a date is grouped by its own key (Odoo's pivot ignores a field named "date:month")
            for dimension in pivot["rows"] + pivot["columns"]:
                self.assertNotIn(":", dimension["fieldName"], f"{pivot['name']}: {dimension}")
            yield ("pivot", pivot["name"], pivot["model"], pivot["domain"],
                   [d["fieldName"] + (f":{d['granularity']}" if d.get("granularity") else "")
                    for d in pivot["rows"] + pivot["columns"]],
                   [m["fieldName"] for m in pivot["measures"]], [], [])
        for odoo_list in data["lists"].values():
            yield ("list", odoo_list["name"], odoo_list["model"], odoo_list["domain"], [], [],
                   odoo_list["columns"], [order["name"] for order in odoo_list["orderBy"]])
        for sheet in data["sheets"]:
            for figure in sheet["figures"]:
                chart = figure["data"]
                if chart["type"].startswith("odoo_"):
                    meta = chart["metaData"]
                    yield ("chart", chart["title"]["text"], meta["resModel"], chart["searchParams"]["domain"],
                           meta["groupBy"], [meta["measure"]], [], [])

    def _aggregates(self, Model, measures):
        return ["__count" if m == "__count" else f"{m}:{Model._fields[m].aggregator or 'sum'}" for m in measures]

    def test_dashboards_of_the_sales_projects_group(self):
        group = self.env.ref(f"{MODULE}.spm_dashboard_group")
        self.assertEqual(group.published_dashboard_ids, self.env["spreadsheet.dashboard"].concat(*self.dashboards))
        self.assertEqual(
            [d.with_context(lang="zh_CN").name for d in self.dashboards], ["销售管道", "项目", "回款", "目标与提成"])
        self.assertEqual(group.with_context(lang="zh_CN").name, "销售项目")

    def test_every_data_source_is_valid_and_filled_for_a_manager(self):
        for dashboard in self.dashboards:
            data = self._data(dashboard)
            used = {(kind, int(number)) for sheet in data["sheets"] for cell in sheet["cells"].values()
                    for kind, number in SOURCE_FORMULA.findall(cell.get("content", ""))}
            self.assertEqual({number for kind, number in used if kind != "ODOO.LIST"}, set(map(int, data["pivots"])),
                             f"{dashboard.name}: every pivot is shown and every pivot formula has its pivot")
            self.assertEqual({number for kind, number in used if kind == "ODOO.LIST"}, set(map(int, data["lists"])),
                             f"{dashboard.name}: every list is shown and every list formula has its list")
            for kind, name, model, domain, groupby, measures, columns, order in self._sources(data):
                label = f"{dashboard.name} / {kind} {name}"
                self.assertIn(model, self.env, label)
                Model = self.env[model].with_user(self.manager)
                for field in [spec.split(":")[0] for spec in groupby] + measures + columns + order:
                    self.assertTrue(field == "__count" or field in Model._fields, f"{label}: no field {field}")
                for field in order:
                    self.assertTrue(Model._fields[field].store, f"{label}: {field} cannot sort a list")
                if kind == "list":
                    records = Model.search(domain, order=", ".join(f"{f} desc" for f in order) or None)
                    self.assertTrue(records, f"{label}: no row in the demo data")
                    self.assertTrue(records.read(columns))
                    continue
                rows = Model._read_group(domain, groupby, self._aggregates(Model, measures))
                self.assertTrue(rows, f"{label}: no row in the demo data")
                self.assertTrue(any(value for row in rows for value in row[len(groupby):]),
                                f"{label}: every measure is zero in the demo data")

    def test_tables_show_no_error_and_targets_are_of_one_year(self):
        """A table line the data does not fill stays empty (not #ERROR); the targets dashboard reads one year
        (this one by default) and the teams' targets only where persons' targets would count them twice."""
        for dashboard in self.dashboards:
            for sheet in self._data(dashboard)["sheets"]:
                for address, cell in sheet["cells"].items():
                    content = cell.get("content", "")
                    if SOURCE_FORMULA.search(content):
                        self.assertTrue(content.startswith("=IFERROR("), f"{dashboard.name} {address}: {content}")
        target = self._data(self.env.ref(f"{MODULE}.spm_dashboard_target"))
        year = [f for f in target["globalFilters"] if f["type"] == "date"]
        self.assertEqual([(f["rangeType"], f["defaultValue"]) for f in year], [("fixedPeriod", "this_year")])
        for pivot in target["pivots"].values():
            self.assertIn(year[0]["id"], pivot["fieldMatching"], pivot["name"])
        self.assertIn(["target_type", "=", "team"], target["pivots"]["3"]["domain"])

    def test_charts_open_records_and_texts_are_translated(self):
        web = {m["id"]: m["string"] for m in code_translations.get_web_translations(MODULE, "zh_CN")["messages"]}
        for dashboard in self.dashboards:
            data = self._data(dashboard)
            charts = [figure["data"] for sheet in data["sheets"] for figure in sheet["figures"]]
            self.assertTrue(charts)
            # an Odoo chart opens the list of the records behind the bar clicked
            self.assertTrue(all(chart["type"] in ("odoo_bar", "odoo_pie", "odoo_line") for chart in charts))
            texts = [chart["title"]["text"] for chart in charts] + [f["label"] for f in data["globalFilters"]]
            texts += [term for sheet in data["sheets"] for cell in sheet["cells"].values()
                      for term in extract_formula_terms(cell.get("content", ""))]
            for text in texts:
                self.assertTrue(web.get(text), f"{dashboard.name}: {text!r} has no Chinese translation")

    def test_visible_per_group_with_the_viewers_records(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        ours = Dashboard.concat(*self.dashboards)
        self.assertEqual(Dashboard.with_user(self.salesperson).search([("id", "in", ours.ids)]), ours)
        self.assertEqual(Dashboard.with_user(self.executive).search([("id", "in", ours.ids)]), ours)
        accountant = self.env.ref(f"{MODULE}.user_spm_accountant")
        self.assertEqual(Dashboard.with_user(accountant).search([("id", "in", ours.ids)]),
                         self.env.ref(f"{MODULE}.spm_dashboard_collection"))
        outsider = mail_new_test_user(self.env, login="spm_t_dash_outsider", groups="base.group_user",
                                      company_id=self.manager.company_id.id,
                                      company_ids=[Command.set(self.manager.company_id.ids)])
        self.assertFalse(Dashboard.with_user(outsider).search([("id", "in", ours.ids)]))

        # the same pivot counts fewer opportunities for a salesperson (own leads) than for the executive
        pivot = self._data(self.dashboards[0])["pivots"]["1"]
        counts = {}
        for user in (self.salesperson, self.executive):
            rows = self.env[pivot["model"]].with_user(user)._read_group(pivot["domain"], [], ["__count"])
            counts[user] = rows[0][0]
        self.assertLess(counts[self.salesperson], counts[self.executive])
        self.assertTrue(counts[self.salesperson])

    def test_sample_dashboard_while_the_viewer_has_no_record(self):
        newcomer = mail_new_test_user(self.env, login="spm_t_dash_newcomer",
                                      groups=f"base.group_user,{MODULE}.group_spm_user",
                                      company_id=self.manager.company_id.id,
                                      company_ids=[Command.set(self.manager.company_id.ids)])
        target = self.env.ref(f"{MODULE}.spm_dashboard_target")
        sample = target.with_user(newcomer).get_readonly_dashboard()
        self.assertTrue(sample["is_sample"])
        self.assertEqual(sample["snapshot"]["sheets"][0]["figures"][0]["data"]["type"], "bar")
        live = target.with_user(self.manager).get_readonly_dashboard()
        self.assertNotIn("is_sample", live)
        self.assertEqual(live["snapshot"]["pivots"].keys(), self._data(target)["pivots"].keys())
