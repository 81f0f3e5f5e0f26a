"""Reads of the public service guide (办事指南): search, keyset pages, the home page figures.

Only published versions are public. Drafts and superseded versions stay out of every read here.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from onewindow.catalog.constants import Channel, Requirement, WindowClass
from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem
from onewindow.catalog.search import normalise_query

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidCursor(ValueError):
    """The cursor was not made by `encode_cursor` (edited, truncated or from another list)."""


@dataclass(frozen=True)
class Page:
    items: list
    # None on the last page; otherwise pass it back to get the next page.
    next_cursor: str | None


def published_items():
    """Published versions with what a result card shows, in one query.

    `has_tolerated_materials` drives the 容缺受理 badge; an EXISTS per row is cheaper than
    prefetching every material of every listed item.
    """
    tolerated = Material.objects.filter(item=OuterRef("pk"), requirement=Requirement.TOLERATED)
    return (
        ServiceItem.objects.published()
        .select_related("lead_department")
        .annotate(has_tolerated_materials=Exists(tolerated))
    )


def search_items(
    q=None,
    item_type=None,
    window_class=None,
    department=None,
    online=None,
    construction_stage=None,
):
    """Published items matching every word of `q` and every filter given.

    A word matches the name, the code, the keywords or the pinyin keys, so `yyzz` and `yingye`
    find 营业执照. Filters left as None (or "") do not filter.
    """
    items = published_items()
    for word in normalise_query(q).split():
        items = items.filter(
            Q(name__icontains=word)
            | Q(code__icontains=word)
            | Q(keywords__icontains=word)
            | Q(search_pinyin__icontains=word)
        )
    if item_type:
        items = items.filter(item_type=item_type)
    if window_class:
        items = items.filter(window_class=window_class)
    if department:
        items = items.filter(lead_department__code=department)
    if online is not None:
        items = items.filter(is_fully_online=online)
    if construction_stage:
        items = items.filter(construction_stage=construction_stage)
    return items


def encode_cursor(item):
    payload = json.dumps({"code": item.code, "id": item.pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """Return (code, id) from a cursor, or raise InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        code, pk = data["code"], data["id"]
    except (UnicodeEncodeError, binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise InvalidCursor(cursor) from exc
    if not isinstance(code, str) or not isinstance(pk, int) or isinstance(pk, bool):
        raise InvalidCursor(cursor)
    return code, pk


def keyset_page(items, cursor=None, limit=DEFAULT_PAGE_SIZE):
    """One page of `items` in (code, id) order, after `cursor`.

    Uses the index item_status_code on (status, code): `status = 'published' AND code >= ?
    ORDER BY code` is a range scan from the cursor on, however deep the page. The `code >= ?`
    term is there for the planner; the OR alone would hide the range from it. No COUNT(*):
    fetching one row more than asked tells whether another page exists.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    items = items.order_by("code", "id")
    if cursor:
        code, pk = decode_cursor(cursor)
        items = items.filter(Q(code__gte=code), Q(code__gt=code) | Q(id__gt=pk))
    rows = list(items[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(rows[-1]))
    return Page(items=rows, next_cursor=None)


def published_item(code):
    """The published version of `code` with its materials and flow, or ServiceItem.DoesNotExist.

    Four queries whatever the size of the flow: the item, materials, stages, steps with their
    departments. Uses the partial unique index item_one_published (code WHERE published).
    """
    steps = FlowStep.objects.select_related("department").order_by("id")
    stages = FlowStage.objects.order_by("position", "id").prefetch_related(
        Prefetch("steps", queryset=steps)
    )
    return (
        published_items()
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
            Prefetch("stages", queryset=stages),
        )
        .get(code=code)
    )


def guide_departments():
    """Departments that lead at least one published item: the guide's department filter."""
    has_items = ServiceItem.objects.published().filter(lead_department=OuterRef("pk"))
    return Department.objects.filter(Exists(has_items)).order_by("code")


def guide_overview(recent=6):
    """Figures for the home page: items per window class, 可网办率, and recent items.

    Three queries: one GROUP BY over published rows (status prefix of item_status_code), the
    channels of published rows, and the latest published items.
    """
    rows = (
        ServiceItem.objects.published()
        .order_by()
        .values("window_class")
        .annotate(
            total=Count("id"),
            online=Count("id", filter=Q(is_fully_online=True)),
            on_the_spot=Count("id", filter=Q(is_on_the_spot=True)),
            zero_visits=Count("id", filter=Q(max_visits=0)),
        )
    )
    by_class = {row["window_class"]: row for row in rows}
    window_classes = [
        {"value": wc.value, "label": wc.label, "count": by_class.get(wc.value, {}).get("total", 0)}
        for wc in WindowClass
    ]
    total = sum(row["total"] for row in by_class.values())
    fully_online = sum(row["online"] for row in by_class.values())
    # 可网办率 counts the items that can be *applied for* online (the online channel). Channels are
    # a JSON list, which SQLite cannot search inside, so the short list is counted here; a
    # catalogue has a few thousand items at most.
    online = sum(
        Channel.ONLINE in channels
        for channels in ServiceItem.objects.published().values_list("channels", flat=True)
    )
    recent_items = list(
        published_items().order_by("-published_at", "code")[:recent] if recent else []
    )
    return {
        "total_items": total,
        "online_items": online,
        "fully_online_items": fully_online,
        # Whole percent, rounded down so that 99.6 % is not shown as 100 %.
        "online_rate": (online * 100 // total) if total else 0,
        "on_the_spot_items": sum(row["on_the_spot"] for row in by_class.values()),
        "zero_visit_items": sum(row["zero_visits"] for row in by_class.values()),
        "window_classes": window_classes,
        "recent_items": recent_items,
    }


def choice_labels(choices, values):
    """[(value, label)] for the choice values stored in a JSON list, skipping unknown ones."""
    known = dict(choices.choices)
    return [(value, known[value]) for value in values or [] if value in known]
