/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_collection_tour", {
    url: "/odoo/action-sales_project_management.spm_collection_analysis_action",
    steps: () => [
        {
            content: "the overdue delivery installment is listed in red",
            trigger: ".o_list_view tr.text-danger:contains('到货款'):contains('京华理工大学图书馆门禁改造')",
        },
        {
            content: "switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "outstanding amounts by customer and aging bucket",
            trigger: ".o_pivot th:contains('31–60 天')",
        },
    ],
});
