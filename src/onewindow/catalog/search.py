"""Search keys for the service guide: pinyin initials and full pinyin of names and keywords.

`yyzz` finds 营业执照 items. Keys are computed when a version is published or imported and stored on
the row (search_pinyin), so a search is a plain indexed-free LIKE over a short column.
"""

import re

_HAN = re.compile(r"[\u4e00-\u9fff]+")


def pinyin_keys(*texts):
    """Space-separated initials and full pinyin for every run of Chinese characters in texts."""
    # Imported here: pypinyin's dictionaries cost ~250 ms, which every CLI call would pay otherwise.
    from pypinyin import Style, lazy_pinyin

    keys = []
    for text in texts:
        for run in _HAN.findall(text or ""):
            initials = "".join(lazy_pinyin(run, style=Style.FIRST_LETTER))
            full = "".join(lazy_pinyin(run))
            keys.extend([initials, full])
    seen = dict.fromkeys(k.lower() for k in keys if k)
    return " ".join(seen)[:600]


def normalise_query(text):
    """Trim and collapse whitespace; lower-case Latin letters so `YYZZ` finds `yyzz`."""
    return " ".join((text or "").split()).lower()
