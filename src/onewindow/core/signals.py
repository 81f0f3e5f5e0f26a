"""Keep the cached working-day calendar in step with the calendar tables."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from onewindow.core import workdays
from onewindow.core.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="workdays_day_changed")
@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="workdays_year_changed")
def calendar_changed(sender, using=None, **kwargs):
    # Now, so that this process sees its own change at once; and again on commit, because another
    # thread may have reloaded the old rows between the save and the commit.
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate, using=using)
