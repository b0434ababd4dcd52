#!/usr/bin/env python3
"""Write the spreadsheet files of the 销售项目 dashboards (data/files/spm_*_dashboard.json).

The dashboards are Odoo spreadsheets (spreadsheet_dashboard), shaped like Odoo's own
spreadsheet_dashboard_sale files: one sheet of Odoo charts (they open the records behind a bar
when clicked) and tables of pivot and list formulas, every data source on an Odoo model so that
it runs through the record rules of the viewing user. Texts are English `_t(...)` terms and chart
titles, which Odoo's translation export collects from files named *_dashboard.json (zh_CN.po
translates them). Each dashboard also gets its sample file, shown while its main model is empty.

Edit the descriptions below and run ``python3 tools/dashboards.py``; the files are committed.
"""

import json
import os

FILES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "files")
TEAM_FILTER = "5e0b0f4b-8d8a-4a47-9a1c-3f5d2a7c9b10"
YEAR_FILTER = "b6d2c4a1-3e5f-4a7b-9c8d-1e2f3a4b5c6d"
COLUMNS = "ABCDEFGH"
# the sample data sheet: a label and a value column per chart
DATA_COLUMNS = "ABCDEFGHIJKLMNOP"
COL_WIDTH = 135
ROW_HEIGHT = 23
CHART_ROWS = 14

OPPORTUNITY = [["type", "=", "opportunity"]]
SALES_PROJECT = [["spm_grade_id", "!=", False]]
OVERDUE = [["is_overdue", "=", True]]
COMMISSION_SETTLED = [["state", "!=", "cancelled"]]
ESCALATED = [["spm_is_issue", "=", True], ["spm_escalation_level", "!=", "0"],
             ["state", "not in", ["1_done", "1_canceled"]]]
OPEN_COMPLAINTS = [["spm_service_type", "=", "complaint"], ["state", "not in", ["1_done", "1_canceled"]]]


def chart(title, model, group_by, measure, domain=(), *, kind="bar", stacked=False, sample=()):
    return {"title": title, "model": model, "group_by": group_by, "measure": measure, "domain": list(domain),
            "kind": kind, "stacked": stacked, "sample": sample}


def pivot(name, model, rows, measures, *, columns=(), domain=(), sort=None):
    return {"name": name, "model": model, "rows": rows, "columns": list(columns), "measures": measures,
            "domain": list(domain), "sort": sort}


def table(title, source, headers, cells, *, lines=8, sample=()):
    """``cells`` are formula templates of one line: {p} is the data source id, {i} the line number."""
    return {"title": title, "source": source, "headers": headers, "cells": cells, "lines": lines, "sample": sample}


def odoo_list(name, model, columns, order, domain=()):
    return {"name": name, "model": model, "columns": columns, "order": order, "domain": list(domain), "list": True}


# the date of each model a dashboard's Year filter reads (the dashboards that have one)
YEAR_CHAIN = {"spm.target.analysis": "date", "spm.commission.line": "date", "spm.commission.settlement": "date_from"}

# the team of each model, for the Sales Team filter
TEAM_CHAIN = {
    "crm.lead": "team_id", "spm.gate.log": "team_id", "spm.collection.analysis": "team_id",
    "spm.collection.receipt": "team_id", "spm.target.analysis": "team_id", "project.project": "spm_lead_id.team_id",
    "spm.risk": "lead_id.team_id", "project.task": "project_id.spm_lead_id.team_id",
    "spm.satisfaction": "project_id.spm_lead_id.team_id", "spm.commission.line": "team_id",
}

