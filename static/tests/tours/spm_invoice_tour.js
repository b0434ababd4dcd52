/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_invoice_tour", {
    url: "/odoo/action-sales_project_management.spm_collection_analysis_action",
    steps: () => [
        {
            content: "the accountant opens the installment due for invoicing from the tracking list",
            trigger: ".o_list_view .o_data_row:contains('京华理工大学图书馆门禁改造'):contains('验收款') td[name='name']",
            run: "click",
        },
        {
            content: "the installment's form, with its invoicing button",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('待开票')",
        },
        {
            trigger: ".o_form_view button[name='action_create_invoice']",
            run: "click",
        },
        {
            content: "the draft invoice opens, for the accountant to check and post",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='draft']",
        },
        {
            trigger: ".o_form_view button[name='action_post']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='posted']",
        },
        {
            content: "back to the installment, now invoiced",
            trigger: ".o_breadcrumb li.breadcrumb-item.o_back_button",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('已开票')",
        },
        {
            content: "open its project: the collection tab is there, without an access error",
            trigger: ".o_form_view .o_field_widget[name='project_id'] a",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains('回款')",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_data_row:contains('验收款'):contains('已开票')",
        },
    ],
});
