/** @odoo-module **/

import { registry } from "@web/core/registry";

// 李娜 (demo salesperson) reads her commissions: the receipts of 京华理工, the clawback in red, a line's rule.
registry.category("web_tour.tours").add("spm_commission_tour", {
    url: "/odoo/action-sales_project_management.spm_commission_line_action_my",
    steps: () => [
        {
            content: "her commission lines of the year are listed with their project",
            trigger: ".o_list_view .o_data_row:contains('京华理工大学图书馆门禁改造')",
        },
        {
            content: "the bounced payment's clawback is in red",
            trigger: ".o_list_view tr.text-danger:contains('京华理工大学图书馆门禁改造')",
        },
        {
            content: "open a commission line",
            trigger: ".o_list_view .o_data_row:not(.text-danger):first .o_data_cell[name=project_id]",
            run: "click",
        },
        {
            content: "the line shows the rule it was paid by",
            trigger: ".o_form_view .o_field_widget[name=rule_id]:contains('回款提成方案')",
        },
    ],
});
