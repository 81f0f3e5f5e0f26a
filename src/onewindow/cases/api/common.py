"""What the case endpoints share: the error responses, the caller, and finding what the caller
may see."""

from onewindow.cases import queries
from onewindow.cases.errors import not_found
from onewindow.cases.serializers import CaseOut, case_for_output
from onewindow.core.api_errors import ErrorOut
from onewindow.core.ratelimit import client_address


def _errors(*statuses):
    return dict.fromkeys(statuses, ErrorOut)


# Every signed-in endpoint can answer these.
SIGNED_IN = (401, 403, 404)


def _address(request):
    return client_address(request)


def _user(request):
    return request.auth


# --- finding what the caller may see ---------------------------------------------------------


def _visible_case(request, case_id):
    case = queries.cases_visible_to(_user(request)).filter(pk=case_id).first()
    if case is None:
        raise not_found()
    return case


def _visible(model, request, pk, what):
    """A task, clock stop or extension of a case the caller may see, else 404."""
    visible = queries.cases_visible_to(_user(request)).values("pk")
    found = model.objects.filter(pk=pk, case__in=visible).select_related("case").first()
    if found is None:
        raise not_found(what)
    return found


def _case_out(case):
    return case_for_output(case.pk)


def _case_action(router, path, summary, description, *, extra=(409, 422)):
    """Register POST /{case_id}/<path> on the router, returning the case after the action."""
    return router.post(
        f"/{{int:case_id}}/{path}",
        response={200: CaseOut, **_errors(*SIGNED_IN, *extra)},
        summary=summary,
        description=description,
    )
