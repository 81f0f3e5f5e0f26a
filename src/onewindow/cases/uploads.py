"""Scanned materials: the type is told by the content, never by the file name, and size is capped.

The first bytes only say what a file claims to be; the whole structure is then checked, so that
an HTML page that starts with `%PDF-` is not stored as a PDF: a PDF must parse (pypdf) and have a
page, a JPEG must decode (at 1/8 scale, which still reads every byte), a PNG must pass Pillow's
chunk and CRC check up to IEND, and an OFD (GB/T 33190, a ZIP package) must list OFD.xml naming
its document, within bounds on entries and expanded size read from the ZIP directory without
expanding anything. Stored scans are served as attachments (cases.views.review).
"""

import hashlib
import io
import posixpath
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from onewindow.cases.errors import CaseActionError
from onewindow.core.text import BIDI_CONTROLS

ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/ofd": ".ofd",
}
KINDS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/ofd": "OFD",
}

# An OFD package: a page is a few entries (content, resources, annotations), so 10,000 entries
# hold thousands of pages. Its entries together may expand to 4 times the upload limit and to 100
# times the package itself: XML compresses some 10 to 20 times, scanned images not at all.
OFD_MAX_ENTRIES = 10_000
OFD_MAX_EXPANSION = 100
OFD_MAX_EXPANDED_UPLOADS = 4
OFD_MAX_ROOT_XML = 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    sha256: str
    name: str

    @property
    def size(self):
        return len(self.content)


def _size(n):
    """20 MB, 1.5 MB, 300 KB: the limit as a person reads it (Django's filesizeformat is localised)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} B"


def sniff(content):
    """The type a file claims by its first bytes; OFD (GB/T 33190) is a ZIP package holding
    OFD.xml. Whether the rest of the file lives up to it is check_structure's business."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                if _root_xml(package) is not None:
                    return "application/ofd"
        except (zipfile.BadZipFile, ValueError, OSError):
            return None  # a ZIP that does not even list its entries is no recognisable OFD
    return None


class Malformed(Exception):
    """The content is not the complete, well-formed file its first bytes announce."""


class TooExpanded(Exception):
    """A file that would expand beyond the bounds (an OFD's entries, an image's pixels); the
    message says which."""


def check_structure(content_type, content):
    """Raise Malformed (or TooExpanded for OFD) unless `content` is a whole file of its type."""
    {
        "application/pdf": _check_pdf,
        "image/jpeg": _check_jpeg,
        "image/png": _check_png,
        "application/ofd": _check_ofd,
    }[content_type](content)


def _check_pdf(content):
    from pypdf import PdfReader

    try:
        # Not strict: scanners write small flaws (xref offsets) that readers tolerate too.
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Malformed("encrypted")
        pages = len(reader.pages)
    except Malformed:
        raise
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, KeyError, RecursionError…)
        raise Malformed(str(exc)) from None
    if pages < 1:
        raise Malformed("no pages")


def _open_image(content, expected_format):
    """The image, opened (only its header read so far), or Malformed / TooExpanded."""
    pixel_limit = Image.MAX_IMAGE_PIXELS or float("inf")
    try:
        with warnings.catch_warnings():
            # Refused below with a message of our own, rather than warned about in the log.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
    except Image.DecompressionBombError:
        image = None
    except Exception as exc:  # UnidentifiedImageError, OSError…
        raise Malformed(str(exc)) from None
    if image is None or image.width * image.height > pixel_limit:
        # A few kilobytes that decode to gigabytes: a decompression bomb, not a scan.
        raise TooExpanded(_("图像超过 %(pixels)s 像素的上限") % {"pixels": f"{int(pixel_limit):,}"})
    if image.format != expected_format:
        image.close()
        raise Malformed(image.format)
    return image


def _check_jpeg(content):
    with _open_image(content, "JPEG") as image:
        try:
            # Decoding at 1/8 scale still reads the whole entropy-coded data: a truncated or
            # corrupt file fails here, at a fraction of the memory of a full decode.
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
        except Exception as exc:
            raise Malformed(str(exc)) from None


def _check_png(content):
    with _open_image(content, "PNG") as image:
        try:
            image.verify()  # every chunk's CRC, up to IEND, without decompressing the pixels
        except Exception as exc:
            raise Malformed(str(exc)) from None


