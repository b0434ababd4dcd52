/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_change_request_tour", {
    url: "/odoo/action-sales_project_management.spm_change_request_action_my_approvals",
    steps: () => [
        {
            content: "the change request waiting for me is on my board",
            trigger: ".o_kanban_record:contains('变更审批测试项目')",
            run: "click",
        },
        {
            content: "approve it",
            trigger: ".o_form_view button[name='action_open_decision']:first",
            run: "click",
        },
        {
            trigger: ".modal textarea",
            run: "edit 同意追加预算",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "the request is approved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='approved']",
        },
    ],
});
