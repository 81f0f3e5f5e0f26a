"""One error shape for the whole API: a stable machine `code` and a message in Chinese and English.

Endpoints raise ApiError; the handlers registered in onewindow.api turn it, and ninja's own input
validation errors, into `{"code": ..., "message": ..., "detail": ...}`.
"""

from ninja import Field, Schema


class InputErrorOut(Schema):
    type: str = Field(description="校验错误类型，例如 int_parsing、less_than_equal。")
    loc: list[str | int] = Field(description='出错的位置，例如 ["query", "limit"]。')
    msg: str = Field(description="英文说明。")
    ctx: dict | None = Field(None, description="校验上下文，例如上限。")


class ErrorOut(Schema):
    code: str = Field(
        description="机器可读的错误码（稳定），例如 item_not_found、invalid_cursor、invalid_input。"
    )
    message: str = Field(description="中英文错误说明 / message in Chinese and English.")
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
    message = message or (
        f"查询过于频繁，请 {retry_after} 秒后再试 / Too many queries: retry in {retry_after} seconds"
    )
    return Status(429, {"code": "rate_limited", "message": message})


def install(api):
    from ninja.errors import AuthenticationError, ValidationError

    @api.exception_handler(ApiError)
    def on_api_error(request, exc):
        return api.create_response(request, exc.body(), status=exc.status)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc):
        error = ApiError(
            422,
            "invalid_input",
            "请求参数有误 / Invalid request parameters",
            detail=[
                {key: error[key] for key in ("type", "loc", "msg", "ctx") if key in error}
                for error in exc.errors
            ],
        )
        return api.create_response(request, error.body(), status=422)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        error = ApiError(401, "not_authenticated", "请先登录 / Authentication required")
        return api.create_response(request, error.body(), status=401)
