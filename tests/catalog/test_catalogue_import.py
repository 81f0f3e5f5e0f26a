import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onewindow.catalog.actions import CatalogueError, do_import_catalogue
from onewindow.catalog.constants import ItemStatus
from onewindow.catalog.interchange import DEMO_CATALOGUE, dump, export_catalogue, load_file
from onewindow.catalog.models import Department, FlowStep, Material, ServiceItem
from onewindow.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def _row_counts():
    return (
        Department.objects.count(),
        ServiceItem.objects.count(),
        Material.objects.count(),
        FlowStep.objects.count(),
    )


def test_import_creates_departments_items_materials_and_flow(small_catalogue):
    summary = do_import_catalogue(small_catalogue)

    assert summary["departments_created"] == 5
    assert summary["items_created"] == 2
    village = Department.objects.get(code="LJZ-XJC")
    assert village.parent.code == "LJZ"
    assert village.parent.parent.code == "ZWFWZX"
    item = ServiceItem.objects.get(code="441303-SCJG-002")
    assert item.status == ItemStatus.PUBLISHED and item.version == 1
    assert [m.requirement for m in item.materials.all()] == ["required", "tolerated"]
    stages = list(item.stages.all())
    assert [s.name for s in stages] == ["并联审查", "决定"]
    assert sorted(step.department.code for step in stages[0].steps.all()) == ["SCJGJ", "XFJYDD"]
    assert item.is_joint
    assert "yyzz" in ServiceItem.objects.get(code="441303-SCJG-001").search_pinyin


def test_second_import_of_the_same_file_adds_nothing(small_catalogue):
    do_import_catalogue(small_catalogue)
    before = _row_counts()

    summary = do_import_catalogue(small_catalogue)

    assert summary == {
        "departments_created": 0,
        "departments_updated": 0,
        "items_created": 0,
        "items_new_version": 0,
        "items_unchanged": 2,
    }
    assert _row_counts() == before


def test_changed_item_becomes_a_new_version_superseding_the_old(small_catalogue):
    do_import_catalogue(small_catalogue)
    small_catalogue["items"][1]["promised_limit_days"] = 8

    summary = do_import_catalogue(small_catalogue)

    assert summary["items_new_version"] == 1 and summary["items_unchanged"] == 1
    versions = ServiceItem.objects.filter(code="441303-SCJG-002").order_by("version")
    assert [(v.version, v.status, v.promised_limit_days) for v in versions] == [
        (1, ItemStatus.SUPERSEDED, 10),
        (2, ItemStatus.PUBLISHED, 8),
    ]
    # The old version keeps its own materials and flow: cases accepted under it still read them.
    assert versions[0].materials.count() == 2 and versions[0].stages.count() == 2


def test_import_with_errors_lists_every_error_with_its_place_and_writes_nothing(small_catalogue):
    do_import_catalogue(small_catalogue)
    before = _row_counts()
    audit_before = AuditEntry.objects.count()
    bad = small_catalogue
    bad["items"][0]["type"] = "permit"
    bad["items"][1]["promised_limit_days"] = 25
    bad["items"][1]["materials"][1]["requirement"] = "maybe"
    bad["items"][1]["stages"][0]["steps"][1]["department"] = "NOPE"
    bad["items"][1]["name"] = "改了名字也不应写入"
    bad["departments"].append(
        {"code": "NEW", "name": "新部门", "kind": "department", "parent": "MISSING"}
    )

    with pytest.raises(CatalogueError) as caught:
        do_import_catalogue(bad)

    places = {e.place for e in caught.value.errors}
    assert {
        "items[0].type",
        "items[1].promised_limit_days",
        "items[1].materials[1].requirement",
        "items[1].stages[0].steps[1].department",
        "departments[5].parent",
    } <= places
    assert _row_counts() == before
    assert AuditEntry.objects.count() == audit_before
    assert not Department.objects.filter(code="NEW").exists()


def test_flow_longer_than_the_promised_limit_is_refused(small_catalogue):
    small_catalogue["items"][1]["promised_limit_days"] = 6  # stages take 5 + 2 = 7

    with pytest.raises(CatalogueError) as caught:
        do_import_catalogue(small_catalogue)

    [error] = caught.value.errors
    assert error.place == "items[1].stages"
    assert "7" in error.message and "6" in error.message


def test_joint_item_over_45_working_days_is_refused(small_catalogue):
    small_catalogue["items"][1]["legal_limit_days"] = 60

    with pytest.raises(CatalogueError) as caught:
        do_import_catalogue(small_catalogue)

    assert [e.place for e in caught.value.errors] == ["items[1].legal_limit_days"]
    assert "45" in caught.value.errors[0].message


def test_item_without_stages_is_refused(small_catalogue):
    small_catalogue["items"][0]["stages"] = []

    with pytest.raises(CatalogueError) as caught:
        do_import_catalogue(small_catalogue)

    assert [e.place for e in caught.value.errors] == ["items[0].stages"]


def test_export_then_import_round_trips(small_catalogue, tmp_path):
    do_import_catalogue(small_catalogue)
    exported = export_catalogue()
    path = tmp_path / "catalogue.json"
    path.write_text(dump(exported, "json"), encoding="utf-8")

    reloaded = load_file(path)

    assert reloaded == exported
    assert do_import_catalogue(reloaded)["items_unchanged"] == 2


@pytest.mark.parametrize(
    ("locale", "summary"),
    [
        ("zh_CN.UTF-8", "^共 2 处错误，未导入任何内容$"),
        ("C.UTF-8", "^共 2 处错误，未导入任何内容$"),
        ("en_US.UTF-8", "^2 errors; nothing was imported$"),
    ],
)
def test_command_reports_errors_and_exit_code(
    small_catalogue, tmp_path, capsys, terminal, locale, summary
):
    terminal(locale)
    small_catalogue["items"][0]["max_visits"] = 5
    path = tmp_path / "bad.yaml"
    path.write_text(dump(small_catalogue), encoding="utf-8")

    with pytest.raises(CommandError, match=summary):
        call_command("catalogue", "import", str(path))

    errors = capsys.readouterr().err
    assert "items[0].max_visits" in errors
    # The validation messages too are in the terminal's language.
    assert bool(CJK.search(errors)) == (not locale.startswith("en"))
    assert not ServiceItem.objects.exists()


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "format: onewindow-catalogue/1\nitems:\n  - code: [unclosed\n", encoding="utf-8"
    )

    with pytest.raises(CatalogueError) as caught:
        load_file(path)

    assert caught.value.errors[0].place.startswith("broken.yaml:")


def test_command_exports_json_to_stdout(small_catalogue, capsys):
    do_import_catalogue(small_catalogue)

    call_command("catalogue", "export", "--format", "json")

    data = json.loads(capsys.readouterr().out)
    assert [i["code"] for i in data["items"]] == ["441303-SCJG-001", "441303-SCJG-002"]


@pytest.mark.skipif(not DEMO_CATALOGUE.exists(), reason="demo catalogue not written yet")
def test_demo_catalogue_imports_cleanly():
    summary = do_import_catalogue(load_file(DEMO_CATALOGUE))

    assert summary["items_created"] >= 40
    assert Department.objects.filter(kind="department").count() >= 14
