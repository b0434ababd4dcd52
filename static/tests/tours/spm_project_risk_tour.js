/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_project_risk_tour", {
    url: "/odoo/action-project.open_view_project_all",
    steps: () => [
        {
            content: "the project's card shows its high risk in red",
            trigger: ".o_kanban_record:contains('风险看板测试项目') a.badge.text-bg-danger[name='action_spm_view_risks']",
            run: "click",
        },
        {
            content: "the badge opens the project's risks",
            trigger: ".o_data_row:contains('设备到货延迟')",
        },
    ],
});