DASHBOARDS = {
    "pipeline": {
        "charts": [
            chart("Pipeline by Stage and Grade", "crm.lead", ["stage_id", "spm_grade_id"], "expected_revenue",
                  OPPORTUNITY, stacked=True,
                  sample=[("Lead", 53), ("Qualification", 53), ("Initiation", 4), ("Solution", 60)]),
            chart("Weighted Pipeline by Stage", "crm.lead", ["stage_id"], "prorated_revenue", OPPORTUNITY,
                  sample=[("Lead", 19), ("Qualification", 46), ("Initiation", 4), ("Solution", 38)]),
            chart("Gate Blockers by Stage and Team", "crm.lead", ["stage_id", "team_id"], "__count",
                  [*OPPORTUNITY, ["spm_gate_ready", "=", False]], stacked=True,
                  sample=[("Lead", 1), ("Qualification", 1), ("Solution", 1), ("Negotiation", 1)]),
            chart("Conversion by Stage", "spm.gate.log", ["stage_from_id", "result"], "__count",
                  [["lead_id", "!=", False]], stacked=True,
                  sample=[("Lead", 5), ("Qualification", 3), ("Solution", 2), ("Bid", 2)]),
        ],
        "sources": {
            1: pivot("Pipeline by Stage", "crm.lead", ["stage_id"],
                     ["__count", "expected_revenue", "prorated_revenue"], domain=OPPORTUNITY),
            2: pivot("Pipeline by Grade", "crm.lead", ["spm_grade_id"],
                     ["__count", "expected_revenue", "prorated_revenue"], domain=OPPORTUNITY),
            3: pivot("Gate Blockers by Stage", "crm.lead", ["stage_id"], ["__count", "expected_revenue"],
                     domain=[*OPPORTUNITY, ["spm_gate_ready", "=", False]]),
            4: pivot("Conversion by Stage", "spm.gate.log", ["stage_from_id"], ["__count"], columns=["result"],
                     domain=[["lead_id", "!=", False]]),
        },
        "tables": [
            table("Pipeline by Stage", 1, ["Stage", "Opportunities", "Expected Revenue", "Weighted Revenue"],
                  ['=PIVOT.HEADER({p},"#stage_id",{i})', '=PIVOT.VALUE({p},"__count","#stage_id",{i})',
                   '=PIVOT.VALUE({p},"expected_revenue","#stage_id",{i})',
                   '=PIVOT.VALUE({p},"prorated_revenue","#stage_id",{i})'],
                  sample=[("Lead", 2, 53000000, 18835800), ("Qualification", 2, 53500000, 46282900)]),
            table("Pipeline by Grade", 2, ["Grade", "Opportunities", "Expected Revenue", "Weighted Revenue"],
                  ['=PIVOT.HEADER({p},"#spm_grade_id",{i})', '=PIVOT.VALUE({p},"__count","#spm_grade_id",{i})',
                   '=PIVOT.VALUE({p},"expected_revenue","#spm_grade_id",{i})',
                   '=PIVOT.VALUE({p},"prorated_revenue","#spm_grade_id",{i})'], lines=4,
                  sample=[("Company-level", 2, 105000000, 76066500), ("Office-level", 2, 12300000, 12034320)]),
            table("Gate Blockers by Stage", 3, ["Stage", "Blocked Opportunities", "Expected Revenue"],
                  ['=PIVOT.HEADER({p},"#stage_id",{i})', '=PIVOT.VALUE({p},"__count","#stage_id",{i})',
                   '=PIVOT.VALUE({p},"expected_revenue","#stage_id",{i})'],
                  sample=[("Lead", 1, 28000000), ("Solution", 1, 60000000)]),
            table("Conversion by Stage", 4, ["Stage Left", "Passed", "Overridden", "Moved On"],
                  ['=PIVOT.HEADER({p},"#stage_from_id",{i})',
                   '=PIVOT.VALUE({p},"__count","#stage_from_id",{i},"result","passed")',
                   '=PIVOT.VALUE({p},"__count","#stage_from_id",{i},"result","overridden")',
                   '=PIVOT.VALUE({p},"__count","#stage_from_id",{i})'],
                  sample=[("Lead", 5, 0, 5), ("Qualification", 2, 1, 3)]),
        ],
    },
    "project": {
        "charts": [
            chart("Sales Projects by Stage", "project.project", ["stage_id"], "__count", SALES_PROJECT, kind="pie",
                  sample=[("Acceptance", 1), ("Closing", 1), ("Closed", 1)]),
            chart("Open Risks by Level", "spm.risk", ["level"], "__count", [["state", "=", "open"]],
                  sample=[("High", 2), ("Medium", 3), ("Low", 2)]),
            chart("Escalated Issues", "project.task", ["project_id", "spm_escalation_level"], "__count", ESCALATED,
                  stacked=True, sample=[("Car park", 2)]),
            chart("Customer Satisfaction", "spm.satisfaction", ["project_id"], "score",
                  sample=[("Car park", 3.0), ("Guidance", 4.25)]),
            chart("Open Complaints by Severity", "project.task", ["spm_severity", "spm_escalation_level"], "__count",
                  OPEN_COMPLAINTS, stacked=True, sample=[("High", 1), ("Medium", 1), ("Low", 1)]),
            chart("Service Requests by Type", "project.task", ["spm_service_type"], "__count",
                  [["spm_service_type", "!=", False]], kind="pie",
                  sample=[("Complaint", 3), ("Maintenance", 8), ("Return Visit", 2)]),
        ],
        "sources": {
            1: pivot("Sales Projects by Stage", "project.project", ["stage_id"], ["__count", "spm_risk_high_count"],
                     domain=SALES_PROJECT),
            2: odoo_list("High Risks", "spm.risk", ["name", "project_id", "lead_id", "owner_id", "review_date"],
                         [{"name": "score", "asc": False}], [["level", "=", "high"], ["state", "=", "open"]]),
            3: odoo_list("Budget Use", "project.project", ["name", "spm_budget", "spm_cost_actual", "spm_cost_ratio"],
                         [{"name": "spm_budget", "asc": False}], [*SALES_PROJECT, ["spm_budget", ">", 0]]),
            4: pivot("Satisfaction by Project", "spm.satisfaction", ["project_id"], ["score"],
                     columns=["acceptance_type"]),
        },
        "tables": [
            table("Sales Projects by Stage", 1, ["Stage", "Projects", "High Risks"],
                  ['=PIVOT.HEADER({p},"#stage_id",{i})', '=PIVOT.VALUE({p},"__count","#stage_id",{i})',
                   '=PIVOT.VALUE({p},"spm_risk_high_count","#stage_id",{i})'], lines=6,
                  sample=[("Acceptance", 1, 1), ("Closing", 1, 0)]),
            table("High Risks", 2, ["Risk", "Project", "Opportunity", "Owner", "Next Review"],
                  ['=ODOO.LIST({p},{i},"name")', '=ODOO.LIST({p},{i},"project_id")', '=ODOO.LIST({p},{i},"lead_id")',
                   '=ODOO.LIST({p},{i},"owner_id")', '=ODOO.LIST({p},{i},"review_date")'],
                  sample=[("Supplier delay", "Car park", "", "Huang Tao", "")]),
            table("Budget Use", 3, ["Project", "Budget", "Actual Cost", "Cost / Budget (%)"],
                  ['=ODOO.LIST({p},{i},"name")', '=ODOO.LIST({p},{i},"spm_budget")',
                   '=ODOO.LIST({p},{i},"spm_cost_actual")', '=ODOO.LIST({p},{i},"spm_cost_ratio")'],
                  sample=[("Car park", 2900000, 1200000, 41.4)]),
            table("Satisfaction by Project", 4, ["Project", "Stage Acceptance", "Final Acceptance", "Average"],
                  ['=PIVOT.HEADER({p},"#project_id",{i})',
                   '=PIVOT.VALUE({p},"score","#project_id",{i},"acceptance_type","stage")',
                   '=PIVOT.VALUE({p},"score","#project_id",{i},"acceptance_type","final")',
                   '=PIVOT.VALUE({p},"score","#project_id",{i})'],
                  sample=[("Car park", 3.0, "", 3.0), ("Guidance", 4.25, 4.25, 4.25)]),
        ],
    },
    "collection": {
        "charts": [
            chart("Planned Collections by Month", "spm.collection.analysis", ["due_date:month"], "amount_company",
                  sample=[("September", 600000), ("October", 1140000), ("November", 600000)]),
            chart("Received by Month", "spm.collection.receipt", ["date:month"], "amount_company",
                  sample=[("September", 600000), ("November", 1100000)]),
            chart("Overdue by Aging and Team", "spm.collection.analysis", ["bucket", "team_id"],
                  "amount_overdue_company", OVERDUE, stacked=True,
                  sample=[("1–30 Days", 200000), ("31–60 Days", 640000)]),
            chart("Top Overdue Customers", "spm.collection.analysis", ["partner_id"], "amount_overdue_company",
                  OVERDUE, sample=[("Binjiang Hospital", 640000)]),
        ],
        "sources": {
            1: pivot("Planned vs Received by Month", "spm.collection.analysis", ["due_date:month"],
                     ["amount_company", "amount_invoiced_company", "amount_received_company",
                      "amount_outstanding_company"]),
            2: pivot("Top Overdue Customers", "spm.collection.analysis", ["partner_id"],
                     ["amount_overdue_company", "overdue_days"], domain=OVERDUE,
                     sort={"groupId": [[], []], "measure": "amount_overdue_company", "order": "desc"}),
            3: odoo_list("Collection Cycle", "project.project",
                         ["name", "partner_id", "spm_acceptance_date", "spm_collection_cycle_days",
                          "spm_collection_cycle_target"],
                         [{"name": "name", "asc": True}], [["spm_collection_done", "=", True]]),
        },
        "tables": [
            table("Planned vs Received by Month", 1, ["Due Month", "Planned", "Invoiced", "Received", "Outstanding"],
                  ['=PIVOT.HEADER({p},"#due_date:month",{i})',
                   '=PIVOT.VALUE({p},"amount_company","#due_date:month",{i})',
                   '=PIVOT.VALUE({p},"amount_invoiced_company","#due_date:month",{i})',
                   '=PIVOT.VALUE({p},"amount_received_company","#due_date:month",{i})',
                   '=PIVOT.VALUE({p},"amount_outstanding_company","#due_date:month",{i})'], lines=12,
                  sample=[("September 2026", 600000, 600000, 600000, 0),
                          ("October 2026", 1140000, 1140000, 500000, 640000)]),
            table("Top Overdue Customers", 2, ["Customer", "Overdue", "Days Overdue (Max)"],
                  ['=PIVOT.HEADER({p},"#partner_id",{i})',
                   '=PIVOT.VALUE({p},"amount_overdue_company","#partner_id",{i})',
                   '=PIVOT.VALUE({p},"overdue_days","#partner_id",{i})'], lines=10,
                  sample=[("Binjiang Hospital", 640000, 45)]),
            table("Collection Cycle", 3, ["Project", "Customer", "Final Acceptance", "Cycle (Days)", "Target (Days)"],
                  ['=ODOO.LIST({p},{i},"name")', '=ODOO.LIST({p},{i},"partner_id")',
                   '=ODOO.LIST({p},{i},"spm_acceptance_date")', '=ODOO.LIST({p},{i},"spm_collection_cycle_days")',
                   '=ODOO.LIST({p},{i},"spm_collection_cycle_target")'],
                  sample=[("Guidance system", "Binjiang Hospital", "", 20, 30)]),
        ],
    },
    "target": {
        # the targets and commissions of one year (this one by default): two years never add up
        "year_filter": True,
        "charts": [
            chart("Achievement by Team (%)", "spm.target.analysis", ["team_id", "basis"], "achievement",
                  [["target_type", "=", "team"]], sample=[("East China", 8.3), ("North China", 5.6)]),
            chart("Achievement by Salesperson (%)", "spm.target.analysis", ["user_id", "basis"], "achievement",
                  [["target_type", "=", "person"]], sample=[("Wang Lei", 16.7), ("Li Na", 5.6)]),
            chart("Commissions by Month", "spm.commission.line", ["date:month"], "amount",
                  sample=[("September", 12000), ("November", 22000)]),
            chart("Commission Settlements by Status", "spm.commission.settlement", ["state", "user_id"],
                  "amount_total", COMMISSION_SETTLED, stacked=True,
                  sample=[("Draft", 8000), ("Confirmed", 12000), ("Paid", 14000)]),
        ],
        "sources": {
            1: pivot("Achievement by Team", "spm.target.analysis", ["team_id"], ["achievement"], columns=["basis"],
                     domain=[["target_type", "=", "team"]]),
            2: pivot("Achievement by Salesperson", "spm.target.analysis", ["user_id"], ["achievement"],
                     columns=["basis"], domain=[["target_type", "=", "person"]]),
            # the teams' targets: the persons' targets share them, adding both would count them twice
            3: pivot("Target and Achieved by Basis", "spm.target.analysis", ["basis"],
                     ["target_amount", "achieved_amount", "achievement"], domain=[["target_type", "=", "team"]]),
            4: pivot("Commissions by Person", "spm.commission.settlement", ["user_id"], ["amount_total"],
                     columns=["state"], domain=COMMISSION_SETTLED),
        },
        "tables": [
            table("Achievement by Team (%)", 1, ["Sales Team", "Signed", "Invoiced", "Collected"],
                  ['=PIVOT.HEADER({p},"#team_id",{i})',
                   '=PIVOT.VALUE({p},"achievement","#team_id",{i},"basis","signed")',
                   '=PIVOT.VALUE({p},"achievement","#team_id",{i},"basis","invoiced")',
                   '=PIVOT.VALUE({p},"achievement","#team_id",{i},"basis","collected")'], lines=6,
                  sample=[("East China", 8.3, 4.9, 4.7), ("North China", 5.6, 4.7, 2.5)]),
            table("Achievement by Salesperson (%)", 2, ["Salesperson", "Signed", "Invoiced", "Collected"],
                  ['=PIVOT.HEADER({p},"#user_id",{i})',
                   '=PIVOT.VALUE({p},"achievement","#user_id",{i},"basis","signed")',
                   '=PIVOT.VALUE({p},"achievement","#user_id",{i},"basis","invoiced")',
                   '=PIVOT.VALUE({p},"achievement","#user_id",{i},"basis","collected")'], lines=10,
                  sample=[("Wang Lei", 16.7, 9.8, 9.4), ("Li Na", 5.6, 4.7, 2.5)]),
            table("Target and Achieved by Basis", 3, ["Basis", "Target", "Achieved", "Achievement (%)"],
                  ['=PIVOT.HEADER({p},"#basis",{i})', '=PIVOT.VALUE({p},"target_amount","#basis",{i})',
                   '=PIVOT.VALUE({p},"achieved_amount","#basis",{i})',
                   '=PIVOT.VALUE({p},"achievement","#basis",{i})'], lines=3,
                  sample=[("Signed", 192000000, 14000000, 7.3)]),
            table("Commissions by Person", 4, ["Person", "Draft", "Confirmed (to Pay)", "Paid"],
                  ['=PIVOT.HEADER({p},"#user_id",{i})',
                   '=PIVOT.VALUE({p},"amount_total","#user_id",{i},"state","draft")',
                   '=PIVOT.VALUE({p},"amount_total","#user_id",{i},"state","confirmed")',
                   '=PIVOT.VALUE({p},"amount_total","#user_id",{i},"state","paid")'], lines=10,
                  sample=[("Wang Lei", 8000, 4000, 14000), ("Li Na", "", 8000, "")]),
        ],
    },
}


