"""A 403 is a refusal, not an error: it is logged in one line, without a traceback, whether a
page or the API refused; real errors keep theirs."""

import logging
import sys

import pytest
from django.urls import reverse

from onewindow.core.logfilters import RefusalInOneLine
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    hall = DepartmentFactory(code="ZWFWZX", name="惠阳区政务服务中心", kind="hall")
    return UserFactory(username="clerk", role="clerk", department=hall)


def refusals(caplog):
    return [r for r in caplog.records if r.name == "django.request" and r.status_code == 403]


def test_a_page_that_refuses_logs_one_line_without_a_traceback(client, clerk, caplog):
    client.force_login(clerk)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("notifications:outbox"))  # supervisors only

    assert response.status_code == 403
    (record,) = refusals(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == "Forbidden (Permission denied): /messages/"
    assert "Traceback" not in caplog.text


def test_an_api_refusal_logs_one_line_without_a_traceback(client, clerk, caplog):
    client.force_login(clerk)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/cases/supervision")  # supervisors only

    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert all(record.exc_info is None for record in refusals(caplog))
    assert "Traceback" not in caplog.text


def record_with(exception, status_code):
    try:
        raise exception
    except type(exception):
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
    record.status_code = status_code
    return record


def test_a_server_error_keeps_its_traceback():
    record = record_with(RuntimeError("boom"), 500)

    assert RefusalInOneLine().filter(record) and record.exc_info is not None
