"""One language per reader, page by page: a crawler signs in as each persona of the demo, follows
the links of the staff pages, and opens every admin changelist and add page, in Chinese and in
English.

- English pages hold no Chinese outside data: every text value stored in the database (names,
  items, departments, materials, messages…) is taken out of the page first, so what is left is the
  templates' and the code's text.
- Chinese pages hold none of the English words an untranslated label would show (Add, Save,
  Search, app names…), looked for in the text a person reads (not in scripts, URLs or classes).
"""

import re
from html import unescape
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.utils import translation

from onewindow.accounts.models import User
from onewindow.cases.models import Case
from onewindow.catalog.models import ServiceItem

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PAGES_PER_PERSONA = 15
CHANGE_PAGES = (User, ServiceItem, Case)
# The anonymous visitor from the home page, then each staff persona of the demo from their workspace.
# Each persona's start pages are checked even when an earlier persona saw the same route; the
# search results (a form, not a link): one page with results, one without.
STAFF_STARTS = ["/workspace/", "/search/?q=44130", "/search/?q=zzzz"]
PERSONAS = [
    ("", ["/"]),
    ("clerk", STAFF_STARTS),
    ("reviewer_market", STAFF_STARTS),
    ("head_market", STAFF_STARTS),
    ("supervisor", STAFF_STARTS),
]
# Links a crawler must not follow: other languages, files, the API, the admin (crawled on its own).
SKIPPED = re.compile(r"^/(api|admin|i18n|static|media|accounts/logout|verify)/|\.(pdf|png|svg)$")

# Words that betray an untranslated label in the Chinese interface: Django's admin (Add, Change,
# Delete, Save, Search, Filter, Home, History, View site, Log out), our own buttons and headings,
# and the apps' English names. Each is matched as a whole word, case-sensitive, in visible text.
UNTRANSLATED = [
    "Add",
    "Change",
    "Delete",
    "Save",
    "Search",
    "Filter",
    "Home",
    "History",
    "View site",
    "Log out",
    "Sign in",
    "Select",
    "Action",
    "Go",
    "All",
    "Yes",
    "No",
    "Unknown",
    "Today",
    "Next",
    "Previous",
    "Back",
    "Cancel",
    "Submit",
    "Details",
    "Status",
    "Name",
    "Date",
    "Axes",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Tasks Database Backend",
    "Task Results",
    "Authentication and Authorization",
    "Groups",
    "Users",
    "Accounts",
    "Catalog",
    "Cases",
    "Delivery",
    "Core",
    "Workspace",
    "Kiosk",
    "Can",
]
UNTRANSLATED_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, UNTRANSLATED)) + r")(?![\w-])"
)


@pytest.fixture(autouse=True)
def _back_to_default_language():
    yield
    translation.deactivate()


@pytest.fixture
def demo(db):
    """The demo district, staff and cases; returns the Chinese texts stored in the database."""
    call_command("demo", stdout=StringIO())
    return _stored_text()


def _stored_text():
    """Every text stored in the database: the data a page may show in any language."""
    values = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                _collect(value, values)
    values.add(settings.ONEWINDOW_REGION_NAME)
    return {v for v in values if CJK.search(v)}


def _collect(value, into):
    if isinstance(value, str):
        into.add(value)
        into.update(line.strip() for line in value.splitlines())
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def _visible_text(html):
    """What a person reads: the text between tags, and the titles, placeholders and labels."""
    html = re.sub(r"(?is)<(script|style|svg)\b.*?</\1>", " ", html)
    shown = re.findall(r'(?i)\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    html = re.sub(r"(?s)<[^>]*>", " ", html)
    return unescape(" ".join([html, *shown]))


def _without_data(text, data):
    for value in sorted(data, key=len, reverse=True):
        if value in text:
            text = text.replace(value, " ")
    return text


def _chinese_left(html, data):
    # The logo's 办 (site and kiosk) and the switch naming Chinese in Chinese (中) stay in every
    # language.
    html = re.sub(r'class="(brand|kiosk)-mark">办<', 'class="mark"><', html)
    html = html.replace(">中</button>", "></button>")
    text = _without_data(_visible_text(html), data)
    return [text[max(0, m.start() - 30) : m.end() + 30].strip() for m in CJK.finditer(text)]


def _english_left(html):
    text = _visible_text(html)
    return [
        text[max(0, m.start() - 30) : m.end() + 30].strip()
        for m in UNTRANSLATED_WORD.finditer(text)
    ]


def _links(html):
    for href in re.findall(r'href="([^"#]+)"', html):
        parts = urlsplit(unescape(href))
        if not parts.netloc and parts.path.startswith("/") and not SKIPPED.search(parts.path):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url):
    """One page per route shape: /cases/12/ and /guide/441303-GA-001/ show the labels of
    /cases/13/ and /guide/441303-JT-001/."""
    path = url.split("?")[0]
    return "/".join("0" if re.search(r"\d", part) else part for part in path.split("/"))


def _crawl(client, starts, limit, shapes):
    """Pages reached from `starts` by following links, breadth first, at most `limit` of them,
    skipping the route shapes already seen (by this persona or an earlier one)."""
    queue, pages = list(starts), {}
    shapes.update(_shape(start) for start in starts)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url, **ZH)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        pages[url] = html
        for link in _links(html):
            if _shape(link) not in shapes:
                shapes.add(_shape(link))
                queue.append(link)
    return pages


def _check(client, pages, data):
    """Problems per URL: `pages` maps each URL to its Chinese HTML; the English is fetched here."""
    problems = {}
    for url, chinese in pages.items():
        english = client.get(url, **EN).content.decode()
        assert '<html lang="zh-hans"' in chinese and '<html lang="en"' in english, url
        found = _english_left(chinese) + _chinese_left(english, data)
        if found:
            problems[url] = found[:6]
    return problems


def _admin_pages(client):
    """The admin's index, every changelist and add page, and a change page of a few models."""
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        if model_admin.has_add_permission(_Request()):
            urls.append(f"/admin/{meta.app_label}/{meta.model_name}/add/")
    for model in CHANGE_PAGES:
        row = model._default_manager.order_by("pk").first()
        urls.append(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/change/")
    pages = {}
    for url in urls:
        response = client.get(url, **ZH)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


class _Request:
    """Enough of a request for has_add_permission: the demo's superuser."""

    user = property(lambda self: User.objects.get(username="admin"))


def test_every_page_reads_in_one_language_for_each_persona_and_the_admin(client, demo):
    """One test, so that the demo is loaded once (a few seconds); the problems of all pages are
    reported together."""
    problems, shapes = {}, set()
    visited = 0
    for persona, starts in PERSONAS:
        if persona:
            client.force_login(User.objects.get(username=persona))
        pages = _crawl(client, starts, PAGES_PER_PERSONA, shapes)
        assert len(pages) >= 4, (persona, list(pages))
        visited += len(pages)
        problems.update({f"{persona} {u}": p for u, p in _check(client, pages, demo).items()})
        client.logout()

    client.force_login(User.objects.get(username="admin"))
    pages = _admin_pages(client)
    visited += len(pages)
    problems.update(_check(client, pages, demo))

    # The audit log stores codes; the admin names them (object type, role, states).
    audit = _visible_text(pages["/admin/core/auditentry/"])
    assert "办件" in audit and "综合窗口受理人员" in audit and "已受理" in audit
    assert not re.search(r"\b(cases\.case|clerk|submitted|accepted)\b", audit)
    assert visited > 60
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
