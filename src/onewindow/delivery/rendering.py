"""The document font, prepared once: a subset of Noto Serif CJK SC to the GB 2312 characters,
ASCII and CJK punctuation (7,600 glyphs instead of 65,000), built with fontTools into
ONEWINDOW_VAR_DIR/cache/ on first use (about 10 s, once per machine) and loaded once per process.
Subsetting it for each document takes HarfBuzz about 5 ms; subsetting the system font took 35 ms.
A document with a character outside it (a rare name) is drawn with the full system font.

docs/performance.md has the measurements.
"""

import hashlib
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SOURCE_FAMILY = "Noto Serif CJK SC"
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
    """(path, index in the collection) of the system's Noto Serif CJK SC."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", SOURCE_FAMILY],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        found = []
    if len(found) != 2 or "NotoSerifCJK" not in found[0]:
        raise RuntimeError(f"{SOURCE_FAMILY} is not installed (apt-get install fonts-noto-cjk)")
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
    """The path of the subset document font, built on first use."""
    path, index = _source_font()
    stamp = f"{path}:{index}:{os.stat(path).st_mtime_ns}:{CHARSET_VERSION}"
    name = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    target = Path(settings.VAR_DIR) / "cache" / f"document-font-{name}.otf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _build(path, index, target)
    return target


@lru_cache(maxsize=1)
def subset_font():
    """The subset as a pdfdraw.Font, loaded once per process."""
    from onewindow.delivery.pdfdraw import Font

    return Font(str(document_font()))


@lru_cache(maxsize=1)
def full_font():
    """The whole system font, for the rare document the subset cannot write (loaded on demand:
    it takes a second and 30 MB)."""
    from onewindow.delivery.pdfdraw import Font

    path, index = _source_font()
    return Font(path, index)


def warm_up():
    """Load the document font before the first certificate (a fraction of a second a process
    spends once; the first call on a machine also builds the subset): a benchmark or a worker
    calls it when it starts."""
    subset_font()
