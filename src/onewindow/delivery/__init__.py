"""Results that reach people (送达): certificates and their verification, window pickup, smart
lockers, mail, the applicant's visits, and outbound notifications (SMS, e-mail, in-app).

The delivery app owns every model here; other apps change them only through delivery.actions.
"""
