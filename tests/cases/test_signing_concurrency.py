"""Two heads of the lead department sign the same draft at the same moment: one decision.

Real concurrent transactions, so PostgreSQL only (see test_concurrency.py for why not SQLite's
in-memory test database). The draft's row lock (do_sign_decision) is what makes the second head
wait and then find the draft signed.
"""

import pytest
from django.db import connection

from onewindow.cases.actions import do_sign_decision
from onewindow.cases.constants import CaseState, DraftState
from onewindow.cases.errors import CaseActionError
from onewindow.cases.models import Case, DecisionDraft
from onewindow.core.models import AuditEntry
from tests.cases.test_concurrency import race
from tests.cases.test_decision_signing import answer_all, draft_approval
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions (run with DATABASE_URL set to PostgreSQL)",
    ),
]


@pytest.fixture
def reviewed_case(joint_item, accepted_case, reviewer_market, reviewer_fire, reviewer_housing):
    joint_item.needs_signature = True
    joint_item.save(update_fields=["needs_signature"])
    reviewers = {"SCJGJ": reviewer_market, "XFJYDD": reviewer_fire, "ZJJ": reviewer_housing}
    return answer_all(accepted_case, reviewers)


@pytest.mark.parametrize("round_", range(3))
def test_two_heads_signing_one_draft_at_once_decide_the_case_once(
    round_, reviewed_case, reviewer_market, head_market, market
):
    deputy = UserFactory(username="deputy_head_market", role="head", department=market)
    draft = draft_approval(reviewed_case, reviewer_market)

    results = race(
        lambda: do_sign_decision(DecisionDraft.objects.get(pk=draft.pk), acting_user=head_market),
        lambda: do_sign_decision(DecisionDraft.objects.get(pk=draft.pk), acting_user=deputy),
    )

    refusals = [r for r in results if isinstance(r, CaseActionError)]
    assert len(refusals) == 1, results
    assert (refusals[0].code, refusals[0].status) == ("wrong_state", 409)
    case = Case.objects.get(pk=reviewed_case.pk)
    assert case.state in (CaseState.DECIDED, CaseState.ISSUED)
    assert case.decision_number
    assert DecisionDraft.objects.get(pk=draft.pk).state == DraftState.SIGNED
    assert AuditEntry.objects.filter(action="decide_case", object_id=str(case.pk)).count() == 1
