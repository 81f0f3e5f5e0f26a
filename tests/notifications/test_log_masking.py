"""Phone numbers and ID numbers never reach a log in clear: the sender logs masked values, and
the filter installed on the log handler in settings.LOGGING masks whatever anyone else logs."""

import io
import logging

import pytest

from onewindow.core.logmask import MaskIdentities, mask_identities
from onewindow.notifications.actions import do_send_message
from onewindow.notifications.constants import MessageChannel
from onewindow.notifications.notify import tell_applicant
from tests.cases.conftest import CITIZEN_ID, ENTERPRISE_CODE


@pytest.mark.django_db
def test_the_sender_logs_only_masked_phone_numbers(accepted_case, sms_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    [sms] = [
        m
        for m in tell_applicant(accepted_case, "delivered", event_key="delivered:log")
        if m.channel == MessageChannel.SMS
    ]
    sms_gateway.status = 500
    do_send_message(sms.pk)  # a failure logs the error too
    sms_gateway.status = 200
    from onewindow.notifications.models import OutboundMessage

    OutboundMessage.objects.filter(pk=sms.pk).update(state="pending")
    do_send_message(sms.pk)
    logged = caplog.text
    assert "138****8000" in logged and "attempt 1 failed" in logged and ": sent" in logged
    assert "13800138000" not in logged


def test_the_settings_install_the_filter_on_the_console_handler():
    [console] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, MaskIdentities) for f in h.filters)
    ]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.filters = console.filters
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    try:
        logger.warning("applicant %s phone %s code %s", CITIZEN_ID, "13800138000", ENTERPRISE_CODE)
        try:
            raise ValueError(f"bad id {CITIZEN_ID}")
        except ValueError:
            logger.exception("failed for 13912345678")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "110105********002X" in written and "138****8000" in written
    assert "911100********341L" in written and "139****5678" in written
    for clear in (CITIZEN_ID, "13800138000", ENTERPRISE_CODE, "13912345678"):
        assert clear not in written, clear


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机13800138000，", "手机138****8000，"),
        (f"id={CITIZEN_ID}", "id=110105********002X"),
        (f"code {ENTERPRISE_CODE}.", "code 911100********341L."),
        # Not identities: longer runs of digits, case numbers, order numbers, hashes.
        ("case 44130320261201000007", "case 44130320261201000007"),
        ("order 138001380001", "order 138001380001"),
        ("sha 9f86d081884c7d659a2feaa0c55ad015", "sha 9f86d081884c7d659a2feaa0c55ad015"),
        ("landline 0752-3312345", "landline 0752-3312345"),
    ],
)
def test_mask_identities(text, masked):
    assert mask_identities(text) == masked
