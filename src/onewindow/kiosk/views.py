"""The touch screen of a smart locker (智慧政务自助取件柜): the applicant types the code from the
SMS on a big keypad and the compartment opens. Public: no sign-in at a cabinet; guessing is held
back by the limits of delivery.lockers.limits (wrong codes per client and per waiting code)."""

from django.shortcuts import get_object_or_404, render

from onewindow.cases.errors import CaseActionError
from onewindow.core.ratelimit import client_address
from onewindow.delivery.actions import do_collect_from_locker
from onewindow.delivery.actions.lockers import kiosk_locked_until
from onewindow.delivery.models import Locker

# Seconds the "opened" screen stays before the keypad comes back for the next person.
RESET_SECONDS = 30


def locker(request, code):
    cabinet = get_object_or_404(
        Locker.objects.select_related("service_point"), code=code, active=True
    )
    context = {"locker": cabinet, "reset_seconds": RESET_SECONDS}
    status = 200
    address = client_address(request)
    if request.method == "POST":
        try:
            deposit = do_collect_from_locker(
                cabinet, code=request.POST.get("code", ""), client_address=address
            )
        except CaseActionError as error:
            context.update(error=error.message, error_code=error.code)
            status = error.status
        else:
            context["opened"] = deposit.compartment
    # This terminal's own lock-out (wrong codes are counted per client, not per cabinet).
    context["locked_until"] = kiosk_locked_until(cabinet, address)
    context["compartments"] = list(cabinet.compartments.order_by("number"))
    return render(request, "kiosk/locker.html", context, status=status)
