"""Issuing a decided case's result and collecting it at the window, as the tests of other parts
need it: the pickup code is read from the SMS the applicant was sent (it is stored nowhere else)."""

import re

from onewindow.delivery.actions import Collector, do_hand_over_at_window, do_issue_result
from onewindow.notifications.models import OutboundMessage

CODE = re.compile(r"(?:领取码|取件码)(\d{6})")


def sent_code(case, template="ready_for_pickup"):
    """The code in the latest `template` message to the case's applicant."""
    message = OutboundMessage.objects.filter(
        case_id=case.pk, template=template, channel="sms"
    ).latest("id")
    return CODE.search(message.body).group(1)


def issue(case, clerk):
    """DECIDED → ISSUED (window delivery); the pickup code sent to the applicant."""
    do_issue_result(case, acting_user=clerk)
    return sent_code(case)


def collect(case, clerk, *, code=None, id_number=None):
    """The applicant collects at the window with their own ID."""
    return do_hand_over_at_window(
        case,
        pickup_code=code or sent_code(case),
        collector=Collector(id_number=id_number or case.applicant_id_number),
        acting_user=clerk,
    )
