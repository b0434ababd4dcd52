/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_approval_tour", {
    url: "/odoo/action-sales_project_management.spm_initiation_action_my_approvals",
    steps: () => [
        {
            content: "the request waiting for me is on my approvals board",
            trigger: ".o_kanban_record:contains('审批测试商机')",
            run: "click",
        },
        {
            content: "approve it",
            trigger: ".o_form_view button[name='action_open_decision']:first",
            run: "click",
        },
        {
            trigger: ".modal textarea",
            run: "edit 同意立项",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "the request is approved and its project exists",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='approved']",
        },
        {
            trigger: ".o_form_view button[name='action_open_project']",
        },
    ],
});
