"""`Ready`: an answer a service built JSON-ready, which the response schema passes through.

It lives here, not with the schemas (server/extensions/smorest.py), because services build
it and services know no Flask: the RQ workers import the services too.
"""

import datetime as dt

from server import clock


class Ready(dict):
    """An answer a service built JSON-ready, keys in its schema's order: the schema passes it
    through instead of walking every field again (the hottest single objects, e.g. a service
    record after a witness confirms). Make one with `ready()`; a test per use dumps the raw
    values through the schema and compares."""


def _json_ready(value):
    if isinstance(value, dt.datetime):
        return clock.aware(value).isoformat()  # as LocalDateTime writes it
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def ready(values: dict) -> Ready:
    return Ready({key: _json_ready(value) for key, value in values.items()})


def ready_tree(values: dict) -> Ready:
    """`ready` all the way down, for an answer of nested objects and lists (the outlook's ten years): every
    object's keys in its schema's order, as `ready`'s."""
    return Ready({key: _tree(value) for key, value in values.items()})


def _tree(value):
    if isinstance(value, dict):
        return {key: _tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tree(item) for item in value]
    return _json_ready(value)
