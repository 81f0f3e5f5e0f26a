"""Decisions signed by a head (签发), the pages: the reviewer's draft (posted from the task page),
the head's 待签发 list and the signing page with sign and return.

Signing and drafting a refusal cannot be undone: their forms carry a confirmation box listing
what will happen, checked here (errors.require_confirmation), so the confirmation holds without
JavaScript too.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases import queries
from onewindow.cases.actions import do_draft_decision, do_return_draft, do_sign_decision
from onewindow.cases.constants import Decision, DraftState
from onewindow.cases.errors import CaseActionError, invalid_input, require_confirmation
from onewindow.cases.models import Case, DecisionDraft
from onewindow.cases.permissions import heads, works_for
from onewindow.cases.views.common import (
    client_ip,
    failed,
    page_context,
    require_department_staff,
)


class DraftForm(forms.Form):
    """The draft's fields as posted; the action checks what they must hold."""

    outcome = forms.CharField(required=False)
    text = forms.CharField(required=False)
    reasons = forms.CharField(required=False)
    conditions = forms.CharField(required=False)
    valid_until = forms.DateField(required=False)


def require_head(user):
    if not user.has_role("head"):
        raise PermissionDenied(_("只有部门负责人签发决定"))


# --- the reviewer's draft -----------------------------------------------------------------------


@login_required
@require_POST
def draft_decision(request, pk):
    """Posted from the lead department's task page; back to it, with the error in place."""
    from onewindow.cases.views.review import render_task

    require_department_staff(request.user)
    case = get_object_or_404(Case.objects.select_related("item"), pk=pk)
    task = case.tasks.filter(department_id=case.item.lead_department_id).order_by("-id").first()
    if task is None or not works_for(request.user, task.department_id):
        raise PermissionDenied(_("只有牵头部门的审批人员可以拟写决定"))
    form = DraftForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid_input("valid_until", _("有效期截止日期格式为 年-月-日"))
        data = form.cleaned_data
        if data["outcome"] == Decision.REFUSED:
            # A refusal, once signed, ends the application: the reviewer confirms it here.
            require_confirmation(request.POST)
        do_draft_decision(
            case,
            outcome=data["outcome"],
            text=data["text"],
            reasons=data["reasons"],
            conditions=data["conditions"],
            valid_until=data["valid_until"],
            acting_user=request.user,
            client_address=client_ip(request),
        )
    except CaseActionError as exc:
        message, status = failed(exc)
        return render_task(request, task.pk, failed="draft", error=message, status=status)
    messages.success(
        request, _("%(number)s 的决定草稿已提交负责人签发。") % {"number": case.number}
    )
    return redirect("cases:inbox_task", pk=task.pk)


# --- the head's list and signing page -------------------------------------------------------------


@login_required
def awaiting_signature(request):
    require_head(request.user)
    drafts = list(queries.drafts_awaiting_signature(request.user))
    context = page_context(request, drafts=drafts, department=request.user.department)
    return render(request, "cases/review/signing_list.html", context)


def _draft_for(user, pk):
    require_head(user)
    draft = get_object_or_404(
        DecisionDraft.objects.select_related(
            "case__item__lead_department", "drafted_by", "handled_by", "department"
        ),
        pk=pk,
    )
    if not heads(user, draft.department_id):
        raise PermissionDenied(_("只有牵头部门负责人可以签发决定"))
    return draft


def _render_signing(request, pk, *, failed_form=None, error=None, status=200):
    draft = _draft_for(request.user, pk)
    case = draft.case
    context = page_context(
        request,
        draft=draft,
        case=case,
        can_sign=draft.state == DraftState.AWAITING_SIGNATURE and case.state == "in_review",
        history=list(
            case.decision_drafts.exclude(pk=draft.pk)
            .select_related("drafted_by", "handled_by")
            .order_by("drafted_at", "id")
        ),
        tasks=list(
            case.tasks.select_related("department", "stage").order_by("stage__position", "id")
        ),
        certificates=list(case.certificates.order_by("-id")) if case.decided_on else [],
        failed=failed_form,
        error=error,
        posted=request.POST if failed_form else {},
    )
    return render(request, "cases/review/signing.html", context, status=status)


@login_required
def signing_page(request, pk):
    return _render_signing(request, pk)


@login_required
@require_POST
def sign(request, pk):
    draft = _draft_for(request.user, pk)
    try:
        require_confirmation(request.POST)
        case = do_sign_decision(draft, acting_user=request.user, client_address=client_ip(request))
    except CaseActionError as exc:
        message, status = failed(exc)
        return _render_signing(request, pk, failed_form="sign", error=message, status=status)
    messages.success(
        request,
        _("已签发：%(number)s %(decision)s，决定文号 %(decision_number)s。")
        % {
            "number": case.number,
            "decision": case.get_decision_display(),
            "decision_number": case.decision_number,
        },
    )
    return redirect(reverse("cases:signing", args=[pk]))


@login_required
@require_POST
def return_draft(request, pk):
    draft = _draft_for(request.user, pk)
    try:
        do_return_draft(
            draft,
            comment=request.POST.get("comment", ""),
            acting_user=request.user,
            client_address=client_ip(request),
        )
    except CaseActionError as exc:
        message, status = failed(exc)
        return _render_signing(request, pk, failed_form="return", error=message, status=status)
    messages.success(request, _("已退回 %(number)s 的决定草稿。") % {"number": draft.case.number})
    return redirect("cases:awaiting_signature")


def draft_context(user, case):
    """What the task page shows of the decision drafts: the form for the lead department's
    reviewers once every department answered, the draft awaiting signature and the returns."""
    from onewindow.cases.actions.decision import awaiting_decision
    from onewindow.cases.actions.signing import default_valid_until, review_outcome
    from onewindow.cases.views.common import today

    if not case.item.needs_signature:
        return {}
    drafts = list(
        case.decision_drafts.select_related("drafted_by", "handled_by").order_by("drafted_at", "id")
    )
    lead = works_for(user, case.item.lead_department_id)
    ready = lead and awaiting_decision(case)
    waiting = next((d for d in drafts if d.state == DraftState.AWAITING_SIGNATURE), None)
    return {
        "signed_item": True,
        "drafts": drafts,
        "draft_waiting": waiting,
        "can_draft": ready and waiting is None,
        "draft_outcome": review_outcome(case) if ready else "",
        "default_valid_until": default_valid_until(case.item, today()) if ready else None,
        "is_lead_head": heads(user, case.item.lead_department_id),
    }


urlpatterns = [
    path("inbox/cases/<int:pk>/draft/", draft_decision, name="inbox_case_draft"),
    path("inbox/signing/", awaiting_signature, name="awaiting_signature"),
    path("inbox/signing/<int:pk>/", signing_page, name="signing"),
    path("inbox/signing/<int:pk>/sign/", sign, name="signing_sign"),
    path("inbox/signing/<int:pk>/return/", return_draft, name="signing_return"),
]
