"""Periodic work of the case engine."""

from datetime import date

from django_tasks import task

from onewindow.core.scheduler import periodic


@periodic(every_seconds=15 * 60)
@task()
def refresh_supervision_colours(on=None):
    """Turn cases and tasks yellow or red as their deadlines come near or pass, then send staff
    their grouped notices (at most one per recipient per ONEWINDOW_COLOUR_NOTICE_MINUTES).

    `on` (an ISO date) recolours as of that day, e.g. to catch up after an outage; by default
    today. Safe to run twice or in two workers at once: the action only touches rows whose colour
    actually changes, and skips rows another worker holds; each recipient's notice is claimed.
    The notices are sent after the recolouring has committed, in transactions of their own.
    """
    from onewindow.cases.actions import do_refresh_colours, do_send_colour_notices

    changed = do_refresh_colours(on=date.fromisoformat(on) if on else None)
    return {**changed, "notices": do_send_colour_notices()}


@periodic(every_seconds=60 * 60)
@task()
def purge_pending_uploads():
    """Delete the scans kept for intake forms that were abandoned (cases.actions.pending)."""
    from onewindow.cases.actions.pending import do_purge_pending_uploads

    return do_purge_pending_uploads()
