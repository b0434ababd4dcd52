/** @odoo-module **/

import { registry } from "@web/core/registry";

const DASHBOARDS = ["销售管道", "项目", "回款", "目标与提成"];

function chartsOf(root = document) {
    return [...root.querySelectorAll(".o_spreadsheet_dashboard_action .o-figure canvas")].map((canvas) => ({
        canvas,
        chart: window.Chart && window.Chart.getChart(canvas),
    }));
}

function datasetHasData(dataset) {
    return dataset.data.some((value) => Number(value));
}

function hasData(chart) {
    return chart.data.datasets.some(datasetHasData);
}

/** Wait until every chart of the open dashboard is drawn, then fail if one of them is empty. */
async function everyChartHasData(name) {
    const deadline = Date.now() + 30000;
    for (;;) {
        const charts = chartsOf();
        const drawn = charts.filter(({ chart }) => chart);
        const empty = drawn.filter(({ chart }) => !hasData(chart));
        if (charts.length && drawn.length === charts.length && !empty.length) {
            return;
        }
        if (Date.now() > deadline) {
            const titles = empty.map(({ chart }) => chart.options.plugins?.title?.text);
            throw new Error(`${name}: ${charts.length} charts, ${drawn.length} drawn, empty: ${titles.join(", ")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

function openDashboard(name) {
    return [
        {
            content: `open the ${name} dashboard of the 销售项目 group`,
            trigger: `.o_search_panel_section:contains('销售项目') .o_search_panel_category_value:contains('${name}')`,
            run: "click",
        },
        {
            content: `${name} shows the live data, not the sample`,
            trigger: `.o_search_panel_category_value.active:contains('${name}')`,
        },
        {
            trigger: ".o_spreadsheet_dashboard_action .o_renderer:not(.o-sample-dashboard) .o-figure canvas",
            run: () => everyChartHasData(name),
        },
    ];
}

registry.category("web_tour.tours").add("spm_dashboard_tour", {
    url: "/odoo/dashboards",
    steps: () => [
        ...DASHBOARDS.flatMap(openDashboard),
        {
            content: "a bar of the target chart opens the records behind it",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            run: () => {
                const { canvas, chart } = chartsOf().find(({ chart }) => chart && hasData(chart));
                const meta = chart.getDatasetMeta(chart.data.datasets.findIndex(datasetHasData));
                const bar = meta.data.find((element, index) => Number(meta._dataset.data[index]));
                const rect = canvas.getBoundingClientRect();
                const init = { bubbles: true, clientX: rect.left + bar.x, clientY: rect.top + bar.y + 2 };
                canvas.dispatchEvent(new MouseEvent("mousemove", init));
                canvas.dispatchEvent(new MouseEvent("click", init));
            },
        },
        {
            content: "the achievement rows of that bar are listed",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});

registry.category("web_tour.tours").add("spm_dashboard_sample_tour", {
    url: "/odoo/dashboards",
    steps: () => [
        {
            content: "a salesperson without targets opens the target dashboard",
            trigger: ".o_search_panel_section:contains('销售项目') .o_search_panel_category_value:contains('目标与提成')",
            run: "click",
        },
        {
            content: "its sample is shown, with sample figures in its charts",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer.o-sample-dashboard .o-figure canvas",
            run: () => everyChartHasData("目标与提成 (sample)"),
        },
    ],
});
