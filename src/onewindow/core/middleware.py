"""Request input checked once, for every view: no NUL character gets in, and the API answers its
own errors (unknown paths, wrong methods, oversized or unreadable bodies) in its JSON shape.

Why NUL: PostgreSQL text columns cannot hold it (the query fails with DataError, a 500) and SQLite
would store it silently. No legitimate input contains one, so a request carrying one anywhere —
path, query string, headers, form fields, file names, JSON strings or keys — is refused with 400
`invalid_characters` before any view runs, on both databases alike. Uploaded file contents are
binary and not looked at.

A view that must see the raw request itself (the courier webhook records refused calls) is marked
with `checks_its_own_input`.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onewindow.core.api_errors import error_body, is_api_request

NUL = "\x00"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def checks_its_own_input(view):
    """Mark a view that reads its raw body itself: this middleware leaves its request alone."""
    view.checks_its_own_input = True
    return view


def contains_nul(value):
    """True when a string anywhere in value (a str, or JSON-like lists and dicts, keys included)
    holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def _query_dict_has_nul(query):
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def _where_nul(request):
    """The part of the request that holds a NUL character, or None."""
    if NUL in request.path:
        return "path"
    if _query_dict_has_nul(request.GET):
        return "query"
    if any(key.startswith("HTTP_") and NUL in str(value) for key, value in request.META.items()):
        return "headers"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type == "application/x-www-form-urlencoded" and request.method != "POST":
        # Django parses form bodies of POSTs only; a PUT's or PATCH's is read here.
        return "form" if _query_dict_has_nul(QueryDict(request.body)) else None
    if request.content_type in FORM_TYPES:
        if _query_dict_has_nul(request.POST):
            return "form"
        if any(NUL in (upload.name or "") for upload in request.FILES.values()):
            return "files"
        return None
    # A JSON string holds a NUL only through the escape \u0000 (a raw control character is not
    # JSON): a body without that text is not parsed here, so most API calls parse theirs once.
    if b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the view refuses the body as unreadable
        if contains_nul(data):
            return "body"
    return None


def _too_large(request):
    if is_api_request(request):
        return JsonResponse(
            error_body("request_too_large", _("请求内容超过大小上限")),
            status=413,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request, "400.html", {"reason": _("请求内容超过大小上限。"), "status": 413}, status=413
    )


class RequestInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "checks_its_own_input", False):
            return None
        # Django's other refusals of a body (too many fields or files, SuspiciousOperation) go on
        # to its 400 page, which ApiErrorShapeMiddleware answers in the API's shape under /api/.
        try:
            where = _where_nul(request)
        except RequestDataTooBig:
            return _too_large(request)
        if where is None:
            return None
        message = _("输入中含有不允许的字符（NUL）")
        if is_api_request(request):
            return JsonResponse(
                error_body(
                    "invalid_characters",
                    message,
                    detail=[{"type": "invalid_characters", "loc": [where], "msg": "NUL character"}],
                ),
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"reason": message}, status=400)


class ApiErrorShapeMiddleware:
    """An error answered under /api/ by Django rather than by the API (no route for the path, e.g.
    a non-integer or negative id; a method the route does not have; a refused request) gets the
    API's JSON error shape, so that a client parses every error the same way."""

    CODES = {
        400: ("bad_request", gettext_noop("请求无效")),
        403: ("forbidden", gettext_noop("无权执行此操作")),
        404: ("not_found", gettext_noop("请求的资源不存在")),
        405: ("method_not_allowed", gettext_noop("不支持此请求方法")),
        413: ("request_too_large", gettext_noop("请求内容超过大小上限")),
        500: ("server_error", gettext_noop("服务器内部错误，请稍后再试")),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_request(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = self.CODES.get(response.status_code, ("error", gettext_noop("请求失败")))
        shaped = JsonResponse(
            error_body(code, _(message)),
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in ("Allow", "Retry-After"):
            if header in response:
                shaped[header] = response[header]
        return shaped
