"""One error shape for the whole API: a stable machine `code`, a message for people and, for
input errors, a `detail` line per field.

Endpoints raise ApiError; the handlers registered in onewindow.api turn it, and ninja's own
refusals (input validation, a body that is not JSON, not found, too large), into
`{"code": ..., "message": ..., "detail": ...}`. core.middleware gives the same shape to what is
refused before an endpoint runs. Every message is in the reader's language (gettext, from
Accept-Language or the language cookie through LocaleMiddleware). docs/api.md lists the codes.
"""

from django.utils.translation import gettext as _
from ninja import Field, Schema

API_PREFIX = "/api/"


class InputErrorOut(Schema):
    type: str = Field(description="校验错误类型，例如 int_parsing、less_than_equal。")
    loc: list[str | int] = Field(description='出错的位置，例如 ["query", "limit"]。')
    msg: str = Field(description="英文说明。")
    ctx: dict | None = Field(None, description="校验上下文，例如上限。")


class ErrorOut(Schema):
    code: str = Field(
        description="机器可读的错误码（稳定），例如 item_not_found、invalid_cursor、invalid_input。"
    )
    message: str = Field(
        description="给人看的错误说明（按请求语言：Accept-Language 或语言 cookie）。程序请以 code 判断。"
    )
    detail: list[InputErrorOut] | None = Field(
        None, description="输入校验错误的逐项说明（仅 invalid_input）。"
    )


class ApiError(Exception):
    def __init__(self, status, code, message, detail=None):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail

    def body(self):
        body = {"code": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body


def error_body(code, message, detail=None):
    """The API's error shape, for answers made outside an endpoint (middleware, plain views)."""
    return ApiError(None, code, str(message), detail).body()


def is_api_request(request):
    return request.path_info.startswith(API_PREFIX)


def rate_limited(request, response, scope, *, limit, window_seconds):
    """Count one public lookup of `request`'s client in `scope` (core.ratelimit): None within the
    limit, else the 429 answer for the endpoint to return, with Retry-After set on `response`."""
    from onewindow.core import ratelimit

    try:
        ratelimit.check_request(request, scope, limit=limit, window_seconds=window_seconds)
    except ratelimit.RateLimited as exc:
        return too_many(response, exc.retry_after)
    return None


def too_many(response, retry_after, message=None):
    """The 429 `rate_limited` answer (Retry-After set on `response`), with `message` or the
    generic one."""
    from ninja import Status

    response["Retry-After"] = str(retry_after)
    message = message or _("查询过于频繁，请 %(seconds)s 秒后再试") % {"seconds": retry_after}
    return Status(429, {"code": "rate_limited", "message": message})


def install(api):
    from django.core.exceptions import RequestDataTooBig
    from django.http import Http404
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    @api.exception_handler(ApiError)
    def on_api_error(request, exc):
        return api.create_response(request, exc.body(), status=exc.status)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc):
        error = ApiError(
            422,
            "invalid_input",
            _("请求参数有误"),
            detail=[
                {key: error[key] for key in ("type", "loc", "msg", "ctx") if key in error}
                for error in exc.errors
            ],
        )
        return api.create_response(request, error.body(), status=422)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        error = ApiError(401, "not_authenticated", _("请先登录"))
        return api.create_response(request, error.body(), status=401)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        # Ninja's own refusals; the one it makes today is a body that is not JSON.
        if exc.status_code == 400:
            error = ApiError(400, "invalid_json", _("请求内容不是有效的 JSON"))
        else:
            error = ApiError(exc.status_code, "error", str(exc))
        return api.create_response(request, error.body(), status=error.status)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        error = ApiError(404, "not_found", _("请求的资源不存在"))
        return api.create_response(request, error.body(), status=404)

    @api.exception_handler(RequestDataTooBig)
    def on_too_large(request, exc):
        error = ApiError(413, "request_too_large", _("请求内容超过大小上限"))
        return api.create_response(request, error.body(), status=413)
