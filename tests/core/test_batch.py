"""core.batch: statements that run as one transaction, in one round trip on PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from onewindow.core.batch import Batch, CheckFailed, Sql
from onewindow.core.models import NumberSequence

pytestmark = pytest.mark.django_db

UPSERT = (
    'INSERT INTO core_numbersequence ("key", last_value) VALUES (%s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET last_value = core_numbersequence.last_value + 1'
)


def test_a_failed_check_rolls_back_what_came_before_it():
    batch = Batch()
    batch.execute(UPSERT, ["b:1", 5])
    batch.check(
        'CASE WHEN (SELECT last_value FROM core_numbersequence WHERE "key" = %s) > %s '
        "THEN 'too_high' ELSE '' END",
        ["b:1", 3],
    )
    batch.execute(UPSERT, ["b:2", 1])

    with pytest.raises(CheckFailed) as failed:
        batch.run()

    assert failed.value.code == "too_high"
    assert not NumberSequence.objects.filter(key__startswith="b:").exists()


def test_a_passing_batch_writes_everything_and_returns_rows():
    batch = Batch()
    batch.execute(UPSERT, ["b:3", 1])
    batch.check("CASE WHEN 1 = 2 THEN 'never' ELSE '' END")
    index = batch.fetch(
        'UPDATE core_numbersequence SET last_value = last_value + %s WHERE "key" = %s '
        "RETURNING last_value",
        [10, "b:3"],
    )

    results = batch.run()

    assert results[index] == [(11,)]
    assert NumberSequence.objects.get(key="b:3").last_value == 11


def test_a_ref_is_the_id_the_batch_just_inserted():
    batch = Batch()
    ref = batch.insert_row(NumberSequence, {"key": "b:4", "last_value": 7}, returning_id=True)
    batch.execute('UPDATE core_numbersequence SET "key" = %s WHERE id = %s', ["b:4-renamed", ref])
    batch.insert_row(
        NumberSequence,
        {"key": Sql("%s || CAST(n.last_value AS TEXT)", ("b:copy-",)), "last_value": 1},
        source=Sql("FROM core_numbersequence n WHERE n.id = %s", (ref,)),
    )

    results = batch.run()

    renamed = NumberSequence.objects.get(pk=results[ref.index])
    assert renamed.key == "b:4-renamed"
    assert NumberSequence.objects.filter(key="b:copy-7").exists()


def test_inside_a_transaction_a_failed_batch_leaves_the_transaction_usable():
    with transaction.atomic():
        NumberSequence.objects.create(key="b:outer", last_value=1)
        batch = Batch()
        batch.execute(UPSERT, ["b:inner", 1])
        batch.check("'always'")
        with pytest.raises(CheckFailed):
            batch.run()
        # The caller's own write stands and the connection still answers.
        NumberSequence.objects.create(key="b:after", last_value=1)

    assert set(
        NumberSequence.objects.filter(key__startswith="b:").values_list("key", flat=True)
    ) == {
        "b:outer",
        "b:after",
    }


@pytest.mark.parametrize(
    "text", ["O'Brien", "C:\\temp\\new", "';DROP TABLE core_numbersequence;--", "同意，请补正%s"]
)
def test_text_arrives_as_it_was_given(text):
    batch = Batch()
    batch.insert_row(NumberSequence, {"key": text, "last_value": 1})
    batch.run()

    assert NumberSequence.objects.get(key=text).last_value == 1


def test_a_value_for_an_unknown_field_is_an_error_before_anything_runs():
    with pytest.raises(ValueError, match="no fields"):
        Batch().insert_row(NumberSequence, {"key": "b:5", "colour": "red"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's one-query form")
def test_on_postgresql_a_batch_is_one_query_of_prepared_statements():
    sql = UPSERT + " /* a text no other test sends */"

    def run():
        batch = Batch()
        batch.execute(sql, ["b:6", 1])
        batch.execute(sql, ["b:6", 1])
        with CaptureQueriesContext(connection) as captured:
            batch.run()
        return [q["sql"] for q in captured.captured_queries]

    first, second = run(), run()

    assert len(first) == len(second) == 1
    assert first[0].count("PREPARE ") == 1 and first[0].count("EXECUTE ") == 2
    assert "PREPARE " not in second[0]  # prepared once per connection
    assert NumberSequence.objects.get(key="b:6").last_value == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_statements_dropped_by_the_server_are_prepared_again():
    sql = UPSERT + " /* dropped and prepared again */"
    first = Batch()
    first.execute(sql, ["b:7", 1])
    first.run()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a connection pooler's DISCARD ALL does

    again = Batch()
    again.execute(sql, ["b:7", 1])
    again.run()

    assert NumberSequence.objects.get(key="b:7").last_value == 2


def test_statements_alongside_each_other_all_run_and_return_the_last_rows():
    batch = Batch()
    batch.execute(UPSERT + " /* alongside 1 */", ["b:8", 1])
    batch.execute(UPSERT + " /* alongside 2 */", ["b:9", 1], alongside=True)
    rows = batch.fetch(
        'UPDATE core_numbersequence SET last_value = 5 WHERE "key" = %s RETURNING "key"',
        ["b:10-missing"],
        alongside=True,
    )
    with CaptureQueriesContext(connection) as captured:
        results = batch.run()

    assert results[rows] == []
    assert set(
        NumberSequence.objects.filter(key__in=["b:8", "b:9"]).values_list("key", flat=True)
    ) == {
        "b:8",
        "b:9",
    }
    if connection.vendor == "postgresql":
        # One statement: the first two as WITH parts of the third.
        assert (
            len(batch.statements) == 1 and captured.captured_queries[0]["sql"].count("EXECUTE") == 1
        )
    else:
        assert len(batch.statements) == 3
