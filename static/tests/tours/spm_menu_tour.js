/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("spm_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "the app is listed in Chinese",
            trigger: ".o_app[data-menu-xmlid='sales_project_management.menu_spm_root']:contains('销售项目')",
            run: "click",
        },
        {
            content: "the pipeline opens as a kanban board",
            trigger: ".o_main_navbar .o_menu_brand:contains('销售项目')",
        },
        {
            trigger: ".o_kanban_renderer",
        },
        {
            content: "managers see the configuration menu",
            trigger: ".o_main_navbar button:contains('配置')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('销售团队')",
        },
    ],
});
