"""One-round-trip transactions for the hot actions (see docs/cases.md, "The fast write path").

A Batch is a list of SQL statements that runs as one transaction. On PostgreSQL the whole list
goes to the server as one multi-statement query (the simple query protocol; each statement an
EXECUTE of a statement prepared on that connection, with its arguments as literals), which the
server runs as one implicit transaction: one network round trip and one commit for the action,
where the ORM needs one round trip per statement plus BEGIN and COMMIT. On SQLite the
statements run one after another inside transaction.atomic() (an IMMEDIATE transaction: the write
lock is taken at BEGIN), which costs little because SQLite is in the process.

Because Python sees no result before the end, statements depend on each other in SQL only:
subqueries, conditions, and `Ref`s (the id of the row an earlier statement of the batch inserted).
Under READ COMMITTED each statement takes a fresh snapshot, so a statement placed after a
`SELECT … FOR UPDATE` sees everything the previous holder of that lock committed.

A check is a SQL expression that gives '' (or NULL) when all is well and a problem code otherwise;
the first check that fails rolls the whole batch back and raises `CheckFailed(code)`, which the
action turns into its error (the error path may then read more, for a precise message).

Inside an enclosing atomic block (a caller's transaction, or a test's) the batch runs in a
savepoint and the enclosing transaction goes on whether the batch succeeds or fails.
"""

import functools
import hashlib
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime

import psycopg
from django.db import DatabaseError, connections, transaction

# PL/pgSQL helper installed by core's migration 0005: raises when its argument is a problem code.
CHECK_FUNCTION = "ow_check"
CHECK_PREFIX = "ow_check:"
_SAVEPOINT = "ow_batch"


