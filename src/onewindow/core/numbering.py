"""Gap-free counters for case numbers and decision numbers.

The counter row is incremented with an UPDATE inside the caller's transaction: on PostgreSQL the row
lock serialises concurrent intakes, on SQLite the IMMEDIATE transaction does. Two clerks never get
the same number, and a rolled-back intake gives its number back.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from onewindow.core.models import NumberSequence


def next_value(key):
    """The next value (1, 2, …) of the counter named `key`, e.g. "case:20261125"."""
    updated = NumberSequence.objects.filter(key=key).update(last_value=F("last_value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, last_value=1)
                return 1
        except IntegrityError:
            # Another transaction created the row first; take the next value after its.
            NumberSequence.objects.filter(key=key).update(last_value=F("last_value") + 1)
    return NumberSequence.objects.values_list("last_value", flat=True).get(key=key)


def case_number(region_code, day):
    """441303 + 20261125 + 000017: region code, date, 6-digit daily sequence."""
    value = next_value(f"case:{day:%Y%m%d}")
    if value > 999_999:
        raise OverflowError(f"more than 999,999 cases on {day}")
    return f"{region_code}{day:%Y%m%d}{value:06d}"


def decision_number(department_code, year):
    """SCJGJ〔2026〕17号: per issuing department and year, as Chinese official documents are numbered."""
    value = next_value(f"decision:{department_code}:{year}")
    return f"{department_code}〔{year}〕{value}号"
