"""Checking what members write (request descriptions, self-reports) with WeChat's msg_sec_check v2.

An area registers a callback for its kind, once, in a module the API and the workers
both import:

    @content_safety.on_result("request", scene=3)
    def _request_checked(object_id, result, check): ...   # hold it for a coordinator unless passed

and, inside the transaction that saves the text, calls
`content_safety.request_check("request", request.id, author, text)`. That writes a
pending ContentCheck and an outbox row; the job (workers/jobs/content_safety.py) asks
WeChat with the author's openid, records pass / risky / review and calls the callback
in the same transaction as the record, so a re-run finds the check settled and does
nothing. Where WeChat is off or the author has no openid (a family member acting for
someone without a phone), the result is `unchecked` and callbacks treat it as a pass;
so is a check WeChat refuses outright (its errcode is kept on the row).
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from server import clock
from server.db import database
from server.models import ContentCheck, Member
from server.services.messaging import outbox
from server.services.messaging.wechat import classify_error

log = logging.getLogger(__name__)

KIND = "content.check"
SEVERITY = {"pass": 0, "unchecked": 0, "review": 1, "risky": 2}
# msg_sec_check v2 takes at most this many characters at once; longer texts go in pieces.
PIECE = 2500
SCENES = {"profile": 1, "comment": 2, "forum": 3, "journal": 4}


@dataclass(frozen=True)
class Registration:
    callback: Callable
    scene: int


_CALLBACKS: dict[str, Registration] = {}


def on_result(kind: str, *, scene: int = SCENES["forum"]):
    """Register `callback(object_id, result, check)` for texts of `kind`; runs in the job's transaction."""

    def register(func):
        _CALLBACKS[kind] = Registration(func, scene)
        return func

    return register


def forget(kind: str) -> None:
    _CALLBACKS.pop(kind, None)


def request_check(kind: str, object_id: int, member, text: str) -> ContentCheck:
    """Ask for a check of `text`; call inside the transaction that saves it. The same text is checked once."""
    if kind not in _CALLBACKS:
        raise LookupError(f"no content-safety callback registered for {kind!r}")
    author_id = member.id if isinstance(member, Member) else member
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ContentCheck.insert(
        kind=kind, object_id=object_id, author=author_id, content_hash=content_hash,
        scene=_CALLBACKS[kind].scene, created_at=clock.now(),
    ).on_conflict_ignore().execute()
    check = ContentCheck.get(ContentCheck.kind == kind, ContentCheck.object_id == object_id,
                             ContentCheck.content_hash == content_hash)
    outbox.emit(KIND, f"{check.id}", {"check_id": check.id, "text": text})
    return check


def _verdict(client, openid: str, text: str, scene: int) -> dict:
    """The most severe suggestion over the text's pieces."""
    worst = {"result": "pass", "label": None, "trace_id": ""}
    for start in range(0, max(len(text), 1), PIECE):
        answer = client.msg_sec_check(openid, text[start:start + PIECE], scene=scene)
        suggest = (answer.get("result") or {}).get("suggest", "review")
        suggest = suggest if suggest in SEVERITY else "review"
        if SEVERITY[suggest] > SEVERITY[worst["result"]] or worst["label"] is None:
            worst = {"result": suggest, "label": (answer.get("result") or {}).get("label"),
                     "trace_id": answer.get("trace_id", "")}
    return worst


def run_check(check_id: int, text: str, client) -> str:
    """The job: ask WeChat (network trouble raises, so RQ retries), record, call back."""
    check = ContentCheck.get_or_none(ContentCheck.id == check_id)
    if check is None or check.result != "pending":
        return check.result if check else "missing"
    openid = None
    if check.author_id is not None:
        openid = Member.select(Member.openid).where(Member.id == check.author_id).scalar()
    outcome = {"result": "unchecked", "label": None, "trace_id": "", "errcode": None}
    if client is not None and openid:
        try:
            outcome.update(_verdict(client, openid, text, check.scene))
        except Exception as exc:  # noqa: BLE001 - classify_error re-raises what is not WeChat's
            if classify_error(exc)[0] == "retry":
                raise
            outcome["errcode"] = getattr(exc, "errcode", None)
            log.warning("msg_sec_check refused check %s: errcode=%s", check.id, outcome["errcode"])
    with database.atomic():
        settled = ContentCheck.update(checked_at=clock.now(), **outcome).where(
            ContentCheck.id == check.id, ContentCheck.result == "pending").execute()
        if settled:
            registration = _CALLBACKS.get(check.kind)
            if registration is None:
                raise LookupError(f"no content-safety callback registered for {check.kind!r}")
            registration.callback(check.object_id, outcome["result"], ContentCheck.get_by_id(check.id))
    return outcome["result"]
