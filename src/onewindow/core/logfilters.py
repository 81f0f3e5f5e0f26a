"""Log filters of settings.LOGGING besides the masking of identities (core/logmask.py)."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalInOneLine(logging.Filter):
    """A 403 is a refusal, not an error: Django logs a PermissionDenied with its traceback
    (`django.request`, “Forbidden (Permission denied)”), which buried the real errors of the log
    under dozens of lines per refused click. Keep the one line (path, status, at WARNING) and
    drop the traceback."""

    def filter(self, record):
        refused = getattr(record, "status_code", None) == 403 or (
            record.exc_info and isinstance(record.exc_info[1], PermissionDenied)
        )
        if refused:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
