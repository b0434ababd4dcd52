/** @odoo-module **/

import { registry } from "@web/core/registry";

// The project manager tries to move a project out of 验收 without its final acceptance.
// The Python test opens the project's form.
registry.category("web_tour.tours").add("spm_project_gate_tour", {
    steps: () => [
        {
            content: "the project stands in 验收",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('验收')",
        },
        {
            content: "ask for the next stage",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_spm_next_stage']",
            run: "click",
        },
        {
            content: "the refusal names the missing final acceptance, in Chinese",
            trigger: ".modal:contains('终验通过')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the stage gates tab tells what is missing",
            trigger: ".o_notebook .nav-link:contains('阶段关口')",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .text-danger:contains('终验通过')",
        },
    ],
});
