"""Scans attached to an intake form that comes back for a correction (cases.models.uploads).

The window's intake page sends scans and fields in one POST; when a field fails validation, the
browser cannot refill a file input, so the scans that passed their checks are kept here, keyed to
the form's token and the clerk, and used by the corrected submission. The intake that succeeds
copies them into its checklist and deletes them (in its own transaction); forms abandoned at the
counter leave rows that the periodic purge deletes after ONEWINDOW_PENDING_UPLOAD_HOURS.

No audit row: nothing about a case changes here; the intake that uses a scan is audited and keeps
its SHA-256.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from onewindow.cases.models import PendingUpload
from onewindow.cases.uploads import ALLOWED, CheckedUpload

# The tokens the window pages put in their forms (uuid4().hex); anything else keeps nothing.
FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


def form_token(value):
    """The form's token when it is one the pages issue, else None."""
    value = (value or "").strip()
    return value if FORM_TOKEN.fullmatch(value) else None


def _storage():
    return PendingUpload._meta.get_field("file").storage


def _delete_files_on_commit(names):
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [_storage().delete(name) for name in names])


def do_keep_pending_uploads(*, user, token, uploads, removed=()):
    """Keep `uploads` ({material id: CheckedUpload}) for the form `token` of `user`, replacing a
    scan kept earlier for the same material; forget the kept scans of the material ids in
    `removed` (the clerk's “移除”). Returns {material id: PendingUpload} of what is now kept."""
    now = timezone.now()
    field = PendingUpload._meta.get_field("file")
    written = []
    try:
        with transaction.atomic():
            mine = PendingUpload.objects.select_for_update().filter(user=user, form_token=token)
            gone = mine.filter(material_id__in=[*removed, *uploads])
            _delete_files_on_commit(gone.values_list("file", flat=True))
            gone.delete()
            for material_id, upload in uploads.items():
                name = field.generate_filename(
                    None, f"{uuid.uuid4().hex}{ALLOWED.get(upload.content_type, '')}"
                )
                written.append(field.storage.save(name, ContentFile(upload.content)))
                PendingUpload.objects.create(
                    user=user,
                    form_token=token,
                    material_id=material_id,
                    file=written[-1],
                    file_name=upload.name[:200],
                    content_type=upload.content_type,
                    sha256=upload.sha256,
                    created_at=now,
                )
            kept = {row.material_id: row for row in mine.order_by("id")}
    except Exception:
        for name in written:  # the rows that would have named them are rolled back
            field.storage.delete(name)
        raise
    return kept


def do_use_pending_uploads(*, user, token, removed=()):
    """The kept scans of the form, as CheckedUploads by material id (but those of the material ids
    in `removed`), all deleted in the caller's transaction (their files once it commits): the
    intake now holds copies."""
    rows = list(PendingUpload.objects.filter(user=user, form_token=token).order_by("id"))
    uploads = {}
    for row in rows:
        if row.material_id in removed:
            continue
        with row.file.open("rb") as stored:
            content = stored.read()
        uploads[row.material_id] = CheckedUpload(
            content=content, content_type=row.content_type, sha256=row.sha256, name=row.file_name
        )
    _delete_files_on_commit([row.file.name for row in rows])
    PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return uploads


def do_purge_pending_uploads(*, now=None):
    """Delete the scans of forms abandoned longer than ONEWINDOW_PENDING_UPLOAD_HOURS ago, with
    their files. Safe to run twice or in two workers: a row deleted by the other one is skipped.
    Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ONEWINDOW_PENDING_UPLOAD_HOURS)
    expired = PendingUpload.objects.filter(created_at__lt=cutoff)
    count = 0
    for pk, name in expired.values_list("pk", "file").iterator():
        # Only the worker whose DELETE removed the row deletes the file.
        if PendingUpload.objects.filter(pk=pk).delete()[0]:
            _storage().delete(name)
            count += 1
    return count
