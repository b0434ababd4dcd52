/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_gate_tour", {
    url: "/odoo/action-crm.crm_lead_action_pipeline",
    steps: () => [
        {
            content: "the card shows how many requirements of its stage are met",
            trigger: ".o_kanban_record:contains('闸口测试商机') .badge:contains('0/3')",
        },
        {
            content: "open the opportunity",
            trigger: ".o_kanban_record:contains('闸口测试商机') .fw-bold",
            run: "click",
        },
        {
            content: "try to jump to 立项 from the status bar",
            trigger: ".o_form_view .o_statusbar_status button:contains('立项')",
            run: "click",
        },
        {
            content: "the refusal lists the missing requirements in Chinese",
            trigger: ".modal:contains('联系人'):contains('可行性评分')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "discard the refused move",
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            content: "the opportunity stays in its stage",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('线索/客户开发')",
        },
        {
            content: "the stage gates tab tells what is missing",
            trigger: ".o_notebook .nav-link:contains('阶段关口')",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .text-danger:contains('联系人')",
        },
    ],
});