class CheckFailed(Exception):
    """A batch's check found a problem; nothing of the batch was written."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Sql:
    """A SQL expression used as a value: `text` with its own `%s` placeholders and `params`."""

    text: str
    params: tuple = ()


@dataclass(frozen=True)
class Ref:
    """The id of the row that statement `index` of a batch inserted into `table`."""

    index: int
    table: str


@dataclass
class _Statement:
    sql: str
    params: list
    # "execute", "fetch" (rows wanted), "check", "insert" (id wanted), "then_check" (SQLite: the
    # RETURNING values are problem codes)
    kind: str = "execute"
    table: str = ""
    has_ref: bool = False
    with_parts: list = field(default_factory=list)  # earlier statements run alongside (PostgreSQL)


@dataclass
class Batch:
    using: str = "default"
    statements: list = field(default_factory=list)

    def __post_init__(self):
        connection = connections[self.using]
        self.vendor = connection.vendor
        self.postgresql = self.vendor == "postgresql"
        self._operations = connection.ops

    # --- building ------------------------------------------------------------------------------

    def execute(self, sql, params=(), *, then_check=None, alongside=False):
        """A statement whose result is not needed. Returns its index.

        `alongside`: the statement neither reads what the one before it writes nor writes what
        that one reads, so PostgreSQL may run both as one (the earlier as a data-modifying WITH
        part, which sees the same snapshot). It saves a statement; SQLite runs them in turn.

        `then_check` (a Sql check expression) is checked for each row the statement — an UPDATE
        or INSERT — wrote, in its RETURNING clause: it may name the written row's columns (their
        new values), and costs no statement of its own. (Subqueries in it must not depend on what
        the statement itself writes: PostgreSQL runs them on the snapshot from before it.)"""
        if then_check is None:
            return self._add(_Statement(sql, list(params)), alongside=alongside)
        if self.postgresql:
            return self._add(
                _Statement(
                    f"{sql} RETURNING {CHECK_FUNCTION}({then_check.text})",
                    [*params, *then_check.params],
                )
            )
        return self._add(
            _Statement(
                f"{sql} RETURNING {then_check.text}",
                [*params, *then_check.params],
                kind="then_check",
            )
        )

    def fetch(self, sql, params=(), *, alongside=False):
        """A statement whose rows are wanted: `run()` returns them at the returned index."""
        return self._add(_Statement(sql, list(params), kind="fetch"), alongside=alongside)

    def check(self, expression, params=()):
        """`expression` gives '' or NULL when all is well, else a problem code that stops the batch."""
        return self._add(_Statement(expression, list(params), kind="check"))

    def insert(self, sql, params=(), *, table):
        """An INSERT of one row into `table`; later statements refer to its id with the Ref."""
        index = self._add(_Statement(sql, list(params), kind="insert", table=table))
        return Ref(index, table)

    def insert_row(self, model, values, *, source=None, returning_id=False, alongside=False):
        """INSERT one row of `model`: the given field values, and every other concrete field's
        default (so that a field added to the model later needs no change here). A value may be
        a Sql expression or a Ref. With `source` (a Sql "FROM … WHERE …"), the row is built by
        INSERT … SELECT, and the Sql values may name that source's columns: no row, no insert."""
        columns, placeholders, params = _row(model, values, self.using)
        table = model._meta.db_table
        if source is None:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)})"
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(placeholders)} {source.text}"
            params += list(source.params)
        if returning_id:
            return self.insert(sql, params, table=table)
        return self.execute(sql, params, alongside=alongside)

    def insert_rows(self, model, rows, *, returning=(), alongside=False, on_conflict_ignore=False):
        """One multi-row INSERT of `model` (a list of value dicts with the same keys); with
        `returning` columns, `run()` gives their rows at the returned index. With
        `on_conflict_ignore`, rows that would break a unique constraint are left out (and not
        returned)."""
        if not rows:
            return None
        columns, params, groups = None, [], []
        for values in rows:
            columns, placeholders, row_params = _row(model, values, self.using)
            groups.append(f"({', '.join(placeholders)})")
            params += row_params
        table = model._meta.db_table
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(groups)}"
        if on_conflict_ignore:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            return self.fetch(
                f"{sql} RETURNING {', '.join(returning)}", params, alongside=alongside
            )
        return self.execute(sql, params, alongside=alongside)

    def _add(self, statement, *, alongside=False):
        if statement.sql.count("%s") != len(statement.params):
            raise ValueError(f"placeholders and parameters differ: {statement.sql!r}")
        if not self.postgresql:
            # PostgreSQL's literals come from psycopg, which knows dates and times as they are.
            statement.params = [_adapt(p, self._operations) for p in statement.params]
        statement.has_ref = any(type(p) is Ref for p in statement.params)
        previous = self.statements[-1] if self.statements else None
        if (
            alongside
            and self.postgresql
            and previous is not None
            and previous.kind == "execute"
            and statement.kind in ("execute", "fetch")
            and not (previous.has_ref or statement.has_ref)
        ):
            # WITH w0 AS (previous) statement: one statement, the rows of the last part.
            previous.with_parts = [*previous.with_parts, previous.sql]
            previous.sql, previous.kind = statement.sql, statement.kind
            previous.params = [*previous.params, *statement.params]
            return len(self.statements) - 1
        self.statements.append(statement)
        return len(self.statements) - 1

    # --- dialect ---------------------------------------------------------------------------------

    @property
    def for_update(self):
        """Row lock on PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers."""
        return " FOR UPDATE" if self.postgresql else ""

    def typed(self, sql_type):
        """A placeholder of `sql_type` where PostgreSQL cannot infer it (inside CASE, say); SQLite
        stores dates as text and must not CAST them."""
        return f"CAST(%s AS {sql_type})" if self.postgresql else "%s"

    @property
    def json_object(self):
        return "jsonb_build_object" if self.postgresql else "json_object"

    def json_array_of(self, subquery):
        """A JSON array of column `v` of `subquery`, in its order (`[]` when it has no rows)."""
        if self.postgresql:
            return f"COALESCE((SELECT jsonb_agg(q.v) FROM ({subquery}) q), '[]'::jsonb)"
        return f"json((SELECT json_group_array(q.v) FROM ({subquery}) q))"

    def string_agg_of(self, subquery, separator):
        """Column `v` of `subquery` joined by `separator`, in its order."""
        function = "string_agg" if self.postgresql else "group_concat"
        return f"(SELECT {function}(q.v, '{separator}') FROM ({subquery}) q)"

    # --- running ---------------------------------------------------------------------------------

    def run(self):
        """Run every statement as one transaction; returns a list with, per statement, its rows
        (fetch), the inserted id (insert) or None. Raises CheckFailed, or the database's error."""
        if not self.statements:
            return []
        if self.postgresql:
            return self._run_postgresql()
        with transaction.atomic(using=self.using):
            return self._run_in_sequence()

    def _run_in_sequence(self):
        results = []
        with connections[self.using].cursor() as cursor:
            for statement in self.statements:
                params = [
                    p if not isinstance(p, Ref) else results[p.index] for p in statement.params
                ]
                if statement.kind == "check":
                    cursor.execute(f"SELECT {statement.sql}", params)
                    problem = cursor.fetchone()[0]
                    if problem:
                        raise CheckFailed(problem)
                    results.append(None)
                    continue
                cursor.execute(statement.sql, params)
                if statement.kind == "then_check":
                    for (problem,) in cursor.fetchall():
                        if problem:
                            raise CheckFailed(problem)
                    results.append(None)
                elif statement.kind == "fetch":
                    results.append(cursor.fetchall())
                elif statement.kind == "insert":
                    results.append(cursor.lastrowid)
                else:
                    results.append(None)
        return results

    def _render_postgresql(self, statement):
        """Refs become currval() of the table's id sequence: the id this session inserted last.
        In a subquery: currval() is volatile, and `WHERE id = currval(…)` would scan the table."""
        sql = statement.sql
        if statement.with_parts:
            parts = ", ".join(f"w{n} AS ({part})" for n, part in enumerate(statement.with_parts))
            sql = f"WITH {parts} {sql}"
        if not statement.has_ref:
            return _WRAP[statement.kind].format(sql), statement.params
        parts = sql.split("%s")
        sql, params = [parts[0]], []
        for param, part in zip(statement.params, parts[1:], strict=True):
            if isinstance(param, Ref):
                sql.append(f"(SELECT currval(pg_get_serial_sequence('{param.table}', 'id')))")
            else:
                sql.append("%s")
                params.append(param)
            sql.append(part)
        return _WRAP[statement.kind].format("".join(sql)), params

    def _run_postgresql(self):
        """One multi-statement query: every statement as EXECUTE of a statement this connection
        has prepared (PREPARE is sent along the first time), which spares the server parsing and
        planning each statement on every call."""
        connection = connections[self.using]
        connection.ensure_connection()
        prepared, literal = _session(connection.connection)
        nested = connection.in_atomic_block
        with connection.cursor() as cursor:
            for attempt in (1, 2):
                query, slots = self._compose(prepared, literal, nested)
                try:
                    cursor.execute(query)
                    break
                except DatabaseError as exc:
                    if nested:
                        # The enclosing transaction is aborted until the savepoint is rolled back.
                        cursor.execute(
                            f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}"
                        )
                    # The statements after the failing one did not run, PREPAREs included; and a
                    # connection pooler may have dropped them (DISCARD ALL): ask the server.
                    cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'ow%'")
                    prepared.clear()
                    prepared.update(row[0] for row in cursor.fetchall())
                    code = _check_code(exc)
                    if code is not None:
                        raise CheckFailed(code) from None
                    if attempt == 1 and getattr(exc.__cause__, "sqlstate", None) == "26000":
                        continue  # invalid_sql_statement_name: prepare again and run once more
                    raise
            # Outside a transaction the server committed the implicit transaction already.
            results = [None] * len(self.statements)
            raw = cursor.cursor
            for number, slot in enumerate(slots):
                if number:
                    raw.nextset()
                kind = self.statements[slot].kind if slot is not None else None
                if kind == "fetch":
                    results[slot] = raw.fetchall()
                elif kind == "insert":
                    results[slot] = raw.fetchone()[0]
        return results

    def _compose(self, prepared, literal, nested):
        """The query text, and per result it gives the statement index (None: PREPARE etc.)."""
        parts, slots = [], []
        if nested:
            parts.append(f"SAVEPOINT {_SAVEPOINT}")
            slots.append(None)
        for index, statement in enumerate(self.statements):
            sql, statement_params = self._render_postgresql(statement)
            name, text, count = _prepared_form(sql)
            if name not in prepared:
                parts.append(f"PREPARE {name} AS {text}")
                slots.append(None)
                prepared.add(name)
            if count:
                parts.append(f"EXECUTE {name}({', '.join(map(literal, statement_params))})")
            else:
                parts.append(f"EXECUTE {name}")
            slots.append(index)
        if nested:
            parts.append(f"RELEASE SAVEPOINT {_SAVEPOINT}")
            slots.append(None)
        return ";\n".join(parts), slots


