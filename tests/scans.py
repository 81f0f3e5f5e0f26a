"""Real, small files of every type intake accepts, built by the same libraries that check them
(pypdf, Pillow, zipfile), for tests that upload scans."""

import io
import zipfile
from functools import cache

from PIL import Image
from pypdf import PdfWriter

OFD_NS = "http://www.ofdspec.org/2016"
OFD_XML = (
    f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" '
    'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)
DOCUMENT_XML = (
    f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
    "<ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData></ofd:Document>"
)


@cache
def pdf(width=595):
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind, size=(16, 16)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, kind)
    return out.getvalue()


@cache
def jpeg():
    return image("JPEG")


@cache
def png():
    return image("PNG")


def ofd(entries=None, *, root=OFD_XML):
    """An OFD package: OFD.xml naming Doc_0/Document.xml, plus `entries` {name: bytes}."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        if root is not None:
            package.writestr("OFD.xml", root)
        package.writestr("Doc_0/Document.xml", DOCUMENT_XML)
        for name, content in (entries or {}).items():
            package.writestr(name, content)
    return out.getvalue()