def cell(col, row, columns=COLUMNS):
    return f"{columns[col]}{row + 1}"


def field_matching(model, year_filter=False):
    chain = TEAM_CHAIN.get(model)
    matching = {TEAM_FILTER: {"chain": chain, "type": "many2one"}} if chain else {}
    if year_filter and model in YEAR_CHAIN:
        matching[YEAR_FILTER] = {"chain": YEAR_CHAIN[model], "type": "date", "offset": 0}
    return matching


def dimension(spec):
    """A pivot row or column: a field, or a date field and its granularity (``date:month``)."""
    name, _sep, granularity = spec.partition(":")
    return {"fieldName": name, "granularity": granularity} if granularity else {"fieldName": name}


def guarded(formula):
    """A table cell's formula, empty where the data has no such line (instead of an error)."""
    return f"=IFERROR({formula[1:]},\"\")"


def odoo_chart_data(spec, year_filter=False):
    data = {
        "title": {"text": spec["title"], "bold": True, "color": "#434343"},
        "background": "#FFFFFF",
        "legendPosition": "top" if len(spec["group_by"]) > 1 or spec["kind"] == "pie" else "none",
        "metaData": {"groupBy": spec["group_by"], "measure": spec["measure"], "order": None,
                     "resModel": spec["model"], "mode": spec["kind"]},
        "searchParams": {"comparison": None, "context": {}, "domain": spec["domain"], "groupBy": spec["group_by"],
                         "orderBy": []},
        "type": f"odoo_{spec['kind']}",
        "fieldMatching": field_matching(spec["model"], year_filter),
    }
    if spec["kind"] != "pie":
        data.update(verticalAxisPosition="left", stacked=spec["stacked"])
    else:
        data.update(isDoughnut=False)
    return data


