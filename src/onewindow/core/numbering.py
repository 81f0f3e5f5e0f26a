"""Gap-free counters for case numbers and decision numbers.

The counter row is created or incremented by one upsert inside the caller's transaction: on
PostgreSQL the row lock serialises concurrent intakes, on SQLite the IMMEDIATE transaction does. Two
clerks never get the same number, and a rolled-back intake gives its number back.
"""

from django.db import connection

from onewindow.core.models import NumberSequence

# INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL; SQLite ≥ 3.35): one round trip instead of
# UPDATE, SELECT and, on the first number of a day, a savepoint around the INSERT. Concurrent first
# numbers of a day need no retry either: the loser of the INSERT race waits and then updates.
_UPSERT = (
    "INSERT INTO {table} ({key}, {value}) VALUES (%s, 1) "
    "ON CONFLICT ({key}) DO UPDATE SET {value} = {table}.{value} + 1 "
    "RETURNING {value}"
)


def next_value(key):
    """The next value (1, 2, …) of the counter named `key`, e.g. "case:20261125"."""
    quote = connection.ops.quote_name
    sql = _UPSERT.format(
        table=quote(NumberSequence._meta.db_table),
        key=quote(NumberSequence._meta.get_field("key").column),
        value=quote(NumberSequence._meta.get_field("last_value").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        return cursor.fetchone()[0]


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
