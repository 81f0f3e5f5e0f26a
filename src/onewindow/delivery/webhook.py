"""The courier webhook: `POST /api/delivery/courier/webhook`, where the courier posts tracking
events. No session, no CSRF token: a call is trusted only by its signature (delivery.webhook_signing)
over the exact body and a timestamp within the tolerance window.

A refused call (missing or bad signature, stale timestamp, invalid event, unknown tracking
number) changes nothing, is logged with logging.warning and kept as a RefusedWebhookCall (time,
remote address, reason, SHA-256 of the body). A body over 64 KiB is refused before its signature
is checked (413 request_too_large, kept with the digest of its first 64 KiB and its declared size),
and a NUL character in the event with 400 invalid_characters (core.middleware leaves this view
alone so that such calls are kept too). A replayed event answers 200 and changes nothing.
"""

import hashlib
import json
import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onewindow.cases.errors import CaseActionError
from onewindow.core import ratelimit
from onewindow.core.middleware import checks_its_own_input, contains_nul
from onewindow.core.ratelimit import client_address
from onewindow.delivery import webhook_signing as signing
from onewindow.delivery.actions.mail import do_record_tracking_event, tracking_input
from onewindow.delivery.constants import WebhookRefusal
from onewindow.delivery.models import RefusedWebhookCall

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
# Refusals kept per remote address and minute: a flood of bad calls is logged, but cannot fill
# the table.
REFUSALS_KEPT_PER_MINUTE = 60
UNAUTHORIZED = {
    WebhookRefusal.MISSING_SIGNATURE: gettext_lazy("缺少签名"),
    WebhookRefusal.BAD_SIGNATURE: gettext_lazy("签名无效"),
    WebhookRefusal.STALE_TIMESTAMP: gettext_lazy("时间戳已过期或超前，请求被拒绝"),
}


def _refuse(request, body, reason, status, message, *, code=None, size=None):
    """Record and log the refused call; answer `code` (the reason by default) in the API's shape.
    `size` is the body's declared size when only its first bytes were read (and digested)."""
    size = len(body) if size is None else size
    digest = hashlib.sha256(body).hexdigest()
    address = client_address(request)
    try:
        ratelimit.check_request(
            request, "courier_webhook_refusals", limit=REFUSALS_KEPT_PER_MINUTE, window_seconds=60
        )
    except ratelimit.RateLimited:
        kept = False
    else:
        kept = True
        RefusedWebhookCall.objects.create(
            remote_address=address, reason=reason, body_sha256=digest, body_size=size
        )
    logger.warning(
        "courier webhook refused: %s from %s (body sha256 %s, %s bytes)%s",
        reason,
        address,
        digest,
        size,
        "" if kept else " (not kept: too many refusals from this address)",
    )
    return JsonResponse(
        {"code": code or reason, "message": str(message)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt
@require_POST  # under /api/: core.middleware answers the 405 in the API's shape, with Allow
@checks_its_own_input
def courier_webhook(request):
    # Read at most one byte past the limit from the stream: request.body would refuse a body over
    # Django's DATA_UPLOAD_MAX_MEMORY_SIZE with an HTML 400 before the call could be recorded.
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES or _declared_length(request) > MAX_BODY_BYTES:
        return _refuse(
            request,
            body[:MAX_BODY_BYTES],
            WebhookRefusal.INVALID_EVENT,
            413,
            _("请求内容超过大小上限"),
            code="request_too_large",
            # The column is a 32-bit integer; a lying Content-Length must not overflow it.
            size=min(max(len(body), _declared_length(request)), 2**31 - 1),
        )
    reason = signing.refusal(
        settings.ONEWINDOW_COURIER_WEBHOOK_SECRET,
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER, ""),
        signature=request.headers.get(signing.SIGNATURE_HEADER, ""),
        body=body,
        tolerance=settings.ONEWINDOW_COURIER_WEBHOOK_TOLERANCE,
    )
    if reason is not None:
        return _refuse(request, body, reason, 401, UNAUTHORIZED[reason])
    try:
        payload = json.loads(body)
    except ValueError:
        return _refuse(request, body, WebhookRefusal.INVALID_EVENT, 422, _("内容不是 JSON"))
    if contains_nul(payload):
        return _refuse(
            request,
            body,
            WebhookRefusal.INVALID_EVENT,
            400,
            _("输入中含有不允许的字符（NUL）"),
            code="invalid_characters",
        )
    try:
        event, created = do_record_tracking_event(tracking_input(payload))
    except CaseActionError as error:
        return _refuse(request, body, error.code, error.status, error.message)
    return JsonResponse(
        {
            "status": "stored" if created else "duplicate",
            "event_id": event.event_id,
            "shipment_state": event.shipment.state,
        }
    )
