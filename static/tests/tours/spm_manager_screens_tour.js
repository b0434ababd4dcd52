/** @odoo-module **/

import { registry } from "@web/core/registry";

// Three screens a manager opens from the menus, each of which crashed: the daily report board (its “this
// week” filter), the visits filtered on this week, and a new weekly report from 项目监控; then a delivery
// project's card opens the project's form, and the targets' years are years.
registry.category("web_tour.tours").add("spm_manager_screens_tour", {
    url: "/odoo/action-sales_project_management.spm_daily_report_action_board",
    steps: () => [
        {
            content: "the daily report board opens on this week",
            trigger: ".o_kanban_view .o_kanban_record",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains('本周')",
        },
        {
            content: "the visits, filtered on this week",
            trigger: "body",
            run: "goToUrl /odoo/action-sales_project_management.spm_visit_action",
        },
        {
            content: "the page is loaded (not the one left)",
            trigger: ".o_control_panel .o_breadcrumb:contains('客户拜访')",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o-dropdown-item:contains('本周')",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains('本周')",
        },
        {
            content: "a new weekly report from the monitoring menu",
            trigger: "body",
            run: "goToUrl /odoo/action-sales_project_management.spm_weekly_report_action",
        },
        {
            content: "the page is loaded (not the one left)",
            trigger: ".o_control_panel .o_breadcrumb:contains('周进度报告')",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "its form opens, waiting for its project",
            trigger: ".o_form_view .o_field_widget[name='project_id']",
        },
        {
            content: "the delivery projects: a card leads to the project itself, not only to its tasks",
            trigger: "body",
            run: "goToUrl /odoo/action-sales_project_management.spm_project_action_delivery",
        },
        {
            content: "the page is loaded (not the one left)",
            trigger: ".o_control_panel .o_breadcrumb:contains('交付项目')",
        },
        {
            trigger: ".o_kanban_record:contains('京华理工大学图书馆门禁改造') .o_spm_open_project",
            run: "click",
        },
        {
            content: "the project form with its gates",
            trigger: ".o_form_view .o_notebook a.nav-link[name='spm_collection']",
        },
        {
            trigger: ".o_breadcrumb .active:contains('京华理工大学图书馆门禁改造')",
        },
        {
            content: "the targets: a year reads 2026, not 2,026",
            trigger: "body",
            run: "goToUrl /odoo/action-sales_project_management.spm_target_action",
        },
        {
            content: "the page is loaded (not the one left)",
            trigger: ".o_control_panel .o_breadcrumb:contains('销售目标')",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='year']:not(:contains(','))",
        },
    ],
});
