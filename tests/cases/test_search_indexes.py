"""Each kind of search key is looked up through an index: the query's expressions are the very
ones the indexes are built on (bench/search.py measures them over a million cases)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import search
from onewindow.cases.models import Case

pytestmark = pytest.mark.django_db


def _index(name):
    return next(index for index in Case._meta.indexes if index.name == name)


def test_the_indexes_are_built_on_the_searched_expressions():
    assert _index("case_phone_key").expressions == (search.PHONE_KEY,)
    assert _index("case_name_id_tail").expressions[1] == search.ID_TAIL


def _plan(user, q):
    with CaptureQueriesContext(connection) as captured:
        search.search(user, q)
    (sql,) = [query["sql"] for query in captured.captured_queries if "cases_case" in query["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows: without this the planner rightly prefers reading the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("0752-3388123", "case_phone_key"),
        ("13800138000", "case_phone_key"),
        ("李明 002x", "case_name_id_tail"),
        ("110105 19491231 002x", "applicant_id_number"),
    ],
)
def test_the_expression_lookups_use_their_index(clerk, world, q, index):
    assert index in _plan(clerk, q)


def test_a_pickup_code_is_found_through_the_waiting_codes_index(clerk, world):
    assert "pickup_waiting_lookup" in _plan(clerk, world["code"])
