"""Smart lockers (智慧政务自助取件柜): the clerk deposits a result into a free compartment, the
applicant opens it at the cabinet with the code sent by SMS, and what nobody collects is first
reminded, then returned to the window.

Claiming a compartment is atomic: on PostgreSQL the free compartment is read with `FOR UPDATE
SKIP LOCKED` (a second clerk at the same moment gets the next free one, never the same), then
taken by a conditional UPDATE (`… WHERE state = 'free'`), which also holds on SQLite, whose
IMMEDIATE transactions serialise writers anyway.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.cases.actions.common import lock_case, record
from onewindow.cases.constants import CaseState, MaterialStatus
from onewindow.cases.errors import CaseActionError, forbidden, invalid_input, not_found
from onewindow.cases.permissions import at_own_point, is_clerk
from onewindow.catalog.constants import DeliveryMethod
from onewindow.core import audit
from onewindow.delivery import codes
from onewindow.delivery.actions.pickup import require_issued_delivery, start_window_pickup
from onewindow.delivery.constants import (
    SIZE_ORDER,
    CompartmentSize,
    CompartmentState,
    DeliveryState,
)
from onewindow.delivery.errors import (
    bad_code_format,
    code_expired,
    code_used,
    locker_at_other_point,
    tolerated_outstanding,
    wrong_code,
)
from onewindow.delivery.lockers import limits
from onewindow.delivery.lockers.drivers import DriverError, driver_for
from onewindow.delivery.models import Compartment, Delivery, Locker, LockerDeposit
from onewindow.notifications.notify import tell_applicant

CODE_TRIES = 20


def _size_rank():
    return When_(
        *[When(size=size, then=Value(rank)) for rank, size in enumerate(SIZE_ORDER)],
        output_field=IntegerField(),
    )


def fitting_sizes(size):
    """The sizes a result of `size` fits in: that size and every larger one."""
    return SIZE_ORDER[SIZE_ORDER.index(size) :] if size else list(SIZE_ORDER)


def _size_names(sizes):
    return _("、").join(str(CompartmentSize(s).label) for s in sizes), "/".join(sizes)


def locker_full(locker, sizes):
    names, letters = _size_names(sizes)
    free = dict(
        (row["size"], row["n"])
        for row in locker.compartments.filter(state=CompartmentState.FREE)
        .values("size")
        .annotate(n=Count("id"))
    )
    other = [
        _("%(size)s %(count)s 个") % {"size": CompartmentSize(s).label, "count": free[s]}
        for s in SIZE_ORDER
        if free.get(s)
    ]
    others = _("；尚有空闲：%(list)s") % {"list": _("、").join(other)} if other else ""
    return CaseActionError(
        "locker_full",
        _("取件柜已满：%(locker)s没有空闲的%(sizes)s%(others)s。请改存其他取件柜或窗口领取")
        % {"locker": locker.name, "sizes": names, "others": others},
        detail=[{"type": "full", "loc": ["size"], "msg": letters, "ctx": {"free": free}}],
    )


def _claim(locker, size):
    """A free compartment of a fitting size, smallest first, taken for this transaction."""
    sizes = fitting_sizes(size)
    for _attempt in range(5):
        candidate = (
            Compartment.objects.select_for_update(skip_locked=True)
            .filter(locker=locker, state=CompartmentState.FREE, size__in=sizes)
            .annotate(rank=_size_rank())
            .order_by("rank", "number")
            .first()
        )
        if candidate is None:
            raise locker_full(locker, sizes)
        taken = Compartment.objects.filter(pk=candidate.pk, state=CompartmentState.FREE).update(
            state=CompartmentState.OCCUPIED
        )
        if taken:
            candidate.state = CompartmentState.OCCUPIED
            return candidate
    raise locker_full(locker, sizes)


def _claim_named(locker, compartment, size):
    number = compartment.number if isinstance(compartment, Compartment) else compartment
    chosen = Compartment.objects.select_for_update().filter(locker=locker, number=number).first()
    if chosen is None:
        raise invalid_input(
            "compartment",
            _("%(locker)s没有第 %(number)s 号格口") % {"locker": locker.name, "number": number},
        )
    if chosen.state == CompartmentState.OUT_OF_SERVICE:
        raise CaseActionError(
            "compartment_out_of_service",
            _("第 %(number)s 号格口已停用") % {"number": number},
        )
    if size and chosen.size not in fitting_sizes(size):
        raise invalid_input(
            "compartment",
            _("第 %(number)s 号格口是%(chosen)s，放不下%(size)s的材料")
            % {
                "number": number,
                "chosen": chosen.get_size_display(),
                "size": CompartmentSize(size).label,
            },
        )
    taken = Compartment.objects.filter(pk=chosen.pk, state=CompartmentState.FREE).update(
        state=CompartmentState.OCCUPIED
    )
    if not taken:
        raise CaseActionError(
            "compartment_taken",
            _("第 %(number)s 号格口已被占用，请选择其他格口") % {"number": number},
        )
    chosen.state = CompartmentState.OCCUPIED
    return chosen


def _until_text(moment):
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{local:%H:%M}"


@transaction.atomic
def do_deposit_in_locker(
    case, *, locker, size=None, compartment=None, acting_user, client_address=None
):
    """ISSUED result into a locker: a free compartment of `size` or larger (or the `compartment`
    named), a 6-digit code by SMS, the delivery IN_LOCKER. Returns the LockerDeposit, with the
    code in clear as `.code` (never stored)."""
    if not is_clerk(acting_user):
        raise forbidden()
    locker = (
        Locker.objects.select_related("service_point")
        .filter(pk=getattr(locker, "pk", locker))
        .first()
    )
    if locker is None:
        raise not_found(_("取件柜不存在"))
    if not at_own_point(acting_user, locker.service_point_id):
        # The village clerk who filled the hall's locker: a clerk stands at their own cabinets.
        raise locker_at_other_point(locker)
    if size and size not in CompartmentSize.values:
        raise invalid_input("size", _("格口尺寸应为 S、M 或 L"))
    case = lock_case(case)
    delivery = require_issued_delivery(case)
    if DeliveryMethod.LOCKER not in (case.item.delivery_methods or []):
        raise CaseActionError(
            "method_not_allowed",
            _("该事项不允许通过自助取件柜送达"),
            status=422,
        )
    if delivery.method != DeliveryMethod.LOCKER:
        raise CaseActionError(
            "method_not_chosen",
            _("申请人选择的送达方式是“%(method)s”，不能放入取件柜")
            % {"method": delivery.get_method_display()},
        )
    if delivery.state != DeliveryState.READY:
        raise CaseActionError(
            "not_ready",
            _("送达状态为“%(state)s”，不能入柜") % {"state": delivery.get_state_display()},
        )
    if (
        case.supplement_due is not None
        and case.materials.filter(status=MaterialStatus.TOLERATED).exists()
    ):
        raise tolerated_outstanding()
    if not locker.active:
        raise CaseActionError("locker_inactive", _("%(locker)s已停用") % {"locker": locker.name})
    chosen = _claim_named(locker, compartment, size) if compartment else _claim(locker, size)
    now = timezone.now()
    expires = now + timedelta(days=settings.ONEWINDOW_LOCKER_RETURN_DAYS)
    deposit, code = _new_deposit(
        delivery=delivery,
        compartment=chosen,
        locker=locker,
        expires_at=expires,
        deposited_at=now,
        deposited_by=acting_user,
    )
    delivery.state = DeliveryState.IN_LOCKER
    delivery.save(update_fields=["state", "updated_at"])
    record(
        case,
        "deposit_in_locker",
        acting_user=acting_user,
        from_state=case.state,
        client_address=client_address,
        locker=locker.code,
        compartment=chosen.number,
        until=expires.isoformat(),
    )
    tell_applicant(
        case,
        "locker_code",
        event_key=f"locker_code:{deposit.pk}",
        context={
            "locker": locker.name,
            "compartment": chosen.number,
            "code": code,
            "until": _until_text(expires),
        },
    )
    deposit.code = code
    return deposit


def _new_deposit(**values):
    """A deposit with a code no other waiting result of that cabinet has."""
    locker = values["locker"]
    for _attempt in range(CODE_TRIES):
        code = codes.new_code()
        digest = codes.code_hash(f"locker:{locker.pk}", code)
        try:
            with transaction.atomic():
                return LockerDeposit.objects.create(code_hash=digest, **values), code
        except IntegrityError:
            continue  # that code is waiting in this cabinet already: draw another
    raise CaseActionError("no_code", _("无法生成取件码，请重试"))


# --- the kiosk --------------------------------------------------------------------------------


def _locked_out(until):
    until = timezone.localtime(until)
    return CaseActionError(
        "locked_out",
        _(
            "输错次数过多，本机暂停输入取件码至 %(until)s，请稍后再试或到窗口求助。"
            "其他人的取件不受影响。"
        )
        % {"until": f"{until:%H:%M}"},
        status=429,
        detail=[{"type": "locked", "loc": ["code"], "msg": until.isoformat()}],
    )


def _wrong_code(left, held_until):
    message = ngettext(
        "取件码不正确，还可尝试 %(left)d 次。",
        "取件码不正确，还可尝试 %(left)d 次。",
        left,
    ) % {"left": left}
    if held_until is not None:
        # A compartment's code on hold answers like a wrong code: say so, for its applicant.
        until = timezone.localtime(held_until)
        message += _(
            "本柜近期输错较多，部分格口暂停凭码开启至 %(until)s；如确认取件码无误，请届时再试"
            "或到窗口求助。"
        ) % {"until": f"{until:%H:%M}"}
    return wrong_code(message)


def _count_wrong_code(locker, client_address, now):
    """One wrong code: counted against the client and every code waiting in this cabinet
    (lockers.limits); the error to show."""
    moment = now.timestamp()
    waiting = list(
        LockerDeposit.objects.filter(
            locker=locker, collected_at__isnull=True, returned_at__isnull=True
        ).values_list("pk", flat=True)
    )
    left, newly_held = limits.count_wrong_code(locker, client_address, waiting, moment)
    for pk in newly_held:
        audit.record(
            action="locker_code_held",
            object_type="delivery.lockerdeposit",
            object_id=pk,
            client_address=client_address,
            details={"locker": locker.code, "until": limits.held_until([pk], moment).isoformat()},
        )
    if left <= 0:
        until = limits.client_locked_until(locker, client_address, moment)
        if left == 0:  # the attempt that locked this client out, logged once
            audit.record(
                action="locker_locked_out",
                obj=locker,
                client_address=client_address,
                details={"locker": locker.code, "until": until.isoformat()},
            )
        return _locked_out(until)
    return _wrong_code(left, limits.held_until(waiting, moment))


def kiosk_locked_until(locker, client_address, now=None):
    """Until when this client may not type codes at `locker` (None: it may)."""
    now = now or timezone.now()
    return limits.client_locked_until(locker, client_address, now.timestamp())


def do_collect_from_locker(locker, *, code, client_address=None):
    """The applicant typed `code` at the cabinet: open the compartment, the case is DELIVERED.

    A wrong code counts against the client (its address) and against every code waiting in the
    cabinet (lockers.limits): too many from one client lock that client out for a while, too
    many against one code hold that code for the rest of the hour, and nobody else is locked out.
    The counters live in the rate-limit cache, outside the transaction. No visit: a locker costs
    none."""
    locker = Locker.objects.filter(pk=getattr(locker, "pk", locker)).first()
    if locker is None or not locker.active:
        raise not_found(_("取件柜不存在"))
    now = timezone.now()
    locked_until = kiosk_locked_until(locker, client_address, now)
    if locked_until is not None:
        raise _locked_out(locked_until)
    typed = codes.normalise(code)
    if typed is None:
        raise bad_code_format()
    digest = codes.code_hash(f"locker:{locker.pk}", typed)
    with transaction.atomic():
        deposit = (
            LockerDeposit.objects.select_for_update(of=("self",))
            .select_related("compartment", "delivery")
            .filter(
                locker=locker, code_hash=digest, collected_at__isnull=True, returned_at__isnull=True
            )
            .first()
        )
        if deposit is None:
            earlier = (
                LockerDeposit.objects.filter(locker=locker, code_hash=digest)
                .order_by("-deposited_at")
                .first()
            )
            if earlier is not None and earlier.collected_at is not None:
                raise code_used(earlier.collected_at)
            if earlier is not None:
                raise CaseActionError(
                    "code_returned",
                    _("逾期未取，结果已退回窗口，请凭短信中的领取码到窗口领取"),
                    status=410,
                )
        elif limits.is_held(deposit.pk, now.timestamp()):
            deposit = None  # answered exactly like a wrong code (lockers.limits)
        elif deposit.expires_at <= now:
            raise code_expired(deposit.expires_at)
        else:
            _open_and_deliver(locker, deposit, now, client_address)
    if deposit is None:
        raise _count_wrong_code(locker, client_address, now)
    limits.forget_client(locker, client_address, now.timestamp())
    return deposit


def _open_and_deliver(locker, deposit, now, client_address):
    case = lock_case(deposit.delivery.case_id)
    compartment = deposit.compartment
    try:
        driver_for(locker).open(compartment)
    except DriverError as exc:
        raise CaseActionError(
            "locker_fault",
            _("柜门未能打开，请联系窗口工作人员"),
            status=503,
        ) from exc
    compartment.state = CompartmentState.FREE
    compartment.save(update_fields=["state"])
    deposit.collected_at = now
    deposit.save(update_fields=["collected_at"])
    delivery = deposit.delivery
    delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
    delivery.save(update_fields=["state", "delivered_at", "updated_at"])
    from_state = case.state
    case.state, case.collected_at = CaseState.DELIVERED, now
    case.collected_by = f"{locker.name}（自助取件）"[:60]
    case.save(update_fields=["state", "collected_at", "collected_by", "updated_at"])
    record(
        case,
        "collect_from_locker",
        acting_user=None,
        from_state=from_state,
        client_address=client_address,
        locker=locker.code,
        compartment=compartment.number,
    )
    tell_applicant(case, "delivered", event_key=f"delivered:{delivery.pk}")


# --- uncollected results ----------------------------------------------------------------------


def do_remind_and_return(*, now=None):
    """Remind applicants whose result waits past ONEWINDOW_LOCKER_REMIND_DAYS; return to the
    window what waits past ONEWINDOW_LOCKER_RETURN_DAYS (compartment freed, Delivery RETURNED, a
    new window pickup code). One transaction per deposit; rows another worker holds are skipped.
    Returns (reminded, returned) counts."""
    now = now or timezone.now()
    waiting = LockerDeposit.objects.filter(collected_at__isnull=True, returned_at__isnull=True)
    remind_before = now - timedelta(days=settings.ONEWINDOW_LOCKER_REMIND_DAYS)
    reminded = returned = 0
    for pk in waiting.filter(expires_at__lte=now).values_list("pk", flat=True):
        returned += _return_one(pk, now)
    for pk in waiting.filter(
        reminded_at__isnull=True, deposited_at__lte=remind_before, expires_at__gt=now
    ).values_list("pk", flat=True):
        reminded += _remind_one(pk, now)
    return reminded, returned


def _locked_deposit(pk):
    return (
        LockerDeposit.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("locker", "compartment", "delivery")
        .filter(pk=pk, collected_at__isnull=True, returned_at__isnull=True)
        .first()
    )


@transaction.atomic
def _remind_one(pk, now):
    deposit = _locked_deposit(pk)
    if deposit is None or deposit.reminded_at is not None:
        return 0
    deposit.reminded_at = now
    deposit.save(update_fields=["reminded_at"])
    case = deposit.delivery.case
    tell_applicant(
        case,
        "locker_reminder",
        event_key=f"locker_reminder:{deposit.pk}",
        context={
            "locker": deposit.locker.name,
            "compartment": deposit.compartment.number,
            "until": _until_text(deposit.expires_at),
        },
    )
    return 1


@transaction.atomic
def _return_one(pk, now):
    deposit = _locked_deposit(pk)
    if deposit is None:
        return 0
    case = lock_case(deposit.delivery.case_id)
    delivery = Delivery.objects.select_for_update().get(pk=deposit.delivery_id)
    deposit.returned_at = now
    deposit.save(update_fields=["returned_at"])
    Compartment.objects.filter(pk=deposit.compartment_id).update(state=CompartmentState.FREE)
    delivery.state = DeliveryState.RETURNED
    delivery.save(update_fields=["state", "updated_at"])
    delivery.case = case
    record(
        case,
        "return_from_locker",
        acting_user=None,
        from_state=case.state,
        locker=deposit.locker.code,
        compartment=deposit.compartment.number,
    )
    start_window_pickup(
        delivery,
        place=deposit.locker.service_point,
        event_key=f"ready_for_pickup:{delivery.pk}:returned:{deposit.pk}",
        now=now,
    )
    return 1