def _literal_function(raw_connection):
    """A function giving a parameter as a SQL literal: psycopg's adaptation, with the two
    commonest types done here. Quoting a string by doubling its quotes is exact while
    standard_conforming_strings is on (PostgreSQL's default: backslashes are plain characters)."""
    as_literal = psycopg.adapt.Transformer(raw_connection).as_literal
    plain_strings = raw_connection.info.parameter_status("standard_conforming_strings") == "on"

    def literal(value):
        kind = type(value)
        if value is None:
            return "NULL"
        if kind is int:
            return str(value)
        if kind is str and plain_strings and "\x00" not in value:
            return "'" + value.replace("'", "''") + "'"
        return as_literal(value).decode()

    return literal


# How each kind of statement is sent on PostgreSQL.
_WRAP = {
    "execute": "{}",
    "fetch": "{}",
    "check": f"SELECT {CHECK_FUNCTION}({{}})",
    "insert": "{} RETURNING id",
}
# Per PostgreSQL connection: the statements prepared on it (they live per session) and its
# literal function.
_SESSIONS = weakref.WeakKeyDictionary()


def _session(raw_connection):
    """(set of prepared statement names, literal function) of a connection. Arguments go as SQL
    literals, adapted as a client-side cursor would: the query then needs no placeholder parsing
    (psycopg caches that only for short queries)."""
    session = _SESSIONS.get(raw_connection)
    if session is None:
        session = _SESSIONS[raw_connection] = (set(), _literal_function(raw_connection))
    return session


