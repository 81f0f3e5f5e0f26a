"""The English interface: pages and messages in English when asked for, Chinese by default, and a
complete, compiled English catalogue (src/onewindow/locale/en/LC_MESSAGES/django.po and .mo).

The catalogue tests make every new user-visible string need an English translation: after adding
one, run `makemessages -l en --ignore "static/*"` from src/onewindow, translate, and compile.
Every page of every persona and every admin page, in both languages: tests/test_languages_crawl.py
(docs/languages.md).
"""

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

import onewindow
from onewindow.catalog.constants import ItemType, WindowClass
from onewindow.catalog.validation import validate_item_spec
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

PACKAGE_DIR = Path(onewindow.__file__).resolve().parent
MESSAGES_DIR = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = MESSAGES_DIR / "django.po"
MO_FILE = MESSAGES_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # A request through LocaleMiddleware leaves its language active on the thread.
    yield
    translation.deactivate()


@pytest.fixture
def items(db):
    market = DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")
    fire = DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队")
    licence = ServiceItemFactory(
        code="441303-SCJG-001",
        name="个体工商户营业执照核发",
        window_class=WindowClass.ENTERPRISE,
        lead_department=market,
        legal_limit_days=15,
        promised_limit_days=0,
        is_on_the_spot=True,
        is_fully_online=True,
        max_visits=0,
        flow=[[(market, 0)]],
    )
    check = ServiceItemFactory(
        code="441303-XF-001",
        name="公众聚集场所投入使用、营业前消防安全检查",
        item_type=ItemType.LICENSING,
        window_class=WindowClass.SOCIAL,
        lead_department=fire,
        legal_limit_days=20,
        promised_limit_days=10,
        max_visits=1,
        special_procedures=["inspection"],
        flow=[[(fire, 5), (market, 3)], [(fire, 2)]],
    )
    return [licence, check]


def _page(response):
    assert response.status_code == 200
    return response.content.decode()


def _without_data(html, items):
    """The page minus what comes from the catalogue data (Chinese in any language)."""
    data = {settings.ONEWINDOW_REGION_NAME}
    for item in items:
        data.add(item.name)
        data.add(item.lead_department.name)
        data.update(m.name for m in item.materials.all())
        for stage in item.stages.all():
            data.add(stage.name)
            data.update(step.department.name for step in stage.steps.all())
    for value in sorted(data, key=len, reverse=True):
        html = html.replace(value, "")
    # The logo glyph, and the language switcher naming Chinese in Chinese, stay on purpose.
    return html.replace('"brand-mark">办<', '"brand-mark"><').replace(">中</button>", "></button>")


def _assert_no_chinese_ui(html, items):
    left = _without_data(html, items)
    found = [left[max(0, m.start() - 40) : m.end() + 40] for m in CJK.finditer(left)]
    assert not found, f"Chinese left on an English page: {found[:5]}"


# Pages -------------------------------------------------------------------------------------------


def test_guide_in_english_with_accept_language(client, items):
    response = client.get("/guide/", **EN)
    html = _page(response)

    assert '<html lang="en">' in html
    for english in (
        "Service guide",
        "Search items",
        "Promised time limit",
        "Administrative licensing",
        "Business operations",
        "Social services",
        "On-the-spot",
        "Fully online",
        "Zero visits",
        "At most one visit",
        "working days",
    ):
        assert english in html
    for chinese in ("办事指南", "搜索事项", "承诺办结时限", "行政许可", "社会服务类", "个工作日"):
        assert chinese not in html
    _assert_no_chinese_ui(html, items)
    assert "Accept-Language" in response["Vary"]


def test_home_in_english_with_accept_language(client, items):
    html = _page(client.get("/", **EN))

    for english in ("One-window services", "Service guide", "Browse by window class"):
        assert english in html
    for chinese in ("一门通办", "办事指南", "按窗口类别查找", "服务事项概况", "工作人员登录"):
        assert chinese not in html
    _assert_no_chinese_ui(html, items)


def test_item_page_in_english(client, items):
    check = items[1]
    html = _page(client.get(f"/guide/{check.code}/", **EN))

    for english in (
        "Statutory time limit",
        "Application materials",
        "Parallel review",
        "On-site inspection (examination)",
        "Stage 1",
    ):
        assert english in html
    assert "<b>10</b> working days" in html
    _assert_no_chinese_ui(html, items)


def test_language_switcher_sets_english_for_later_requests(client, items):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/guide/"})
    assert response.status_code == 302
    assert response["Location"] == "/guide/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = _page(client.get("/guide/"))
    assert "Service guide" in html
    assert "办事指南" not in html
    html = _page(client.get("/"))
    assert "Browse by window class" in html
    assert "按窗口类别查找" not in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "办事指南" in _page(client.get("/guide/"))


