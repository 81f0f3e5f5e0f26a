"""The staff search page (/search/?q=…): the results of the search box in every staff page's
header (base.html), the same search as GET /api/cases/search (cases/search.py)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers

from onewindow.cases import search
from onewindow.cases.api.search import hits
from onewindow.cases.errors import CaseActionError
from onewindow.core.identity import is_ascii_digits


def _cursor(request):
    value = request.GET.get("cursor", "")
    if is_ascii_digits(value) and len(value) <= 18:
        return int(value) or None
    return None


def search_page(request):
    """GET ?q=…: the hits, each opening the case on the page of the user's role. An exact single
    hit on the first page opens the case straight away, as a clerk at the hand-over expects."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    query = request.GET.get("q", "")
    after = _cursor(request)
    context = {"query": query[: search.MAX_LENGTH + 20]}
    status = 200
    if "q" in request.GET:
        try:
            result = search.search(request.user, query, after=after)
        except search.GuessesLimited as limited:
            context["error"] = search.guesses_limited_text(limited)
            context["retry_after"], status = limited.retry_after, 429
        except CaseActionError as error:
            context["error"], context["error_code"] = error.message, error.code
            status = error.status
        else:
            rows = hits(request.user, result.cases)
            if len(rows) == 1 and rows[0]["url"] and after is None:
                return redirect(rows[0]["url"])
            context.update(kind=result.lookup, hits=rows, next_cursor=result.next_cursor)
    response = render(request, "cases/search/results.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["retry_after"])
    add_never_cache_headers(response)
    return response


urlpatterns = [path("search/", search_page, name="search")]
