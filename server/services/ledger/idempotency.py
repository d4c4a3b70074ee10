"""Idempotency keys: scoped to the caller and the operation; a creating request's first answer is replayed.

A client sends `Idempotency-Key` with a write it may have to repeat (a lost answer, a second
tap). The key is the client's own choice, so two members — or one member on two endpoints —
may well pick the same one: every key is stored and looked up under (member, operation), never
on its own. The same key with the same request returns the first answer; with another request
it is refused (409, `idempotency_key_reused`, the ledger's convention).
"""

import hashlib

from server import clock
from server.models import IdempotentRequest
from server.services.ledger.core import IdempotencyConflict, body_hash
from server.services.people import data_rights


def scoped_key(member_id: int, operation: str, key: str) -> str:
    """The ledger's transfer key for a client's key: the caller and the operation in it, the client's
    part hashed so that it fits the column whatever the client chose (up to 100 characters)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"api:{member_id}:{operation}:{digest}"


def request_hash(path_args: dict, body) -> str:
    """What makes two requests the same: the ids in the path and the JSON body."""
    return body_hash({"path": path_args, "body": body})


def replay(member_id: int, operation: str, key: str, request_hash: str) -> IdempotentRequest | None:
    """The answer kept for this caller, operation and key; None the first time."""
    found = IdempotentRequest.get_or_none(IdempotentRequest.member == member_id,
                                          IdempotentRequest.operation == operation, IdempotentRequest.key == key)
    if found is not None and found.body_hash != request_hash:
        raise IdempotencyConflict("这个操作编号已经用于另一次不同的提交，请勿重复使用", field="Idempotency-Key")
    return found


def remember(member_id: int, operation: str, key: str, request_hash: str, status: int, response: str) -> None:
    """Keep the answer, in the transaction that made the change (a twin's INSERT fails on the unique index)."""
    IdempotentRequest.insert(member=member_id, operation=operation, key=key, body_hash=request_hash, status=status,
                             response=response, created_at=clock.now()).execute()


def register() -> None:
    """Kept answers go when their member is erased (server/hooks.py calls it once)."""
    data_rights.on_erase(_erase)


def _erase(member, old_names) -> None:
    """Kept answers repeat what the member wrote: they go with the member."""
    IdempotentRequest.delete().where(IdempotentRequest.member == member.id).execute()
