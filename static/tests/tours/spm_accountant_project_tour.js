/** @odoo-module **/

import { registry } from "@web/core/registry";

// The accountant follows an installment of the 回款跟踪表 to its sales project.
registry.category("web_tour.tours").add("spm_accountant_project_tour", {
    url: "/odoo/action-sales_project_management.spm_collection_analysis_action",
    steps: () => [
        {
            content: "open an installment of the library project",
            trigger: ".o_list_view .o_data_row:contains('京华理工大学图书馆门禁改造') td.o_data_cell",
            run: "click",
        },
        {
            content: "its form shows its sales order",
            trigger: ".o_form_view .o_field_widget[name='sale_order_id']:contains('S0'), .o_form_view .o_field_widget[name='sale_order_id'] input:value(S0)",
        },
        {
            content: "its form links its project",
            trigger: ".o_form_view .o_field_widget[name='project_id'] a",
            run: "click",
        },
        {
            content: "the sales project opens: its collection plan",
            trigger: ".o_form_view .o_notebook a.nav-link[name='spm_collection']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='spm_collection_line_ids'] .o_data_row",
        },
        {
            trigger: ".o_breadcrumb .active:contains('京华理工大学图书馆门禁改造')",
        },
    ],
});
