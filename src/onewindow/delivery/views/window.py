"""The window's delivery steps on the case page (issue the result, hand it over, put it in a
locker) and the clerk's page of the service point's lockers. Thin: forms check the shape, actions
decide; an error shows the case page again with the message next to the form."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases.errors import CaseActionError
from onewindow.cases.uploads import check_upload
from onewindow.cases.views.window import _case, _render_case, clerk_required
from onewindow.core.ratelimit import client_address
from onewindow.delivery.actions import (
    Collector,
    do_deposit_in_locker,
    do_hand_over_at_window,
    do_issue_result,
    do_resend_pickup_code,
    do_transfer_result,
)
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.constants import CompartmentState
from onewindow.delivery.forms import (
    DeliveryForm,
    DepositForm,
    HandOverForm,
    TransferForm,
    place_errors,
)
from onewindow.delivery.panels import clerk_lockers

FIX_FIELDS = gettext_lazy("请检查标出的内容")


def _post_only(view):
    @clerk_required
    def wrapper(request, pk):
        case = _case(request, pk)
        if request.method != "POST":
            return redirect("cases:case", pk=case.pk)
        return view(request, case)

    return wrapper


@_post_only
def issue_result(request, case):
    try:
        do_issue_result(case, acting_user=request.user, client_address=client_address(request))
    except CaseActionError as error:
        return _render_case(request, case, error=error.message, status=error.status)
    messages.success(request, _("已出件，结果待送达。"))
    return redirect("cases:case", pk=case.pk)


@_post_only
def hand_over(request, case):
    form = HandOverForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, case, error=FIX_FIELDS, status=422, hand_over_form=form)
    data = form.cleaned_data
    try:
        scan = None
        if data.get("authorisation_scan"):
            scan = check_upload(data["authorisation_scan"], field="authorisation_scan")
        do_hand_over_at_window(
            case,
            pickup_code=data["pickup_code"],
            collector=Collector(
                kind=data["collector_kind"],
                name=data["collector_name"],
                id_number=data["collector_id_number"],
                authorisation_reference=data["authorisation_reference"],
                authorisation_scan=scan,
            ),
            acting_user=request.user,
            client_address=client_address(request),
        )
    except CaseActionError as error:
        place_errors(form, error)
        return _render_case(
            request, case, error=error.message, status=error.status, hand_over_form=form
        )
    messages.success(request, _("已登记领取，办件已送达。"))
    return redirect("cases:case", pk=case.pk)


@_post_only
def resend_code(request, case):
    try:
        do_resend_pickup_code(
            case, acting_user=request.user, client_address=client_address(request)
        )
    except CaseActionError as error:
        return _render_case(request, case, error=error.message, status=error.status)
    messages.success(request, _("已重新生成领取码并短信通知申请人，原领取码作废。"))
    return redirect("cases:case", pk=case.pk)


@_post_only
def transfer(request, case):
    """Move a result waiting at my window to another service point (delivery.actions.transfer)."""
    form = TransferForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, error=FIX_FIELDS, status=422, transfer_form=form)
    try:
        pickup = do_transfer_result(
            case,
            to_point=form.cleaned_data["to_point"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
            client_address=client_address(request),
        )
    except CaseActionError as error:
        place_errors(form, error)
        return _render_case(
            request, case, error=error.message, status=error.status, transfer_form=form
        )
    messages.success(
        request,
        _("结果已转至%(point)s，新的领取码已短信通知申请人，原领取码作废。")
        % {"point": pickup.service_point.name},
    )
    return redirect("cases:case", pk=case.pk)


@_post_only
def deposit(request, case):
    form = DepositForm(request.POST, lockers=clerk_lockers(request.user))
    if not form.is_valid():
        return _render_case(request, case, error=FIX_FIELDS, status=422, deposit_form=form)
    data = form.cleaned_data
    try:
        result = do_deposit_in_locker(
            case,
            locker=data["locker"],
            size=data["size"] or None,
            compartment=data["compartment"],
            acting_user=request.user,
            client_address=client_address(request),
        )
    except CaseActionError as error:
        place_errors(form, error)
        return _render_case(
            request, case, error=error.message, status=error.status, deposit_form=form
        )
    messages.success(
        request,
        _("已放入%(locker)s第 %(number)s 号格口，取件码已短信通知申请人。")
        % {"locker": result.locker.name, "number": result.compartment.number},
    )
    return redirect("cases:case", pk=case.pk)


@clerk_required
def lockers(request):
    """The lockers of my service point with their free and occupied compartments."""
    rows = []
    for locker in clerk_lockers(request.user).prefetch_related("compartments"):
        compartments = list(locker.compartments.all())
        waiting = {
            d.compartment_id: d
            for d in locker.deposits.filter(
                collected_at__isnull=True, returned_at__isnull=True
            ).select_related("delivery__case")
        }
        for compartment in compartments:
            compartment.deposit = waiting.get(compartment.pk)
        free = sum(c.state == CompartmentState.FREE for c in compartments)
        rows.append({"locker": locker, "compartments": compartments, "free": free})
    return render(request, "delivery/lockers.html", {"rows": rows})


@clerk_required
def choose_delivery(request, pk):
    """The applicant's choice of delivery (and mail address), recorded by the clerk."""
    case = _case(request, pk)
    if request.method != "POST":
        return redirect("cases:case", pk=case.pk)
    form = DeliveryForm(request.POST)
    error = _("请检查标出的内容")
    status = 422
    if form.is_valid():
        try:
            do_choose_delivery(
                case,
                method=form.cleaned_data["method"],
                address=form.address(),
                acting_user=request.user,
                client_address=client_address(request),
            )
        except CaseActionError as action_error:
            form.place(action_error)
            error, status = action_error.message, action_error.status
        else:
            messages.success(request, _("已登记送达方式。"))
            return redirect("cases:case", pk=case.pk)
    return _render_case(request, case, error=error, status=status, delivery_form=form)


urlpatterns = [
    path("window/cases/<int:pk>/delivery/", choose_delivery, name="choose_delivery"),
    path("window/cases/<int:pk>/issue/", issue_result, name="issue_result"),
    path("window/cases/<int:pk>/hand-over/", hand_over, name="hand_over"),
    path("window/cases/<int:pk>/pickup-code/", resend_code, name="resend_code"),
    path("window/cases/<int:pk>/locker/", deposit, name="deposit"),
    path("window/cases/<int:pk>/transfer/", transfer, name="transfer_result"),
    path("window/lockers/", lockers, name="lockers"),
]
