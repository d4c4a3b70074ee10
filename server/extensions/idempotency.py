"""`Idempotency-Key` on every creating POST (201): a retry gets the first answer, never a second row.

Our Blueprint applies `creating` to each view documented with a 201 answer, so a new creating
endpoint honours the key without anyone remembering to (tests/resources/test_idempotency.py walks
the URL map). Without the header nothing changes. With it, the view runs in one transaction
with the kept answer: the first request's change and its answer commit together, a replay finds
the answer, and of two twins racing on PostgreSQL the second fails on the unique index, rolls its
change back and answers with the first one's.
"""

import hashlib
import json
from copy import deepcopy
from functools import wraps

import marshmallow as ma
from flask import Response, request
from peewee import IntegrityError

from server.db import database
from server.errors import RuleBroken
from server.extensions import auth
from server.services.ledger import idempotency
from server.services.messaging import outbox

HEADER = "Idempotency-Key"
MIN_LENGTH, MAX_LENGTH = 8, 100


class OptionalKeySchema(ma.Schema):
    """Documents the header on creating POSTs (the wrapper reads it itself)."""

    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = ma.fields.String(
        data_key=HEADER, required=False, validate=ma.validate.Length(min=MIN_LENGTH, max=MAX_LENGTH),
        metadata={"description": "Optional: a fresh random string per intended operation (e.g. a UUID). Sent again "
                                 "with the same body, the first answer comes back (nothing is made twice); with "
                                 "another body, 409. Scoped to the caller and this endpoint."},
    )


def _client_key() -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not MIN_LENGTH <= len(key) <= MAX_LENGTH:
        raise RuleBroken(f"操作编号的长度应为{MIN_LENGTH}到{MAX_LENGTH}个字符", field=HEADER, rule="idempotency_key_length")
    return key


def transfer_key(client_key: str) -> str:
    """The ledger's key for this caller's key on this endpoint (a transfer's key is UNIQUE across the ledger)."""
    return idempotency.scoped_key(auth.current_member().id, request.endpoint, client_key)


def _replayed(kept) -> Response:
    response = Response(kept.response, status=kept.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def shown_once(*fields: str):
    """Mark a creating view whose answer carries secrets shown once (a code card's codes): the answer kept for
    a retry leaves those fields out, so they are never stored and never shown again. Put it next to `def`."""
    def mark(func):
        func.lb_shown_once = fields
        return func

    return mark


def kept_as(response: Response, status: int, body: str) -> Response:
    """A view answering a file (a code card's PDF) names the JSON a retry with the same key gets instead: the
    file's bytes are never stored, and what it printed once is not printed again."""
    response.status_code = status
    response.lb_kept = body
    return response


def _kept(body: str, secret_fields) -> str:
    if not secret_fields:
        return body
    answer = json.loads(body)
    return json.dumps({name: value for name, value in answer.items() if name not in secret_fields}, ensure_ascii=False)


def _body():
    """What a request asked for: its JSON, or an upload's form fields and files (each by its SHA-256)."""
    if not request.files:
        return request.get_json(silent=True)
    files = {}
    for name, upload in request.files.items():
        files[name] = hashlib.sha256(upload.read()).hexdigest()
        upload.seek(0)
    return {"form": request.form.to_dict(), "files": files}


def creating(view):
    """Honour `Idempotency-Key` on a creating view (the caller is known: it runs inside `auth.roles`)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = _client_key() if request.method == "POST" else None
        if key is None:
            return view(*args, **kwargs)
        member_id, operation = auth.current_member().id, request.endpoint
        digest = idempotency.request_hash(request.view_args or {}, _body())
        try:
            with database.atomic():
                kept = idempotency.replay(member_id, operation, key, digest)
                if kept is not None:
                    return _replayed(kept)
                response = view(*args, **kwargs)
                if 200 <= response.status_code < 300:
                    answer = getattr(response, "lb_kept", None)
                    if answer is None:
                        answer = _kept(response.get_data(as_text=True), getattr(view, "lb_shown_once", ()))
                    idempotency.remember(member_id, operation, key, digest, response.status_code, answer)
                return response
        except IntegrityError:
            kept = idempotency.replay(member_id, operation, key, digest)
            if kept is None:
                raise
            outbox.discard_pending()  # the twin's work is rolled back; the first request's rows stand
            return _replayed(kept)

    wrapper._apidoc = {**deepcopy(getattr(view, "_apidoc", {})), "idempotent": True}
    return wrapper


def document(doc, doc_info, **kwargs):
    """A doc callback of our Blueprint (before flask-smorest's own): a creating view that does not
    declare the header itself (the ledger's require it) gets it documented as optional."""
    if doc_info.get("idempotent"):
        arguments = doc_info.setdefault("arguments", {})
        parameters = arguments.setdefault("parameters", [])
        if not any(p.get("in") == "headers" for p in parameters):
            parameters.append({"in": "headers", "required": False, "schema": OptionalKeySchema()})
            arguments.setdefault("responses", {})[422] = "UNPROCESSABLE_ENTITY"
    return doc
