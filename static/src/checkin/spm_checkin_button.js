/** @odoo-module **/

import { Component, status, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * “Check In” on a customer visit: asks the browser (the salesperson's phone) for its position and
 * gives it to the server, which records it once with the distance to the customer.
 *
 * On a phone held upright the form's header buttons live in a dropdown, which closes (destroying this
 * button) while the position and the server are awaited: the check-in then goes on with the services
 * themselves (not the component's wrapped ones, which would stop with it) and reloads the form's record.
 */
export class SpmCheckinButton extends Component {
    static template = "sales_project_management.SpmCheckinButton";
    static props = { ...standardWidgetProps };

    setup() {
        // the services, not useService's wrappers: their calls outlive this button (see above)
        this.orm = this.env.services.orm;
        this.notification = this.env.services.notification;
        this.state = useState({ locating: false });
    }

    locate() {
        return new Promise((resolve, reject) => {
            if (!navigator.geolocation) {
                reject(new Error(_t("This browser cannot give its position.")));
                return;
            }
            navigator.geolocation.getCurrentPosition(resolve, reject, {
                enableHighAccuracy: true,
                timeout: 20000,
                maximumAge: 0,
            });
        });
    }

    async onClick() {
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        this.state.locating = true;
        try {
            let position;
            try {
                position = await this.locate();
            } catch (error) {
                this.notification.add(
                    _t("Your position is needed to check in: allow this site to use your location. (%s)", error.message || ""),
                    { type: "danger" }
                );
                return;
            }
            await this.orm.call("spm.visit", "action_checkin", [[record.resId]], {
                latitude: position.coords.latitude,
                longitude: position.coords.longitude,
            });
            await record.load();
            const far = record.data.checkin_far;
            this.notification.add(
                far ? _t("Checked in, far from the customer.") : _t("Checked in."),
                { type: far ? "warning" : "success" }
            );
        } finally {
            if (status(this) !== "destroyed") {
                this.state.locating = false;
            }
        }
    }
}

export const spmCheckinButton = {
    component: SpmCheckinButton,
};

registry.category("view_widgets").add("spm_checkin_button", spmCheckinButton);
