"""The outbox for supervisors (外发消息): failed messages with their error and a retry button,
and the SMS kept unsent because no gateway is configured (the demo reads e.g. a locker code here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.api_errors import ApiError
from onewindow.core.identity import compact_phone
from onewindow.core.ratelimit import client_address
from onewindow.notifications.actions import do_retry_message, may_see_messages
from onewindow.notifications.channels import masked_address
from onewindow.notifications.constants import RETRYABLE_STATES, MessageChannel, MessageState
from onewindow.notifications.models import OutboundMessage
from onewindow.notifications.queries import unread_notifications

PAGE_SIZE = 50
# The lists of the page: which states each shows. Staff in-app rows are not listed (they are
# the notifications themselves).
VIEWS = {
    "failed": (MessageState.FAILED,),
    "held": (MessageState.HELD,),
    "pending": (MessageState.PENDING, MessageState.SENDING),
    "sent": (MessageState.SENT,),
}
SENT_CHANNELS = (MessageChannel.SMS, MessageChannel.EMAIL)


def _client_ip(request):
    address = client_address(request)
    return None if address == "unknown" else address


def require_message_staff(user):
    if not may_see_messages(user):
        raise PermissionDenied(_("只有电子监察人员可以查看外发消息"))


def _searched(messages_, q):
    """The messages of the case numbered `q`, or sent to the phone number (or e-mail) `q`, as
    typed: full-width digits, spaces and hyphens between groups are fine."""
    if not q:
        return messages_
    typed = compact_phone(q)
    return messages_.filter(
        Q(case__number=typed) | Q(address=typed) | Q(address=q.strip()) | Q(address=q.lower())
    )


def _first_with_messages(tabs):
    """Opened without a tab: the first one that has messages (failed first), else 发送失败."""
    return next((key for key, _label, count in tabs if count), "failed")


@login_required
def outbox(request):
    require_message_staff(request.user)
    q = request.GET.get("q", "").strip()[:100]
    messages_ = _searched(OutboundMessage.objects.filter(channel__in=SENT_CHANNELS), q)
    counts = dict(messages_.values_list("state").annotate(n=Count("id")).order_by())
    tabs = [
        (key, label, sum(counts.get(state, 0) for state in VIEWS[key]))
        for key, label in (
            ("failed", _("发送失败")),
            ("held", _("未发送（未配置短信网关）")),
            ("pending", _("待发送")),
            ("sent", _("已发送")),
        )
    ]
    view = request.GET.get("show")
    if view not in VIEWS:
        view = _first_with_messages(tabs)
    rows = (
        messages_.filter(state__in=VIEWS[view])
        .select_related("case")
        .order_by("-created_at", "-id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.shown_address = masked_address(message)
        message.retryable = message.state in RETRYABLE_STATES
    context = {
        "page": page,
        "view": view,
        "q": q,
        "tabs": tabs,
        "unread_count": unread_notifications(request.user).count(),
    }
    return render(request, "notifications/outbox.html", context)


@login_required
@require_POST
def retry(request, pk):
    require_message_staff(request.user)
    message = get_object_or_404(OutboundMessage, pk=pk)
    view = request.POST.get("show", "failed")
    back = f"{reverse('notifications:outbox')}?show={view if view in VIEWS else 'failed'}"
    try:
        do_retry_message(message, acting_user=request.user, client_address=_client_ip(request))
    except ApiError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("已重新排队发送"))
    return redirect(back)
