/** @odoo-module **/

import { registry } from "@web/core/registry";

// A record's form opened from its URL, read without an error by a user of any role (an access error in any
// of its fields would fail the tour).
registry.category("web_tour.tours").add("spm_record_form_tour", {
    steps: () => [
        {
            content: "the form is shown",
            trigger: ".o_form_view .o_form_sheet .o_field_widget[name='name']",
        },
        {
            content: "with its title in the breadcrumb",
            trigger: ".o_breadcrumb .active:not(:empty)",
        },
    ],
});
