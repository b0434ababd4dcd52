/** @odoo-module **/

import { registry } from "@web/core/registry";

// The phone's position is stubbed: 9 km north-east of the customer
const FAR_POSITION = { coords: { latitude: 30.2796, longitude: 120.2587, accuracy: 20 } };

registry.category("web_tour.tours").add("spm_visit_checkin_tour", {
    url: "/odoo/action-sales_project_management.spm_visit_action",
    steps: () => [
        {
            content: "the salesperson's visits of the day are listed",
            trigger: ".o_list_view .o_data_row:contains('机房现场调研')",
        },
        {
            content: "open the on-site visit",
            trigger: ".o_list_view .o_data_cell:contains('机房现场调研')",
            run: "click",
        },
        {
            content: "not checked in yet",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('未签到')",
        },
        {
            content: "check in: the browser gives its position",
            trigger: ".o_form_view .o_spm_checkin",
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    configurable: true,
                    value: { getCurrentPosition: (resolve) => resolve(FAR_POSITION) },
                });
                document.querySelector(".o_form_view .o_spm_checkin").click();
            },
        },
        {
            content: "the visit is flagged far from the customer",
            trigger: ".o_form_view .ribbon:contains('远离客户')",
        },
        {
            content: "the check-in button is gone: a visit is checked in once",
            trigger: ".o_form_view:not(:has(.o_spm_checkin))",
        },
    ],
});
