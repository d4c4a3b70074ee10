"""Requests in flight when PostgreSQL drops its connection: repeated once where that is safe.

A backend terminated (`pg_terminate_backend`, a server restart or failover, a network cut)
fails the statement running on it and rolls back its transaction. A request that only reads,
one HTTP calls idempotent (PUT, DELETE) and a write carrying the `Idempotency-Key` its route
honours (a replay answers the first result) are run again, once, on a fresh connection. Any
other write is not: it may have committed just before the connection went, so repeating it
could do it twice. It is answered 503 with `Retry-After` (server.extensions.errors), and
the client looks before trying again. SQLite has no connection to lose and is unaffected.
"""

import logging

from flask import request
from peewee import InterfaceError, OperationalError

from server.db import connection_lost, database, discard_connection
from server.extensions import auth
from server.extensions.idempotency import HEADER as IDEMPOTENCY_HEADER
from server.services.messaging import outbox

log = logging.getLogger(__name__)

REPEATABLE_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}


def _honours_idempotency_key(func) -> bool:
    """The route reads an `Idempotency-Key` header: every creating view (server/extensions/idempotency.py
    marks it) and the ledger's, which declare it with `@blp.arguments(..., location="headers")`."""
    if getattr(func, "_apidoc", {}).get("idempotent"):
        return True
    for parameter in getattr(func, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        schema = parameter.get("schema")
        fields = getattr(schema, "fields", None) or getattr(schema, "_declared_fields", {})
        if parameter.get("in") == "headers" and any(
                (field.data_key or name) == IDEMPOTENCY_HEADER for name, field in fields.items()):
            return True
    return False


def repeatable() -> bool:
    """Whether the current request may run twice without doing its work twice."""
    if request.method in REPEATABLE_METHODS:
        return True
    func = auth.view_method()
    return bool(request.headers.get(IDEMPOTENCY_HEADER)) and func is not None and _honours_idempotency_key(func)


def init_app(app) -> None:
    dispatch = app.dispatch_request

    def dispatch_request():
        try:
            return dispatch()
        except (OperationalError, InterfaceError) as exc:
            if not connection_lost(exc) or not repeatable():
                raise
            log.warning("PostgreSQL connection lost during %s %s; running it again on a fresh connection",
                        request.method, request.path)
            outbox.discard_pending()  # rows of the rolled-back attempt
            discard_connection()
            database.connect()
            return dispatch()

    app.dispatch_request = dispatch_request
