"""Do route handlers stay thin: parse, authorise, call a service, answer — with no query of their own?

Every `server/resources/**/routes.py` is read with `ast` (nothing is imported), so a query or a
model creeping back into a handler fails here, naming the file and line. Queries, visibility
rules and the builders that turn rows into answers belong to `server/services/`.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The web console's views are handlers too (docs/console.md): every module of server/console/ is held to the same.
ROUTE_MODULES = sorted((ROOT / "server" / "resources").rglob("routes.py")) + sorted((ROOT / "server" / "console").rglob("*.py"))

# Modules a route may not import: the models, the database, the query builder.
FORBIDDEN_MODULES = ("server.models", "server.db", "peewee", "playhouse")
# Names that only a query or a transaction uses.
FORBIDDEN_NAMES = {"database", "fn", "JOIN", "SQL", "Prepared"}
# peewee's query builders and row writers: never called in a handler, whatever the receiver.
QUERY_METHODS = {
    "select", "where", "join", "switch", "order_by", "group_by", "having", "limit", "offset",
    "get_or_none", "get_by_id", "get_or_create", "insert", "insert_many", "replace", "on_conflict",
    "on_conflict_ignore", "execute", "execute_sql", "scalar", "exists", "tuples", "dicts", "objects",
    "for_update", "atomic", "transaction", "save", "delete_instance", "delete_by_id", "bulk_create", "bulk_update",
}
# Verbs services share with peewee: forbidden only on a class (`Model.create(...)`), fine on a service module.
MODEL_VERBS = {"get", "create", "update", "delete", "count"}


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def violations(source: str) -> list[str]:
    """What in one route module is a query or reaches past the services (empty: the module is thin)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for module in _imported_modules(node):
            if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN_MODULES):
                found.append(f"line {node.lineno}: imports {module}")
                break
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in FORBIDDEN_NAMES:
            found.append(f"line {node.lineno}: uses {node.id}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if method in QUERY_METHODS:
                found.append(f"line {node.lineno}: calls .{method}()")
            elif method in MODEL_VERBS and isinstance(receiver, ast.Name) and receiver.id[:1].isupper():
                found.append(f"line {node.lineno}: calls {receiver.id}.{method}()")
    return sorted(set(found))


def test_there_are_route_modules_to_check():
    assert len(ROUTE_MODULES) >= 20


@pytest.mark.parametrize("path", ROUTE_MODULES, ids=lambda p: p.parent.name if p.name == "routes.py" else str(p.relative_to(ROOT / "server")))
def test_route_module_holds_no_query(path):
    """A handler parses, authorises, calls one service and answers: no model, database or query in it."""
    found = violations(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: move these into a service:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    "from server.models import Household",
    "from server import models",
    "import server.models.people",
    "from server.db import database",
    "from peewee import fn",
    "database.execute_sql('SELECT 1')",
    "rows = Event.select()",
    "q = people.listing(me).where(x == 1)",
    "Community.get_by_id(3)",
    "Objection.create(reason='x')",
    "bookings.mine(me).limit(100)",
    "page = blp.paginate(PeeweePage)(view); rows = Household.select()",
])
def test_the_check_sees_a_query(source):
    """The checker itself: each of these is something a handler must not hold."""
    assert violations(source)


@pytest.mark.parametrize("source", [
    "events.create(me, body)",
    "volunteers.update(me, volunteer, body)",
    "query['year']",
    "body.get('note')",
    "auth.register_scope('event_id', 'Event')",
    "@blp.paginate(PeeweePage)\ndef get(): return people.households(me)",
    "class HealthSchema(Schema):\n    database = ma.fields.String()",
])
def test_the_check_lets_a_service_call_through(source):
    assert not violations(source)
