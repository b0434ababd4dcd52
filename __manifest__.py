{
    "name": "Sales Project Management",
    "summary": "Run long B2B deals as governed sales projects: stage gates, graded initiation "
    "approval, delivery projects and payment collection on Odoo CRM, Project, Sales and Invoicing",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "Sales Project Management",
    "website": "https://github.com/sales-project-management/sales_project_management",
    "license": "LGPL-3",
    "depends": ["crm", "sale_crm", "sale_project", "account"],
    "data": [
        "security/spm_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
    ],
    "demo": [
        "data/spm_demo.xml",
        "data/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_project_management/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
