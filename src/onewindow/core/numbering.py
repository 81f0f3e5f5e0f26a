"""Gap-free counters for case numbers and decision numbers, as statements of a core.batch.Batch.

The counter row is created or incremented by one upsert inside the action's transaction: on
PostgreSQL the row lock serialises concurrent intakes, on SQLite the IMMEDIATE transaction does. Two
clerks never get the same number, and a rolled-back action gives its number back. The number is
then read by a subquery of the statement that stores it, so no round trip is spent on it.
"""

from onewindow.core.batch import Sql

# INSERT … ON CONFLICT DO UPDATE (PostgreSQL; SQLite ≥ 3.35): concurrent first numbers of a day need
# no retry: the loser of the INSERT race waits for the winner's row and then increments it.
# (SQLite needs the WHERE to read ON CONFLICT as the upsert clause, not as part of the SELECT.)
_UPSERT = (
    'INSERT INTO core_numbersequence ("key", last_value) SELECT {key}, 1 WHERE true '
    'ON CONFLICT ("key") DO UPDATE SET last_value = core_numbersequence.last_value + 1'
)
CASE_SEQUENCE_LIMIT = 999_999


def _increment(batch, key, *, limit=None):
    """Create or increment the counter named by `key` (a Sql expression); return its value as Sql.
    Past `limit` the batch stops with `numbers_exhausted`."""
    value = Sql(
        f'(SELECT last_value FROM core_numbersequence WHERE "key" = {key.text})', key.params
    )
    check = None
    if limit is not None:
        # The counter row's new value (RETURNING sees the row as written).
        check = Sql("CASE WHEN last_value > %s THEN 'numbers_exhausted' ELSE '' END", (limit,))
    batch.execute(_UPSERT.format(key=key.text), key.params, then_check=check)
    return value


def case_number(batch, region_code, day):
    """441303 + 20261125 + 000017: region code, date, 6-digit daily sequence (as Sql)."""
    value = _increment(batch, Sql("%s", (f"case:{day:%Y%m%d}",)), limit=CASE_SEQUENCE_LIMIT)
    # 1000000 + 17 = "1000017": the last six characters are the zero-padded sequence.
    return Sql(
        f"%s || substr(CAST(1000000 + {value.text} AS TEXT), 2)",
        (f"{region_code}{day:%Y%m%d}", *value.params),
    )


def decision_number(batch, department_code, year):
    """SCJGJ〔2026〕17号: per issuing department and year, as Chinese official documents are
    numbered. `department_code` is a Sql expression (read in the same statement)."""
    code = department_code
    value = _increment(
        batch, Sql(f"'decision:' || {code.text} || ':' || %s", (*code.params, str(year)))
    )
    return Sql(
        f"{code.text} || '〔' || %s || '〕' || CAST({value.text} AS TEXT) || '号'",
        (*code.params, str(year), *value.params),
    )


def next_value(key):
    """The next value of the counter `key`, for ORM actions outside a Batch: the same upsert, one
    statement, RETURNING the value it wrote. Call it inside the action's transaction: the counter
    row stays locked (PostgreSQL) until commit, so concurrent callers queue and never share a
    value, and a rollback gives the value back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(key="%s") + " RETURNING last_value", [key])
        return cursor.fetchone()[0]


def certificate_number(department_code, year):
    """SCJGJ-2026-000017: per issuing department and year; typed on the verification page, so
    only letters, digits and dashes."""
    value = next_value(f"certificate:{department_code}:{year}")
    return f"{department_code}-{year}-{value:06d}"
