/** @odoo-module **/

import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";

// The customer opens the acceptance report from the mailed link (no login) and signs it online.
// The page is opened by the Python test with the acceptance's access token.
registry.category("web_tour.tours").add("spm_acceptance_signature_tour", {
    steps: () => [
        {
            content: "the acceptance report shows the project and the result",
            trigger: ".o_spm_portal_acceptance:contains('滨江智慧停车一期')",
        },
        {
            content: "open the signature dialog",
            trigger: "a.o_spm_sign",
            run: "click",
        },
        {
            content: "the signatory's name is proposed",
            trigger: ".modal .o_web_sign_name_and_signature input:value(张明)",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            async run(helpers) {
                await waitUntil(() => {
                    const canvas = helpers.anchor;
                    const context = canvas.getContext("2d");
                    const imageData = context.getImageData(0, 0, canvas.width, canvas.height);
                    return new Uint32Array(imageData.data.buffer).some((pixel) => pixel !== 0);
                });
            },
        },
        {
            content: "sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the report is signed and confirmed",
            trigger: "#spm_acceptance_signature:contains('张明')",
        },
    ],
});
