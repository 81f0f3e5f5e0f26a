"""Scanned materials: the type is told by the content, never by the file name, and size is capped."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings

from onewindow.cases.errors import CaseActionError

ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/ofd": ".ofd",
}


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
    """The content type by magic bytes; OFD (GB/T 33190) is a ZIP package holding OFD.xml."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        import io

        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                if any(name.upper() == "OFD.XML" for name in package.namelist()):
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def check_upload(uploaded_file, *, field="file"):
    """Read and check an uploaded file; CaseActionError 413 when too large, 415 when not allowed."""
    limit = settings.ONEWINDOW_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise CaseActionError(
            "upload_too_large",
            f"文件超过 {_size(limit)} 上限 / File exceeds the {_size(limit)} limit",
            status=413,
            detail=[{"type": "too_large", "loc": [field], "msg": uploaded_file.name}],
        )
    content = uploaded_file.read()
    content_type = sniff(content)
    if content_type is None:
        raise CaseActionError(
            "upload_type_not_allowed",
            "文件内容不是 PDF、JPEG、PNG 或 OFD（按内容识别，与扩展名无关） / "
            "File content is not PDF, JPEG, PNG or OFD (checked by content, not by name)",
            status=415,
            detail=[{"type": "bad_content", "loc": [field], "msg": uploaded_file.name}],
        )
    return CheckedUpload(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        name=uploaded_file.name[:200],
    )
