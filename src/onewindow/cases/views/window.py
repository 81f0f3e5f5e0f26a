"""The comprehensive window (综合窗口): the clerk's workspace, continuing an intake, the case page
and the printable notices.

Views are thin: forms check the shape of the input, actions decide. A new intake and its outcome
(accept, 容缺受理, one-time notice, not accepted) run in one transaction, so an outcome that fails
leaves nothing behind and the clerk gets the whole form back with the error next to its field.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import documents
from onewindow.cases.actions import (
    do_accept_case,
    do_issue_supplement_notice,
    do_not_accept,
    do_receive_intake,
    do_receive_tolerated_materials,
    do_update_intake_materials,
    do_withdraw_case,
)
from onewindow.cases.actions.pending import (
    do_keep_pending_uploads,
    do_use_pending_uploads,
    form_token,
)
from onewindow.cases.constants import (
    UNDECIDED_INTAKE_DAYS,
    WITHDRAWABLE_STATES,
    CaseState,
    IntakeChannel,
    MaterialStatus,
)
from onewindow.cases.errors import CaseActionError
from onewindow.cases.forms import (
    ApplicantForm,
    ChecklistForm,
    Outcome,
    OutcomeForm,
    ToleratedForm,
    WithdrawForm,
    check_outcome_against_checklist,
    place_action_errors,
)
from onewindow.cases.hooks import page_parts
from onewindow.cases.models import ReviewTask
from onewindow.cases.permissions import is_clerk
from onewindow.cases.queries import (
    art32_cutoff,
    cases_visible_to,
    public_timeline,
    shown_identity,
    undecided_intakes,
)
from onewindow.catalog.constants import MaterialForm
from onewindow.catalog.queries import published_items, search_items
from onewindow.core import workdays
from onewindow.core.identity import is_ascii_digits, mask_id
from onewindow.core.punctuation import join_list
from onewindow.core.ratelimit import client_address

INTAKE_STATES = (CaseState.SUBMITTED, CaseState.NEEDS_SUPPLEMENT)
SEARCH_RESULTS = 8


def clerk_required(view):
    """Window clerks only: anonymous users sign in, other staff get a 403 page saying why."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_clerk(request.user):
            return render(request, "cases/window/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


# --- the workspace ----------------------------------------------------------------------------


def _chosen_item(item_id):
    if not item_id or not is_ascii_digits(str(item_id)):
        return None
    return published_items().filter(pk=item_id).first()


def _materials(item):
    return item.materials.order_by("position", "id")


def _open_intakes(user):
    """My intakes still waiting for a decision, and other clerks' intakes past the Art. 32 limit."""
    cutoff = art32_cutoff()
    today = timezone.localdate()
    mine = list(
        cases_visible_to(user)
        .filter(clerk=user, state__in=INTAKE_STATES)
        .select_related("item")
        .order_by("received_on", "id")[:50]
    )
    for case in mine:
        case.waited_days = workdays.workdays_between(case.received_on, today)
        case.art32 = case.received_on <= cutoff
        case.reference = documents.reference(case)
    others = list(
        undecided_intakes(cutoff).exclude(clerk=user).select_related("item", "clerk")[:20]
    )
    for case in others:
        case.waited_days = workdays.workdays_between(case.received_on, today)
        case.reference = documents.reference(case)
    return {"my_intakes": mine, "flagged_intakes": others, "art32_days": UNDECIDED_INTAKE_DAYS}


def _render_workspace(request, *, item, applicant, checklist, outcome, error=None, status=200):
    q = request.GET.get("q", "").strip()
    context = {
        "item": item,
        "applicant_form": applicant,
        "checklist": checklist,
        "outcome_form": outcome,
        "error": error,
        "q": q,
        # Without JavaScript the search box submits to the workspace itself.
        "search_results": _search(q) if q else None,
        **_open_intakes(request.user),
    }
    return render(request, "cases/window/workspace.html", context, status=status)


def _new_outcome_form():
    return OutcomeForm(initial={"idempotency_key": uuid.uuid4().hex})


@clerk_required
def intake(request):
    """The clerk's workspace: find the item, the applicant, the checklist, the outcome."""
    if request.method == "POST":
        return _submit_new_intake(request)
    item = _chosen_item(request.GET.get("item"))
    return _render_workspace(
        request,
        item=item,
        applicant=ApplicantForm(),
        checklist=ChecklistForm(materials=_materials(item)) if item else None,
        outcome=_new_outcome_form(),
    )


def _search(q):
    return list(search_items(q=q).order_by("code")[:SEARCH_RESULTS]) if q else []


@clerk_required
def item_search(request):
    """htmx: items matching the search box (name, code, keywords, pinyin initials)."""
    q = request.GET.get("q", "").strip()
    return render(request, "cases/window/_item_results.html", {"items": _search(q), "q": q})


@clerk_required
def item_checklist(request, item_id):
    """htmx: the chosen item's summary and materials checklist with the outcome buttons."""
    item = _chosen_item(item_id)
    if item is None:
        raise Http404(_("事项不存在或尚未发布。"))
    context = {
        "item": item,
        "checklist": ChecklistForm(materials=_materials(item)),
        "outcome_form": _new_outcome_form(),
        "oob": True,
    }
    return render(request, "cases/window/_item_panel.html", context)


class _Failure(Exception):
    """A form or action error: answer with this status and message, keep what was typed."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _check_forms(*forms_):
    valid = all([form.is_valid() for form in forms_ if form is not None])
    if not valid:
        raise _Failure(422, _("请检查标出的内容"))


class _Scans:
    """The scans of one try of an intake form: the files attached now (each checked; a bad one is
    an error at its field) and those kept from the form's earlier tries (cases.actions.pending),
    but those the clerk removed. A browser cannot refill a file input, so when the form comes
    back for a correction the good scans are kept server-side and listed instead."""

    def __init__(self, request, checklist, outcome):
        self.user, self.checklist = request.user, checklist
        self.token = form_token(outcome.data.get("idempotency_key"))
        checklist.is_valid()
        self.fresh = checklist.checked_uploads()
        self.removed = {
            m.pk for m in checklist.materials if request.POST.get(f"m{m.pk}-scan-remove")
        }

    def check(self):
        error = self.checklist.upload_error
        if error is not None:
            raise _Failure(error.status, error.message)

    def use(self):
        """Every scan of the form, for the intake (inside its transaction)."""
        kept = {}
        if self.token:
            kept = do_use_pending_uploads(user=self.user, token=self.token, removed=self.removed)
        return {**kept, **self.fresh}

    def keep(self):
        """The form comes back: keep its good scans for the next try and list them."""
        if not self.token:
            return
        kept = do_keep_pending_uploads(
            user=self.user, token=self.token, uploads=self.fresh, removed=self.removed
        )
        self.checklist.pending = {material_id: row.file_name for material_id, row in kept.items()}


def _decide(case, *, outcome_form, checklist, request):
    """Run the outcome the clerk chose; inside the caller's transaction."""
    data = outcome_form.cleaned_data
    outcome = data["outcome"]
    options = {"acting_user": request.user, "client_address": client_address(request)}
    if outcome == Outcome.NOT_ACCEPT:
        return do_not_accept(case, reason=data["not_accept_reason"], **options)
    if outcome == Outcome.NOTICE:
        return do_issue_supplement_notice(case, defects=checklist.defects(), **options)
    tolerated = outcome == Outcome.ACCEPT_TOLERATED
    case = do_accept_case(
        case, supplement_due=data["supplement_due"] if tolerated else None, **options
    )
    # 受理 and 容缺受理 are separate buttons so that nobody accepts with missing materials unawares.
    if not tolerated and case.supplement_due is not None:
        names = join_list(row.material.name for row in case.tolerated_missing)
        raise CaseActionError(
            "use_tolerated_acceptance",
            _("有容缺材料未收取（%(names)s），请使用“容缺受理”并设定补齐期限") % {"names": names},
            status=422,
        )
    if tolerated and case.supplement_due is None:
        raise CaseActionError(
            "nothing_tolerated_missing",
            _("没有缺少的容缺材料，请直接“受理”"),
            status=422,
        )
    return case


def _document_url(case):
    if case.state == CaseState.NOT_ACCEPTED:
        return reverse("cases:refusal_notice", args=[case.pk])
    if case.state == CaseState.NEEDS_SUPPLEMENT:
        return reverse("cases:supplement_notice", args=[case.pk])
    if case.number:
        return reverse("cases:acceptance_notice", args=[case.pk])
    return reverse("cases:case", args=[case.pk])


def _submit_new_intake(request):
    item = _chosen_item(request.POST.get("item"))
    applicant = ApplicantForm(request.POST)
    outcome = OutcomeForm(request.POST)
    checklist = (
        ChecklistForm(request.POST, request.FILES, materials=_materials(item)) if item else None
    )
    scans = _Scans(request, checklist, outcome) if checklist is not None else None
    try:
        if item is None:
            applicant.is_valid()
            outcome.is_valid()
            raise _Failure(422, _("请先选择要办理的事项"))
        scans.check()
        _check_forms(applicant, checklist, outcome)
        check_outcome_against_checklist(outcome, checklist)
        _check_forms(checklist)
        key = outcome.cleaned_data.get("idempotency_key")
        with transaction.atomic():
            case = do_receive_intake(
                item=item,
                applicant=applicant.applicant_input(),
                proxy=applicant.proxy_input(),
                materials=checklist.material_inputs(scans.use()),
                acting_user=request.user,
                channel=IntakeChannel.WINDOW,
                idempotency_key=f"window:{request.user.pk}:{key}" if key else None,
                client_address=client_address(request),
            )
            if case.state != CaseState.SUBMITTED:
                # The same form sent twice (a double click): the first one already decided it.
                return redirect(_document_url(case))
            case = _decide(case, outcome_form=outcome, checklist=checklist, request=request)
    except _Failure as failure:
        error, status = failure.message, failure.status
    except CaseActionError as action_error:
        place_action_errors(action_error, checklist=checklist, outcome=outcome, applicant=applicant)
        error, status = action_error.message, action_error.status
    else:
        return redirect(_document_url(case))
    if scans is not None:
        scans.keep()
    return _render_workspace(
        request,
        item=item,
        applicant=applicant,
        checklist=checklist,
        outcome=outcome,
        error=error,
        status=status,
    )


# --- continuing an intake ---------------------------------------------------------------------


def _case(request, pk):
    return get_object_or_404(
        cases_visible_to(request.user).select_related(
            "item", "item__lead_department", "clerk", "service_point"
        ),
        pk=pk,
    )


def _rows(case):
    return {row.material_id: row for row in case.materials.all()}


@clerk_required
def continue_intake(request, pk):
    """The applicant came back: update the same intake's checklist, then accept or notify again."""
    case = _case(request, pk)
    if case.state not in INTAKE_STATES:
        return redirect("cases:case", pk=case.pk)
    materials = _materials(case.item)
    error, status = None, 200
    if request.method == "POST":
        checklist = ChecklistForm(
            request.POST, request.FILES, materials=materials, rows=_rows(case)
        )
        outcome = OutcomeForm(request.POST)
        scans = _Scans(request, checklist, outcome)
        try:
            scans.check()
            _check_forms(checklist, outcome)
            check_outcome_against_checklist(outcome, checklist)
            _check_forms(checklist)
            with transaction.atomic():
                do_update_intake_materials(
                    case,
                    materials=checklist.material_inputs(scans.use()),
                    acting_user=request.user,
                    client_address=client_address(request),
                )
                case = _decide(case, outcome_form=outcome, checklist=checklist, request=request)
        except _Failure as failure:
            error, status = failure.message, failure.status
        except CaseActionError as action_error:
            place_action_errors(action_error, checklist=checklist, outcome=outcome)
            error, status = action_error.message, action_error.status
        else:
            return redirect(_document_url(case))
        scans.keep()
    else:
        checklist = ChecklistForm(materials=materials, rows=_rows(case))
        outcome = _new_outcome_form()
    context = {
        "case": case,
        "item": case.item,
        "reference": documents.reference(case),
        "checklist": checklist,
        "outcome_form": outcome,
        "error": error,
        "art32": case.received_on <= art32_cutoff(),
        "masked_id": mask_id(case.applicant_id_number),
        "masked_representative_id": mask_id(case.legal_representative_id_number),
        "shown": shown_identity(request.user, case),
    }
    return render(request, "cases/window/intake_continue.html", context, status=status)


# --- the case page ----------------------------------------------------------------------------


def _render_case(request, case, *, error=None, status=200, **forms_):
    rows = list(case.materials.select_related("material").order_by("position", "id"))
    form_labels = dict(MaterialForm.choices)
    for row in rows:
        row.form_label = form_labels.get(row.form, row.form)
    tolerated = [row for row in rows if row.status == MaterialStatus.TOLERATED]
    tasks = ReviewTask.objects.select_related("department", "decided_by").order_by("id")
    stages = case.stages.order_by("position").prefetch_related(Prefetch("tasks", queryset=tasks))
    shown = shown_identity(request.user, case)
    context = {
        "case": case,
        "reference": documents.reference(case),
        "masked_id": mask_id(case.applicant_id_number),
        "masked_representative_id": mask_id(case.legal_representative_id_number),
        "shown": shown,
        "rows": rows,
        "tolerated": tolerated,
        "stages": list(stages),
        "suspensions": list(case.suspensions.order_by("started_on", "id")),
        "extensions": list(case.extensions.select_related("task__department")),
        "timeline": public_timeline(case),
        "error": error,
        "is_intake": case.state in INTAKE_STATES,
        "can_withdraw": case.state in WITHDRAWABLE_STATES,
        "has_acceptance_notice": bool(case.number),
        "has_supplement_notice": documents.issued(case, "issue_supplement_notice") is not None,
        "has_refusal_notice": case.state == CaseState.NOT_ACCEPTED,
        "tolerated_form": forms_.get("tolerated_form") or ToleratedForm(rows=tolerated),
        "withdraw_form": forms_.get("withdraw_form") or WithdrawForm(),
        # The result documents (delivery.Certificate), once there is a decision.
        "certificates": list(case.certificates.order_by("-id")) if case.decided_on else [],
        # Delivery, pickup and lockers: delivery's page part (cases/hooks.py, delivery/apps.py).
        **page_parts("window_case", request, case, forms_, masked=shown["masked"]),
    }
    return render(request, "cases/window/case.html", context, status=status)


@clerk_required
def case_detail(request, pk):
    """Status, materials, deadlines, stages and departments (with their opinions), and the
    window's buttons: receive 容缺 materials, issue the result, hand it over or put it in a
    locker (delivery.views), withdraw."""
    return _render_case(request, _case(request, pk))


def _case_post(form_name, form_class, run, success):
    """A POST on the case page: validate, run the action, or show the case again with the error."""

    @clerk_required
    def view(request, pk):
        case = _case(request, pk)
        if request.method != "POST":
            return redirect("cases:case", pk=case.pk)
        if form_class is ToleratedForm:
            form = form_class(request.POST, rows=case.tolerated_missing)
        else:
            form = form_class(request.POST)
        if not form.is_valid():
            error = _("请检查标出的内容")
            return _render_case(request, case, error=error, status=422, **{form_name: form})
        try:
            run(request, case, form.cleaned_data)
        except CaseActionError as error:
            return _render_case(
                request, case, error=error.message, status=error.status, **{form_name: form}
            )
        messages.success(request, success)
        return redirect("cases:case", pk=case.pk)

    return view


def _receive_tolerated(request, case, data):
    do_receive_tolerated_materials(
        case,
        material_ids=data["material_ids"],
        acting_user=request.user,
        client_address=client_address(request),
    )


def _withdraw(request, case, data):
    do_withdraw_case(
        case,
        reason=data["reason"],
        acting_user=request.user,
        client_address=client_address(request),
    )


receive_tolerated = _case_post(
    "tolerated_form", ToleratedForm, _receive_tolerated, _("容缺材料已补收。")
)
withdraw = _case_post("withdraw_form", WithdrawForm, _withdraw, _("已登记撤回申请。"))


# --- printable notices ------------------------------------------------------------------------


@clerk_required
def acceptance_notice(request, pk):
    case = _case(request, pk)
    if not case.number:
        raise Http404(_("该办件尚未受理。"))
    context = documents.acceptance_notice(request, case)
    return render(request, "cases/window/notice_acceptance.html", context)


@clerk_required
def supplement_notice(request, pk):
    context = documents.supplement_notice(_case(request, pk))
    if context is None:
        raise Http404(_("该办件没有出具过补正告知书。"))
    return render(request, "cases/window/notice_supplement.html", context)


@clerk_required
def refusal_notice(request, pk):
    case = _case(request, pk)
    context = documents.refusal_notice(case) if case.state == CaseState.NOT_ACCEPTED else None
    if context is None:
        raise Http404(_("该办件没有被不予受理。"))
    return render(request, "cases/window/notice_refusal.html", context)


urlpatterns = [
    path("window/", intake, name="intake"),
    path("window/items/", item_search, name="item_search"),
    path("window/items/<int:item_id>/checklist/", item_checklist, name="item_checklist"),
    path("window/intakes/<int:pk>/", continue_intake, name="continue_intake"),
    path("window/cases/<int:pk>/", case_detail, name="case"),
    path("window/cases/<int:pk>/tolerated/", receive_tolerated, name="receive_tolerated"),
    path("window/cases/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("window/cases/<int:pk>/acceptance-notice/", acceptance_notice, name="acceptance_notice"),
    path("window/cases/<int:pk>/supplement-notice/", supplement_notice, name="supplement_notice"),
    path("window/cases/<int:pk>/refusal-notice/", refusal_notice, name="refusal_notice"),
]