def sample_chart_data(spec, index):
    first, last = 2, 1 + len(spec["sample"])
    data = {
        "type": spec["kind"],
        "title": {"text": spec["title"], "bold": True, "color": "#434343"},
        "background": "#FFFFFF",
        "legendPosition": "none",
        "dataSetsHaveTitle": False,
        "dataSets": [{"dataRange": f"Data!{DATA_COLUMNS[2 * index + 1]}{first}:{DATA_COLUMNS[2 * index + 1]}{last}"}],
        "labelRange": f"Data!{DATA_COLUMNS[2 * index]}{first}:{DATA_COLUMNS[2 * index]}{last}",
        "aggregated": False,
    }
    if spec["kind"] != "pie":
        data.update(verticalAxisPosition="left", stacked=False, labelsAsText=True)
    return data


def figure(uid, index, data, row):
    return {"id": uid, "x": (index % 2) * (4 * COL_WIDTH + 5), "y": row * ROW_HEIGHT + 4,
            "width": 4 * COL_WIDTH - 10, "height": CHART_ROWS * ROW_HEIGHT - 12, "tag": "chart", "data": data}


def sample_value(value):
    return {"content": value if isinstance(value, str) else json.dumps(value)}


def build(name, spec, sample):
    cells, styles, figures, data_cells = {}, {}, [], {}
    for index, chart_spec in enumerate(spec["charts"]):
        row = (index // 2) * CHART_ROWS
        uid = f"spm-{name}-chart-{index + 1}"
        if sample:
            data = sample_chart_data(chart_spec, index)
            data_cells[cell(2 * index, 0, DATA_COLUMNS)] = {"content": f'=_t("{chart_spec["title"]}")'}
            for line, (label, value) in enumerate(chart_spec["sample"], start=1):
                data_cells[cell(2 * index, line, DATA_COLUMNS)] = {"content": f'=_t("{label}")'}
                data_cells[cell(2 * index + 1, line, DATA_COLUMNS)] = sample_value(value)
        else:
            data = odoo_chart_data(chart_spec, spec.get("year_filter"))
        figures.append(figure(uid, index, data, row))
    row = ((len(spec["charts"]) + 1) // 2) * CHART_ROWS + 1
    for tab in spec["tables"]:
        cells[cell(0, row)] = {"content": f'=_t("{tab["title"]}")'}
        styles[cell(0, row)] = 1
        row += 1
        for col, header in enumerate(tab["headers"]):
            cells[cell(col, row)] = {"content": f'=_t("{header}")'}
        styles[f"{cell(0, row)}:{cell(len(tab['headers']) - 1, row)}"] = 2
        row += 1
        for line in range(tab["lines"]):
            for col, template in enumerate(tab["cells"]):
                if sample:
                    if line < len(tab["sample"]) and tab["sample"][line][col] != "":
                        value = tab["sample"][line][col]
                        content = f'=_t("{value}")' if isinstance(value, str) else json.dumps(value)
                        cells[cell(col, row)] = {"content": content}
                else:
                    cells[cell(col, row)] = {"content": guarded(template.format(p=tab["source"], i=line + 1))}
            row += 1
        row += 1
    sheets = [{
        "id": "sheet1", "name": "Dashboard", "colNumber": len(COLUMNS), "rowNumber": row + 1,
        "rows": {}, "cols": {str(col): {"size": 230 if col == 0 else COL_WIDTH} for col in range(len(COLUMNS))},
        "merges": [], "cells": cells, "styles": styles, "formats": {}, "borders": {}, "conditionalFormats": [],
        "figures": figures, "tables": [], "areGridLinesVisible": False, "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []}, "dataValidationRules": [], "comments": {},
    }]
    if sample:
        sheets.append({
            "id": "data", "name": "Data", "colNumber": len(DATA_COLUMNS), "rowNumber": 12, "rows": {}, "cols": {},
            "merges": [], "cells": data_cells, "styles": {}, "formats": {}, "borders": {}, "conditionalFormats": [],
            "figures": [], "tables": [], "areGridLinesVisible": True, "isVisible": False,
            "headerGroups": {"ROW": [], "COL": []}, "dataValidationRules": [], "comments": {},
        })
    pivots, lists = {}, {}
    if not sample:
        for source_id, source in spec["sources"].items():
            key = str(source_id)
            if source.get("list"):
                lists[key] = {"id": key, "name": source["name"], "model": source["model"],
                              "columns": source["columns"], "domain": source["domain"], "context": {},
                              "orderBy": source["order"],
                              "fieldMatching": field_matching(source["model"], spec.get("year_filter"))}
            else:
                pivots[key] = {
                    "type": "ODOO", "id": key, "formulaId": key, "name": source["name"], "model": source["model"],
                    "domain": source["domain"], "context": {},
                    "measures": [{"id": measure, "fieldName": measure} for measure in source["measures"]],
                    "rows": [dimension(field) for field in source["rows"]],
                    "columns": [dimension(field) for field in source["columns"]],
                    "sortedColumn": source["sort"],
                    "fieldMatching": field_matching(source["model"], spec.get("year_filter")),
                }
    return {
        "version": 21, "sheets": sheets,
        "styles": {"1": {"bold": True, "fontSize": 14, "textColor": "#01666b"},
                   "2": {"bold": True, "textColor": "#434343", "fillColor": "#f2f2f2"}},
        "formats": {}, "borders": {}, "revisionId": "START_REVISION", "uniqueFigureIds": True,
        "settings": {}, "pivots": pivots, "pivotNextId": max(map(int, pivots), default=0) + 1,
        "customTableStyles": {}, "odooVersion": 12,
        "globalFilters": [] if sample else [{
            "id": TEAM_FILTER, "type": "relation", "label": "Sales Team", "modelName": "crm.team",
            "defaultValue": [], "defaultValueDisplayNames": [], "rangeType": "year"},
            *([{"id": YEAR_FILTER, "type": "date", "label": "Year", "rangeType": "fixedPeriod",
                "defaultValue": "this_year"}] if spec.get("year_filter") else [])],
        "lists": lists, "listNextId": max(map(int, lists), default=0) + 1, "chartOdooMenusReferences": {},
    }


def main():
    os.makedirs(FILES, exist_ok=True)
    for name, spec in DASHBOARDS.items():
        for sample in (False, True):
            path = os.path.join(FILES, f"spm_{name}{'_sample' if sample else ''}_dashboard.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(build(name, spec, sample), out, ensure_ascii=False, indent=4)
                out.write("\n")


if __name__ == "__main__":
    main()
