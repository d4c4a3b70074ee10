"""Reading a console form with the API's own schemas: the same fields, the same Chinese reasons."""

import marshmallow as ma
from flask import request

from server.errors import LoveBankError


def parse(schema: ma.Schema, extra: dict | None = None) -> tuple[dict, dict]:
    """(the loaded body, {}) or (what was typed, {field: [reasons]}). Empty inputs count as not given,
    a checkbox as true when ticked; inputs the schema does not know (`csrf_token`, a page's own composite
    input) are left to the view."""
    typed = {key: value.strip() for key, value in request.form.items() if key != "csrf_token"}
    given = {key: value for key, value in typed.items() if value != "" and key in schema.fields}
    given.update(extra or {})
    for name, field in schema.fields.items():
        if isinstance(field, ma.fields.Boolean):
            given[name] = name in request.form
    try:
        return schema.load(given), {}
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        return typed, {key: value if isinstance(value, list) else [str(value)] for key, value in messages.items()}


def query(schema: ma.Schema, defaults: dict | None = None) -> dict:
    """The page's query string read with the API's own query schema (empty values count as not given, other
    parameters such as `sort` or `cursor` are the page's); a bad value is refused naming its field, as the API's
    422 would."""
    given = {**(defaults or {}), **{key: value for key, value in request.args.items()
                                    if value != "" and key in schema.fields}}
    try:
        return schema.load(given)
    except ma.ValidationError as error:
        field, reasons = next(iter(error.messages.items()))
        raise LoveBankError(reasons[0] if isinstance(reasons, list) else str(reasons), field=field) from None