_FORMS = {}


def _prepared_form(sql):
    """(name, text with $1…$n, parameter count) of a statement, computed once per text."""
    form = _FORMS.get(sql)
    if form is None:
        pieces = sql.split("%s")
        text = pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))
        name = "ow_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        # The text is sent without parameters, so no "%%" escapes (core.batch takes "%s" only).
        form = _FORMS[sql] = (name, text.replace("%%", "%"), len(pieces) - 1)
        if len(_FORMS) > 10_000:
            _FORMS.clear()
    return form


def _adapt(value, operations):
    """Dates and times as the backend stores them (SQLite: text, naive UTC)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        return operations.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return operations.adapt_datefield_value(value)
    return value


_PLAIN = frozenset((str, int, bool, type(None)))


@functools.cache
def _fields(model):
    """Per concrete field: (field, attname, name, must be given, constant default or None)."""
    described = []
    for model_field in model._meta.concrete_fields:
        must = getattr(model_field, "auto_now", False) or getattr(
            model_field, "auto_now_add", False
        )
        # A callable default (dict, uuid…) is called for each row; a constant one is kept.
        constant = None if callable(model_field.default) else model_field.get_default()
        described.append((model_field, model_field.attname, model_field.name, must, constant))
    names = frozenset(n for f in described for n in (f[1], f[2]))
    return tuple(described), names


def _row(model, values, using):
    """(columns, placeholders, params) of one row: given values first-class, defaults for the rest."""
    connection = connections[using]
    described, names = _fields(model)
    if not names.issuperset(values):
        raise ValueError(f"{model.__name__} has no fields {sorted(set(values) - names)}")
    columns, placeholders, params = [], [], []
    for model_field, attname, name, must, constant in described:
        if attname in values:
            value = values[attname]
        elif name in values:
            value = values[name]
        elif model_field.primary_key:
            continue
        elif must:
            raise ValueError(f"{model.__name__}.{name} must be given")
        else:
            value = model_field.get_default() if constant is None else constant
        columns.append(model_field.column)
        if isinstance(value, Sql):
            placeholders.append(value.text)
            params += value.params
        else:
            placeholders.append("%s")
            if type(value) not in _PLAIN and not isinstance(value, Ref):
                value = model_field.get_db_prep_save(value, connection)
            params.append(value)
    return columns, placeholders, params


def _check_code(exc):
    """The problem code of an ow_check() failure, else None."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    message = getattr(diag, "message_primary", None) or ""
    if getattr(cause, "sqlstate", None) == "P0001" and message.startswith(CHECK_PREFIX):
        return message[len(CHECK_PREFIX) :]
    return None


CHECK_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {CHECK_FUNCTION}(problem text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF problem IS NOT NULL AND problem <> '' THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = '{CHECK_PREFIX}' || problem;
    END IF;
END
$$;
"""
