/** @odoo-module **/

import { registry } from "@web/core/registry";

// 项目进展邮件: the project manager reads the customer mail's preview on the weekly report, opens the composer
// with the button and sends it as it is.
registry.category("web_tour.tours").add("spm_customer_mail_tour", {
    steps: () => [
        {
            content: "the weekly report's customer mail tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name='spm_customer_mail']",
            run: "click",
        },
        {
            content: "the preview shows what the customer is asked for, not the budget",
            trigger: ".o_field_widget[name='spm_customer_preview']:contains('停车场平面图'):not(:contains('1,000,000'))",
        },
        {
            trigger: ".o_form_view button[name='action_spm_customer_mail']",
            run: "click",
        },
        {
            content: "Odoo's composer, addressed to the customer's contact",
            trigger: ".modal .o_field_widget[name='partner_ids']:contains('张明')",
        },
        {
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "the mail is in the report's chatter",
            trigger: ".o-mail-Message:contains('停车场平面图')",
        },
    ],
});
