"""django-axes and django-tasks-db ship no zh-hans translation: our catalogue
src/onewindow/locale/zh_Hans translates their admin (登录尝试, 登录失败, 登录日志, 后台任务记录) and
holds only their English msgids, so that our own Chinese source strings are untouched and English
readers still read English."""

import gettext
import re
from pathlib import Path

import pytest
from axes import admin as axes_admin
from axes import conf as axes_conf
from axes import models as axes_models
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.contrib import admin as django_admin
from django.utils import timezone, translation
from django_tasks import base as tasks_base
from django_tasks_db import models as tasks_models
from django_tasks_db.models import DBTaskResult

import onewindow
from tests.factories import UserFactory
from tests.test_english import read_po

MESSAGES_DIR = Path(onewindow.__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = MESSAGES_DIR / "django.po"
MO_FILE = MESSAGES_DIR / "django.mo"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
AXES_MODELS = (AccessAttempt, AccessFailureLog, AccessLog, AccessAttemptExpiration)
TRANSLATED_MODELS = (*AXES_MODELS, DBTaskResult)
TRANSLATED_MODULES = (axes_models, axes_admin, axes_conf, tasks_models, tasks_base)
# Django 5.2's admin: strings new in 5.x, missing from Django's zh_Hans.
ADMIN_TEMPLATES = Path(django_admin.__file__).parent / "templates" / "admin"
ADMIN_SOURCES = [
    ADMIN_TEMPLATES / "app_list.html",
    ADMIN_TEMPLATES / "auth" / "user" / "add_form.html",
]


def entries():
    return [e for e in read_po(PO_FILE) if e.get("msgid") and not e["obsolete"]]


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # A request through LocaleMiddleware leaves its language active on the thread.
    yield
    translation.deactivate()


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_access_attempts_page_reads_in_chinese(admin_client):
    AccessAttempt.objects.create(
        username="clerk",
        ip_address="198.51.100.7",
        user_agent="curl",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )

    page = admin_client.get("/admin/axes/accessattempt/").content.decode()

    for chinese in ("选择 登录尝试 来修改", "尝试时间", "IP 地址", "用户名", "失败次数", "路径"):
        assert chinese in page
    for english in ("access attempt", "Access attempt", "Attempt Time", "Failed Logins"):
        assert english not in page


def test_the_admin_index_names_the_axes_models_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert '<th scope="col">模型名称</th>' in page and "Model name" not in page
    for chinese in ('/admin/axes/accessattempt/">登录尝试', "登录失败", "登录日志"):
        assert chinese in page
    assert "Access logs" not in page and "Access failures" not in page


def test_the_task_results_page_reads_in_chinese(admin_client):
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="onewindow.core.tasks.missing",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )

    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()

    for chinese in ("后台任务", "后台任务记录", "入队时间", "优先级", "队列", "状态"):
        assert chinese in page
    for english in ("Tasks Database Backend", "Task Result", "Enqueued at", "Queue name"):
        assert english not in page


def test_english_readers_still_read_english(admin_client):
    page = admin_client.get("/admin/axes/accessfailurelog/", HTTP_ACCEPT_LANGUAGE="en").content
    page = page.decode()

    assert "Select access failure to change" in page and "Attempt Time" in page
    assert "登录失败" not in page


def test_every_label_the_axes_and_tasks_admin_shows_is_translated():
    with translation.override("zh-hans"):
        for model in TRANSLATED_MODELS:
            meta = model._meta
            labels = [meta.verbose_name, meta.verbose_name_plural]
            labels += [
                f.verbose_name for f in meta.get_fields() if f.concrete and not f.primary_key
            ]
            for label in labels:
                assert CJK.search(str(label)), f"{meta.label}: {label} is not translated"


def test_the_catalogue_holds_only_third_party_english_msgids_all_translated():
    sources = [Path(module.__file__) for module in TRANSLATED_MODULES] + ADMIN_SOURCES
    source = "".join(path.read_text(encoding="utf-8") for path in sources).replace("'", '"')
    found = entries()
    assert len(found) > 20
    for entry in found:
        # A Chinese msgid here would be one of ours, whose source text is its Chinese already.
        assert not CJK.search(entry["msgid"]), entry["msgid"]
        assert f'"{entry["msgid"]}"' in source.replace('"\n        "', ""), entry["msgid"]
        assert "fuzzy" not in entry["flags"] and CJK.search(entry["msgstr"][0]), entry["msgid"]


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries():
        context = entry.get("msgctxt")
        got = (
            compiled.pgettext(context, entry["msgid"])
            if context
            else compiled.gettext(entry["msgid"])
        )
        assert got == entry["msgstr"][0], entry["msgid"]


def test_our_own_chinese_strings_are_untouched():
    with translation.override("zh-hans"):
        assert translation.gettext("岗位") == "岗位"
        assert translation.gettext("Username") == "用户名"
    with translation.override("en"):
        assert translation.gettext("岗位") == "Position"
        assert translation.gettext("Username") == "Username"
