"""HTML → PDF for result documents, with everything that does not depend on the document built
once per process.

WeasyPrint spends most of a certificate's time on things that are the same for every document:
parsing the stylesheet, building the font configuration, and subsetting the CJK font, whose
system file holds 65,000 glyphs (the subsetter walks all of them for every PDF). So:

- the document font is a subset of Noto Serif CJK SC to the GB 2312 characters, ASCII and CJK
  punctuation (7,600 glyphs), built once with fontTools into ONEWINDOW_VAR_DIR/cache/ and reused
  by every process; a character outside it (a rare name) falls back to the system Noto font;
- the stylesheet (delivery/documents/document.css) is parsed once, with one FontConfiguration;
- the caller caches the seal per department (seal.py).

docs/performance.md has the measurements.
"""

import atexit
import hashlib
import logging
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

SOURCE_FAMILY = "Noto Serif CJK SC"
# The subset keeps the name of its source (the PDF's font list says what is embedded).
FONT_FAMILY = "Noto Serif CJK SC GB2312"
# Bump when the character set below changes: the cached file's name carries it.
CHARSET_VERSION = 1


def _charset():
    """GB 2312 (the 6,763 characters of everyday names and texts), ASCII, CJK punctuation."""
    chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFF60))
    chars |= {0xB7, 0xD7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2116, 0x2605}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def _source_font():
    """(path, index in the collection) of the system's Noto Serif CJK SC, or None."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", SOURCE_FAMILY],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(found) != 2 or "NotoSerifCJK" not in found[0]:
        return None
    return found[0], int(found[1] or 0)


def _build(source, index, target):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=index, lazy=True)
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_charset())
    subsetter.subset(font)
    # Written beside the target and renamed: a process reading the cache never sees half a file.
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(descriptor)
    font.save(temporary)
    os.replace(temporary, target)


@lru_cache(maxsize=1)
def document_font():
    """The path of the subset document font, built on first use (about 10 s, once per machine),
    or None when the system font is missing (the documents then use the system font as is)."""
    source = _source_font()
    if source is None:
        logger.warning("documents: %s not found; PDFs embed the system font", SOURCE_FAMILY)
        return None
    path, index = source
    stamp = f"{path}:{index}:{os.stat(path).st_mtime_ns}:{CHARSET_VERSION}"
    name = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    target = Path(settings.VAR_DIR) / "cache" / f"document-font-{name}.otf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _build(path, index, target)
    return target


@lru_cache(maxsize=1)
def _styles():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    font = document_font()
    css = render_to_string(
        "delivery/documents/document.css",
        {"font_url": font.as_uri() if font else "", "family": FONT_FAMILY},
    )
    return font_config, CSS(string=css, font_config=font_config)


# FontConfiguration's finaliser calls into fontconfig: dropped while the interpreter still runs.
atexit.register(_styles.cache_clear)


def write_pdf(html, attachments=()):
    """The PDF (bytes) of `html` with the shared stylesheet and font configuration."""
    from weasyprint import HTML

    font_config, stylesheet = _styles()
    return HTML(string=html).write_pdf(
        stylesheets=[stylesheet], font_config=font_config, attachments=list(attachments)
    )


def warm_up():
    """Load WeasyPrint, the font configuration, the stylesheet and the document font before the
    first certificate (about a second a process spends once): a worker calls it when it starts."""
    write_pdf(f'<p style="font-family: \'{FONT_FAMILY}\'">预热 warm-up</p>')
