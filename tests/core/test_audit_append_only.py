"""The audit trail is append-only: not even the database lets a row be changed (or, on
PostgreSQL, deleted), and the admin offers no way to do either."""

import pytest
from django.db import DatabaseError, connection, transaction

from onewindow.core import audit
from onewindow.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_audit_row_cannot_be_updated():
    entry = audit.record(
        action="accept_case", object_type="cases.case", object_id="1", to_state="accepted"
    )

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(to_state="closed")

    entry.refresh_from_db()
    assert entry.to_state == "accepted"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test runner's flush"
)
def test_an_audit_row_cannot_be_deleted_on_postgresql():
    entry = audit.record(action="accept_case", object_type="cases.case", object_id="1")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()
