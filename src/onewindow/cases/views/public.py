"""The public progress query (业务进度查询): no sign-in, on a phone, a kiosk or the QR code of the
acceptance notice.

A case number with the wrong last four characters answers exactly like a number that does not
exist, and the secret is never echoed back, so the page cannot be used to find out which numbers
exist. Lookups are rate-limited per client address, wrong secrets per case number (cases.progress).
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.utils.cache import add_never_cache_headers

from onewindow.cases import progress as progress_guard
from onewindow.cases.constants import ApplicantKind, CaseState
from onewindow.cases.forms import ProgressQueryForm
from onewindow.cases.hooks import page_parts
from onewindow.cases.queries import current_step, public_timeline
from onewindow.core import ratelimit
from onewindow.notifications.queries import applicant_messages

LOOKUPS_PER_WINDOW = settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE
WINDOW_SECONDS = progress_guard.LOOKUP_WINDOW_SECONDS

# The applicant's road, for the progress bar: which step each state has reached.
ROAD_POSITION = {
    CaseState.ACCEPTED: 2,
    CaseState.IN_REVIEW: 2,
    CaseState.SUSPENDED: 2,
    CaseState.DECIDED: 3,
    CaseState.ISSUED: 3,
    CaseState.DELIVERED: 4,
    CaseState.CLOSED: 4,
}


def mask_name(name, kind):
    """李* / 张** for a person; an organisation keeps its first four and last two characters."""
    name = name or ""
    if kind == ApplicantKind.ENTERPRISE and len(name) > 8:
        return name[:4] + "*" * 4 + name[-2:]
    return name[:1] + "*" * min(len(name) - 1, 3)


def _result(case):
    stage, departments = current_step(case)
    return {
        "case": case,
        "applicant": mask_name(case.applicant_name, case.applicant_kind),
        "stage": stage,
        "departments": departments,
        "timeline": public_timeline(case),
        "road_position": ROAD_POSITION.get(case.state),
        "paused": case.state == CaseState.SUSPENDED,
        "applicant_messages": applicant_messages(case),
        **page_parts("public_case", case),  # how the result travels (delivery/apps.py)
    }


def progress(request):
    """GET: the form (`?number=` fills the number in, as the notice's QR code does). POST: look up."""
    context = {}
    if request.method == "POST":
        form = ProgressQueryForm(request.POST)
        try:
            # The same counters as the API's progress query: lookups per client address (an
            # invalid form counts too), wrong secrets per case number.
            if form.is_valid():
                data = form.cleaned_data
                case = progress_guard.look_up(request, data["number"], data["secret"])
            else:
                ratelimit.check_request(
                    request, "progress", limit=LOOKUPS_PER_WINDOW, window_seconds=WINDOW_SECONDS
                )
        except ratelimit.RateLimited as limited:
            context = {"retry_after": limited.retry_after, "limit": LOOKUPS_PER_WINDOW}
            if isinstance(limited, progress_guard.NumberLimited):
                context["number_limited"] = progress_guard.number_limited_text(limited)
            response = render(request, "cases/public/rate_limited.html", context, status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        if form.is_valid():
            if case is None:
                context["not_found"] = True
            else:
                context.update(_result(case))
            # A fresh form: the number as typed, the secret never sent back.
            form = ProgressQueryForm(initial={"number": data["number"]})
    else:
        form = ProgressQueryForm(initial={"number": request.GET.get("number", "")[:32].strip()})
    context["form"] = form
    context["limit"] = LOOKUPS_PER_WINDOW
    response = render(request, "cases/public/progress.html", context)
    add_never_cache_headers(response)
    return response


urlpatterns = [path("progress/", progress, name="progress")]
