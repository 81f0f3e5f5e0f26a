"""Uploads are checked whole, not by their first bytes (issue 9, §3): an HTML page that starts
with `%PDF-` is refused, as are truncated images and OFD packages that expand too much; stored
scans are served as attachments with their stored type and a safe name."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases import uploads
from onewindow.cases.models import Case, CaseMaterial
from onewindow.cases.uploads import safe_file_name
from tests import scans
from tests.cases.test_api_intake import material_id, statuses
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>document.location='https://evil.example/'</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def api(client, clerk):
    return ApiClient(client).as_user(clerk)


def scan_url(case, item):
    return f"/api/cases/{case.pk}/materials/{material_id(item, '营业执照')}/scan"


def stored_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height):
    """A PNG header that announces `width` × `height` pixels over a tiny body."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("OFD.xml", scans.OFD_XML)
        package.writestr("Doc_0/Document.xml", scans.DOCUMENT_XML)
        for n in range(uploads.OFD_MAX_ENTRIES):
            package.writestr(f"Doc_0/Res/{n}", b"")
    return out.getvalue()


MALFORMED = [
    ("html.pdf", b"%PDF-1.4\n" + HTML, "PDF"),
    ("html-with-eof.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", "PDF"),
    ("half.pdf", scans.pdf()[: len(scans.pdf()) // 2], "PDF"),
    ("half.jpg", scans.jpeg()[: len(scans.jpeg()) // 2], "JPEG"),
    ("html.jpg", b"\xff\xd8\xff" + HTML, "JPEG"),
    ("html.png", b"\x89PNG\r\n\x1a\n" + HTML, "PNG"),
    ("bad-crc.png", scans.png()[:-5] + b"\x00" + scans.png()[-4:], "PNG"),
    (
        "no-docroot.ofd",
        scans.ofd(root=scans.OFD_XML.replace("Doc_0/Document.xml", "Doc_9/x.xml")),
        "OFD",
    ),
    ("html-root.ofd", scans.ofd(root=HTML.decode()), "OFD"),
    ("escaping.ofd", scans.ofd({"../../etc/cron.d/x": b"* * * * * root sh"}), "OFD"),
]


@pytest.mark.parametrize(("name", "content", "kind"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_file_that_is_not_what_its_first_bytes_claim_is_refused(
    api, receive, joint_item, media, name, content, kind
):
    case = receive(except_names=["营业执照"])
    before = statuses(case.pk)

    response = api.upload(scan_url(case, joint_item), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 415
    message = f"文件开头是 {kind}，但内容不是完整有效的 {kind} 文件（可能已损坏或类型不符）"
    assert response.json() == {
        "code": "upload_malformed",
        "message": message,
        "detail": [{"type": "malformed", "loc": ["file"], "msg": name}],
    }
    assert statuses(case.pk) == before
    assert not stored_files(media)


def test_the_refusal_is_in_english_for_an_english_reader(api, receive, joint_item):
    case = receive(except_names=["营业执照"])

    response = api.upload(
        scan_url(case, joint_item),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7\n" + HTML)},
        **{"Accept-Language": "en"},
    )

    assert response.status_code == 415
    assert response.json()["message"] == (
        "The file starts like a PDF file but is not a complete, valid PDF file "
        "(damaged, or of another type)"
    )


EXPANDING = [
    (
        "bomb.ofd",
        scans.ofd({"Doc_0/Pages/Page_0/Content.xml": b"<a/>" + b" " * (30 * 1024 * 1024)}),
        "OFD 文件解压后为 30 MB，超过 {limit} 的上限",
    ),
    ("entries.ofd", too_many_entries(), "OFD 文件包含 10002 个条目，超过 10000 个的上限"),
    ("giant.png", png_claiming(100_000, 100_000), "图像超过 89,478,485 像素的上限"),
]


@pytest.mark.parametrize(("name", "content", "message"), EXPANDING, ids=[e[0] for e in EXPANDING])
def test_a_file_that_would_expand_too_much_is_refused_without_expanding_it(
    api, receive, joint_item, media, name, content, message
):
    case = receive(except_names=["营业执照"])
    before = statuses(case.pk)
    if "{limit}" in message:
        # 100 times the package, which is far below 4 times the upload limit here.
        message = message.format(limit=uploads._size(len(content) * uploads.OFD_MAX_EXPANSION))

    response = api.upload(scan_url(case, joint_item), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 413
    assert response.json() == {
        "code": "upload_expands_too_much",
        "message": message,
        "detail": [{"type": "too_expanded", "loc": ["file"], "msg": name}],
    }
    assert statuses(case.pk) == before
    assert not stored_files(media)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.pdf", scans.pdf(), "application/pdf"),
        ("licence.jpg", scans.jpeg(), "image/jpeg"),
        ("licence.png", scans.png(), "image/png"),
        ("licence.ofd", scans.ofd(), "application/ofd"),
    ],
)
def test_whole_files_of_every_allowed_type_are_stored(
    api, receive, joint_item, name, content, content_type
):
    case = receive(except_names=["营业执照"])

    response = api.upload(scan_url(case, joint_item), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert response.json()["scan"]["content_type"] == content_type
    row = CaseMaterial.objects.get(case=case, material__name="营业执照")
    assert row.file.read() == content


def test_the_window_page_refuses_an_html_page_posing_as_a_pdf(client, clerk, joint_item, media):
    from tests.cases.test_window_pages import intake_data, materials

    client.force_login(clerk)
    licence = materials(joint_item)["营业执照"]
    data = intake_data(joint_item)
    data[f"m{licence.pk}-scan"] = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.7\n" + HTML)

    response = client.post("/window/", data)

    assert response.status_code == 415
    page = response.content.decode()
    error = "文件开头是 PDF，但内容不是完整有效的 PDF 文件（可能已损坏或类型不符）"
    assert page.rindex(error) > page.index(f'name="m{licence.pk}-scan"')
    assert not Case.objects.exists() and not stored_files(media)


# --- serving stored scans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("营业执照.pdf", "application/pdf", "营业执照.pdf"),
        ("report.html", "application/pdf", "report.pdf"),
        ("C:\\Users\\li\\scan.JPG", "image/jpeg", "scan.jpg"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("invoice\u202efdp.exe", "application/pdf", "invoicefdp.pdf"),
        ('a"b\r\nSet-Cookie: x=1.png', "image/png", "abSet-Cookie x=1.png"),
        ("\u200b.ofd", "application/ofd", "scan.ofd"),
        ("", "application/pdf", "scan.pdf"),
        ("no-type", None, "no-type"),
    ],
)
def test_a_stored_name_becomes_a_safe_one_with_the_stored_types_extension(name, content_type, safe):
    assert safe_file_name(name, content_type) == safe


def test_a_scan_is_served_as_an_attachment_with_its_type_and_a_safe_name(
    client, clerk, receive, joint_item
):
    case = receive(except_names=["营业执照"])
    ApiClient(client).as_user(clerk).upload(
        scan_url(case, joint_item), {"file": SimpleUploadedFile("x.pdf", scans.png())}
    )
    row = CaseMaterial.objects.get(case=case, material__name="营业执照")
    # A name stored before names were cleaned at upload.
    CaseMaterial.objects.filter(pk=row.pk).update(file_name="scan\u202egnp.html\r\n")

    response = client.get(reverse("cases:inbox_material", args=[row.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="scangnp.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == scans.png()