def test_pages_are_chinese_by_default(client, items):
    guide = _page(client.get("/guide/"))
    home = _page(client.get("/"))

    assert '<html lang="zh-hans">' in guide
    assert "办事指南" in guide and "承诺办结时限" in guide and "行政许可" in guide
    assert "按窗口类别查找" in home and "一门通办" in home
    for html in (guide, home):
        assert "Service guide" not in html
        assert "Browse by window class" not in html


def test_admin_title_in_english(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    html = _page(client.get("/admin/", **EN))

    assert "One-window Government Services Platform administration" in html
    assert "管理后台" not in html


# Messages from Python ----------------------------------------------------------------------------


def test_validation_messages_in_english():
    spec = {"code": "BAD CODE!", "legal_limit_days": 5, "promised_limit_days": 10}

    with translation.override("en"):
        messages = {e.place: e.message for e in validate_item_spec(spec, department_codes=set())}
    assert messages["name"] == "This field is required"
    assert messages["code"] == "A code may contain only letters, digits, hyphens and underscores"
    assert messages["promised_limit_days"] == (
        "The promised time limit (10) may not exceed the statutory time limit (5)"
    )
    assert messages["stages"] == "At least one processing stage is required"

    with translation.override("zh-hans"):
        messages = {e.place: e.message for e in validate_item_spec(spec, department_codes=set())}
    assert messages["name"] == "必填项不能为空"


def test_choice_labels_in_english():
    with translation.override("en"):
        assert str(ItemType.LICENSING.label) == "Administrative licensing"
        assert str(WindowClass.INVESTMENT.label) == "Investment approval"
    assert str(ItemType.LICENSING.label) == "行政许可"


# The catalogue -----------------------------------------------------------------------------------


def _unquote(text):
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1]
    )


def read_po(path):
    """A tiny .po reader: one dict per entry with flags, msgctxt, msgid, msgid_plural, msgstr[n]."""
    entries = []
    for block in Path(path).read_text(encoding="utf-8").strip().split("\n\n"):
        entry, field = {"flags": set(), "msgstr": {}, "obsolete": False}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = re.match(
                r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line
            )
            if match:
                key, index, text = match.groups()
                field = ("msgstr", int(index or 0)) if key == "msgstr" else key
            else:
                text = line.strip()
            if field is None or not text.startswith('"'):
                continue
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + _unquote(text)
            else:
                entry[field] = entry.get(field, "") + _unquote(text)
        if "msgid" in entry or entry["obsolete"]:
            entries.append(entry)
    return entries


def _messages(path):
    return [e for e in read_po(path) if e.get("msgid") and not e["obsolete"]]


def _label(entry):
    return f"{entry.get('msgctxt', '')}|{entry['msgid']}"


def _problems(entries):
    problems = []
    for entry in entries:
        forms = 2 if "msgid_plural" in entry else 1
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {_label(entry)}")
        if any(not entry["msgstr"].get(n) for n in range(forms)):
            problems.append(f"untranslated: {_label(entry)}")
    return problems


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = _messages(PO_FILE)
    assert len(entries) > 300
    assert _problems(entries) == []
    header = next(e for e in read_po(PO_FILE) if e.get("msgid") == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]


def test_catalogue_keeps_every_placeholder():
    for entry in _messages(PO_FILE):
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            assert set(PLACEHOLDER.findall(text)) == wanted, _label(entry)


def test_compiled_catalogue_matches_the_po_file():
    """django.mo is committed (gettext may be missing where the app runs): it must be up to date."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _messages(PO_FILE):
        context, msgid = entry.get("msgctxt"), entry["msgid"]
        if "msgid_plural" in entry:
            for n, form in ((1, 0), (2, 1)):
                got = (
                    compiled.npgettext(context, msgid, entry["msgid_plural"], n)
                    if context
                    else compiled.ngettext(msgid, entry["msgid_plural"], n)
                )
                assert got == entry["msgstr"][form], _label(entry)
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            assert got == entry["msgstr"][0], _label(entry)


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
    reason="GNU gettext is not installed",
)
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """Extract the strings afresh (on a copy of the package) and check they are all translated."""
    copy = tmp_path / "onewindow"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["en"], ignore_patterns=["static/*"], verbosity=0)

    fresh = _messages(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert len(fresh) > 300
    assert _problems(fresh) == [], (
        "Strings without an English translation: run makemessages -l en from src/onewindow, "
        "translate them in locale/en/LC_MESSAGES/django.po and compile the .mo."
    )


def test_a_word_that_is_a_button_and_a_state_reads_as_each_in_english():
    from django.utils.translation import gettext

    from onewindow.cases.constants import TaskState
    from onewindow.cases.queries import ACTION_LABELS

    with translation.override("en"):
        assert (gettext("同意"), str(TaskState.APPROVED.label)) == ("Agree", "Approved")
        assert (gettext("不同意"), str(TaskState.REFUSED.label)) == ("Disagree", "Refused")
        assert (gettext("受理"), str(ACTION_LABELS["accept_case"])) == ("Accept", "Accepted")
