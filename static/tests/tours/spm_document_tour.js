/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_document_tour", {
    steps: () => [
        {
            content: "open the documents tab of the opportunity",
            trigger: ".o_notebook .nav-link:contains('文档')",
            run: "click",
        },
        {
            content: "add a document",
            trigger: ".o_notebook .tab-pane.active .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "upload the requirements specification",
            trigger: ".o_data_row.o_selected_row .o_field_binary",
            run() {
                const input = this.anchor.querySelector("input[type=file]");
                const file = new File(["需求说明书：停车诱导屏 32 块"], "需求说明书.txt", { type: "text/plain" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".o_data_row.o_selected_row .o_field_widget[name='name'] input:value(需求说明书.txt)",
        },
        {
            content: "tag it as the requirements specification",
            trigger: ".o_data_row.o_selected_row .o_field_widget[name='spm_document_type_id'] input",
            run: "edit 需求说明书",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('需求说明书')",
            run: "click",
        },
        {
            content: "save the opportunity",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "saved without an error, the document listed with its type",
            trigger: ".o_form_view .o_form_saved .o_notebook .tab-pane.active .o_data_row:contains('需求说明书.txt'):contains('需求说明书')",
        },
    ],
});
