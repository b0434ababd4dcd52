/** @odoo-module **/

import { registry } from "@web/core/registry";

// The customer answers the satisfaction survey from the link of the invitation, without a login.
// The Python test opens the survey with the answer's token.
registry.category("web_tour.tours").add("spm_satisfaction_survey_tour", {
    steps: () => [
        {
            content: "start the survey",
            trigger: "button[value='start']:not(.disabled)",
            run: "click",
        },
        ...[5, 4, 4, 2].map((score, index) => ({
            content: `score criterion ${index + 1}`,
            trigger: `div.js_question-wrapper:eq(${index}) label.o_survey_choice_btn:contains('${score}')`,
            run: "click",
        })),
        {
            content: "comment",
            trigger: "div.js_question-wrapper:eq(4) textarea",
            run: "edit 进度还需加快",
        },
        {
            content: "submit",
            trigger: "button[value='finish']",
            run: "click",
        },
        {
            content: "thanked",
            trigger: ".o_survey_finished",
        },
    ],
});
