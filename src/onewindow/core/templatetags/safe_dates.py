"""`{{ value|safe_date:"Y-m-d H:i" }}`: Django's `date` filter for values that came from outside.

The `date` filter converts an aware datetime to the local time zone first; a stored time at the
edge of the calendar (a courier event dated 9999-12-31 23:00 UTC is 10000-01-01 in Shanghai)
raises OverflowError there and takes the whole page down. This filter shows such a value in UTC
instead, so that a page always renders whatever a partner once sent.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

register = template.Library()


@register.filter(expects_localtime=False, is_safe=False)
def safe_date(value, arg=None):
    if value in (None, ""):
        return ""
    try:
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    except (OverflowError, ValueError):
        pass  # outside the local calendar: shown as stored, in UTC
    return date_filter(value, arg)
