/** @odoo-module **/

import { registry } from "@web/core/registry";

// The phone's position is stubbed: 9 km north-east of the customer
const FAR_POSITION = { coords: { latitude: 30.2796, longitude: 120.2587, accuracy: 20 } };

// On a phone held upright (390×844) the form's header buttons live in the ⚙ menu, which closes as soon as
// “Check In” is tapped: the check-in must go on and the form show it.
registry.category("web_tour.tours").add("spm_visit_checkin_phone_tour", {
    steps: () => [
        {
            content: "the visit is open, not checked in yet",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    configurable: true,
                    value: { getCurrentPosition: (resolve) => setTimeout(() => resolve(FAR_POSITION), 300) },
                });
            },
        },
        {
            content: "open the ⚙ menu of the phone's form",
            trigger: ".o_control_panel .o_cp_action_menus button.dropdown-toggle",
            run: "click",
        },
        {
            content: "tap “Check In” in it",
            trigger: ".o-dropdown--menu .o_spm_checkin",
            run: "click",
        },
        {
            content: "the visit is flagged far from the customer",
            trigger: ".o_form_view .ribbon:contains('远离客户')",
        },
    ],
});
