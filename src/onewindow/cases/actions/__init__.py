"""Every change to a case. One transaction each, a state check first, an audit row included."""

from onewindow.cases.actions.acceptance import do_accept_case
from onewindow.cases.actions.clock_stops import (
    do_end_suspension,
    do_request_supplement,
    do_start_special_procedure,
)
from onewindow.cases.actions.decision import do_decide_case
from onewindow.cases.actions.endings import do_terminate_case, do_withdraw_case
from onewindow.cases.actions.extensions import do_decide_extension, do_request_extension
from onewindow.cases.actions.inputs import ApplicantInput, MaterialInput, ProxyInput
from onewindow.cases.actions.intake import (
    do_issue_supplement_notice,
    do_not_accept,
    do_receive_intake,
    do_receive_tolerated_materials,
    do_update_intake_materials,
)
from onewindow.cases.actions.review import do_complete_review
from onewindow.cases.actions.signing import do_draft_decision, do_return_draft, do_sign_decision
from onewindow.cases.actions.supervision import (
    do_mark_all_notifications_read,
    do_mark_notification_read,
    do_press_case,
    do_refresh_colours,
    do_send_colour_notices,
)

__all__ = [
    "ApplicantInput",
    "MaterialInput",
    "ProxyInput",
    "do_accept_case",
    "do_complete_review",
    "do_decide_case",
    "do_decide_extension",
    "do_draft_decision",
    "do_end_suspension",
    "do_issue_supplement_notice",
    "do_mark_all_notifications_read",
    "do_mark_notification_read",
    "do_not_accept",
    "do_press_case",
    "do_receive_intake",
    "do_receive_tolerated_materials",
    "do_refresh_colours",
    "do_request_extension",
    "do_request_supplement",
    "do_return_draft",
    "do_send_colour_notices",
    "do_sign_decision",
    "do_start_special_procedure",
    "do_terminate_case",
    "do_update_intake_materials",
    "do_withdraw_case",
]
