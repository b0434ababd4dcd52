"""18.0.1.4.0: a visit's check-in keeps the customer's position it was measured against. The check-ins made
before kept only the distance: they take the customer's position of today (the best known), so that their
status and distance, decided then, stay as they were."""


def migrate(cr, version):
    cr.execute("""
        UPDATE spm_visit v
           SET checkin_customer_latitude = p.partner_latitude, checkin_customer_longitude = p.partner_longitude
          FROM res_partner p
         WHERE p.id = v.partner_id AND v.checkin_time IS NOT NULL AND v.checkin_customer_latitude IS NULL
    """)
