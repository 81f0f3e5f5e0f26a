"""Masking identities in logs: an 11-digit mobile number, an 18-character resident ID number or
unified social credit code never reaches a log in clear, whoever logs it (the handler's filter in
settings.LOGGING rewrites every record that passes through it)."""

import logging
import re

from onewindow.core.identity import mask_id, mask_phone

# Not part of a longer run of digits or letters: an order number or a hash is left alone.
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
# Resident ID (17 digits and a digit or X) and credit codes (GB 32100: digits and capitals
# without I, O, S, V, Z), 18 characters. A credit code always has a digit in its first two.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10})"
    r"(?![0-9A-Za-z])"
)


def mask_identities(text):
    """`text` with every mobile number and ID number / credit code masked."""
    text = ID_NUMBER.sub(lambda m: mask_id(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


class MaskIdentities(logging.Filter):
    """Rewrites a record's message (and the text of its exception) with identities masked."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_identities(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identities(record.exc_text)
        return True