def _root_xml(package):
    return next((info for info in package.infolist() if info.filename.upper() == "OFD.XML"), None)


def _check_ofd(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            entries = package.infolist()
            if len(entries) > OFD_MAX_ENTRIES:
                raise TooExpanded(
                    _("OFD 文件包含 %(count)s 个条目，超过 %(limit)s 个的上限")
                    % {"count": len(entries), "limit": OFD_MAX_ENTRIES}
                )
            # The sizes the ZIP directory declares; an entry that holds more than it declares
            # fails its CRC check when anyone expands it.
            expanded = sum(info.file_size for info in entries)
            limit = min(
                settings.ONEWINDOW_MAX_UPLOAD_BYTES * OFD_MAX_EXPANDED_UPLOADS,
                len(content) * OFD_MAX_EXPANSION,
            )
            if expanded > limit:
                raise TooExpanded(
                    _("OFD 文件解压后为 %(expanded)s，超过 %(limit)s 的上限")
                    % {"expanded": _size(expanded), "limit": _size(limit)}
                )
            names = set()
            for info in entries:
                name = info.filename
                if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                    raise Malformed(name)
                names.add(name.upper())
            root = _root_xml(package)
            if root is None or root.file_size > OFD_MAX_ROOT_XML:
                raise Malformed("OFD.xml")
            document = ElementTree.fromstring(package.read(root))
    except (TooExpanded, Malformed):
        raise
    except Exception as exc:  # BadZipFile, a bad CRC, XML that does not parse, zlib errors
        raise Malformed(str(exc)) from None
    if _local(document.tag) != "OFD":
        raise Malformed(document.tag)
    roots = [el.text.strip() for el in document.iter() if _local(el.tag) == "DocRoot" and el.text]
    if not roots:
        raise Malformed("no DocRoot")
    for path in roots:
        if posixpath.normpath(path.lstrip("/")).upper() not in names:
            raise Malformed(path)


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def safe_file_name(name, content_type, *, fallback="scan"):
    """A file name fit for Content-Disposition and for the reader's disk: no folders, no control,
    bidi or invisible characters, no characters Windows forbids, and the extension of the stored
    type (a "report.html" stored as a PDF is offered as "report.pdf")."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    kept = "".join(
        char
        for char in base
        if unicodedata.category(char)[0] != "C"
        and char not in BIDI_CONTROLS
        and char not in '<>:"/\\|?*'
    )
    stem = kept.rsplit(".", 1)[0] if "." in kept else kept
    stem = stem.strip(" .")[:100] or fallback
    return stem + ALLOWED.get(content_type, "")


def check_upload(uploaded_file, *, field="file"):
    """Read and check an uploaded file; CaseActionError 413 when too large (or when it would
    expand too much), 415 when not an allowed type or not a whole file of the type it claims."""
    limit = settings.ONEWINDOW_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise CaseActionError(
            "upload_too_large",
            _("文件超过 %(limit)s 上限") % {"limit": _size(limit)},
            status=413,
            detail=[{"type": "too_large", "loc": [field], "msg": uploaded_file.name}],
        )
    content = uploaded_file.read()
    content_type = sniff(content)
    if content_type is None:
        raise CaseActionError(
            "upload_type_not_allowed",
            _("文件内容不是 PDF、JPEG、PNG 或 OFD（按内容识别，与扩展名无关）"),
            status=415,
            detail=[{"type": "bad_content", "loc": [field], "msg": uploaded_file.name}],
        )
    try:
        check_structure(content_type, content)
    except TooExpanded as exc:
        raise CaseActionError(
            "upload_expands_too_much",
            str(exc),
            status=413,
            detail=[{"type": "too_expanded", "loc": [field], "msg": uploaded_file.name}],
        ) from None
    except Malformed:
        raise CaseActionError(
            "upload_malformed",
            _("文件开头是 %(kind)s，但内容不是完整有效的 %(kind)s 文件（可能已损坏或类型不符）")
            % {"kind": KINDS[content_type]},
            status=415,
            detail=[{"type": "malformed", "loc": [field], "msg": uploaded_file.name}],
        ) from None
    return CheckedUpload(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        name=safe_file_name(uploaded_file.name, content_type),
    )
