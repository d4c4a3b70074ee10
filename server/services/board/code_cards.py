"""见证码卡: numbered one-time codes for an elder without a phone to witness a service by reading one out.

A coordinator of the household's community issues a card (CODE_CARD_SIZE codes of six digits);
the answer carries the codes once, for printing, and only an HMAC of each is kept (keyed by the
server's secret and the card), so nobody can read a code back. Issuing a new card revokes the
household's old one. The volunteer (or the station, for a counter entry) enters the code the
elder reads out; it confirms the record for the witness's household exactly as the witness's own
scan would (`records.confirm_for_witness`, via "code"). A witness request sent by SMS carries a
one-time code of its own (messaging/sms_delivery.py), entered the same way: it confirms as the
member who got the text (via "sms"), under the same rules. A code works once; every try is kept
(who, when, which record, which code number); after CODE_MAX_WRONG_ATTEMPTS wrong tries a record
is locked and the station confirms it instead. The API also rate-limits tries (limits.CODE).
"""

import hashlib
import hmac
import secrets

from peewee import JOIN, fn

from server import clock, runtime
from server.db import database
from server.errors import Conflict, Forbidden, RuleBroken
from server.models import CodeAttempt, CodeCard, Household, Member, ServiceRecord, WitnessCode
from server.services.board import records
from server.services.messaging import sms_delivery
from server.services.people import privacy

DIGITS = 6


class CodeLocked(Conflict):
    """Too many wrong codes for one record: the station confirms it."""

    rule = "code_locked"


def _digest(card_id: int, code: str) -> str:
    key = runtime.setting("SECRET_KEY").encode()
    return hmac.new(key, f"witness-code:{card_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _fresh_codes(size: int) -> list[str]:
    """`size` distinct random codes of DIGITS digits (a leading zero is fine: they are read out)."""
    codes: list[str] = []
    while len(codes) < size:
        code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
        if code not in codes:
            codes.append(code)
    return codes


def issue(coordinator: Member, household: Household) -> tuple[CodeCard, list[str]]:
    """A new card for the household, revoking its old one; the codes in order (number 1 first), shown this once."""
    privacy.require_coordinator(coordinator, household.community_id, "只有本社区服务站可以发见证码卡")
    if household.closed_at is not None:
        raise Conflict("这户已经销户，不能发见证码卡", field="household_id", rule="household_closed")
    size = runtime.setting("CODE_CARD_SIZE")
    codes = _fresh_codes(size)
    now = clock.now()
    with database.atomic():
        CodeCard.update(revoked_at=now).where(CodeCard.household == household.id, CodeCard.revoked_at.is_null()).execute()
        card = CodeCard.create(community=household.community_id, household=household.id, size=size,
                               issued_by=coordinator.id, issued_at=now)
        WitnessCode.insert_many([{"card": card.id, "number": number, "code_hash": _digest(card.id, code)}
                                 for number, code in enumerate(codes, start=1)]).execute()
    return card, codes


def active_card(household_id: int | None) -> CodeCard | None:
    if household_id is None:
        return None
    return CodeCard.get_or_none(CodeCard.household == household_id, CodeCard.revoked_at.is_null())


def card_view(card: CodeCard, codes: list[str] | None = None) -> dict:
    """A card as the station sees it: how many codes are left; the codes themselves only when just issued."""
    used = WitnessCode.select().where(WitnessCode.card == card.id, WitnessCode.used_at.is_null(False)).count()
    view = {"id": card.id, "household_id": card.household_id, "size": card.size, "used": used,
            "issued_at": card.issued_at, "issued_by_name": card.issued_by.name, "revoked_at": card.revoked_at}
    if codes is not None:
        view["codes"] = [{"number": number, "code": code} for number, code in enumerate(codes, start=1)]
    return view


def household_cards(coordinator: Member, household: Household) -> list[dict]:
    """The household's cards, newest first (a bounded list: one per issue), without codes."""
    privacy.require_coordinator(coordinator, household.community_id, "只有本社区服务站可以查看见证码卡")
    return [card_view(card) for card in CodeCard.select().where(CodeCard.household == household.id)
            .order_by(CodeCard.id.desc()).limit(50)]


def witness_household(record: ServiceRecord) -> int | None:
    """Whose card confirms a record: the named witness's household, else the recipient's (an outside witness)."""
    if record.witness_id is not None:
        household = Member.select(Member.household).where(Member.id == record.witness_id).scalar()
        if household is not None:
            return household
    return record.recipient_household_id


def records_with_card(record_ids: list[int]) -> set[int]:
    """Of these records, those waiting for a witness whose household holds a card (one query, for a page)."""
    if not record_ids:
        return set()
    witness = Member.alias()
    household = fn.COALESCE(witness.household, ServiceRecord.recipient_household)
    query = (ServiceRecord.select(ServiceRecord.id)
             .join(witness, JOIN.LEFT_OUTER, on=(ServiceRecord.witness == witness.id))
             .join(CodeCard, on=((CodeCard.household == household) & CodeCard.revoked_at.is_null()))
             .where(ServiceRecord.id.in_(record_ids), ServiceRecord.status.in_(list(records.OPEN_FOR_CONFIRMATION))))
    return {row.id for row in query}


def _witness(record: ServiceRecord) -> Member:
    """Who the code confirms as: the named witness, or else the recipient."""
    member_id = record.witness_id or record.recipient_id
    if member_id is None:
        raise RuleBroken("这条记录没有社区里的见证人，不能用见证码确认", field="record_id", rule="no_code_card")
    return Member.get_by_id(member_id)


def _wrong_tries(record_id: int) -> int:
    return CodeAttempt.select().where(CodeAttempt.record == record_id, CodeAttempt.succeeded == False).count()  # noqa: E712


def confirm_with_code(actor: Member, record: ServiceRecord, code: str) -> ServiceRecord:
    """The volunteer (or the station) enters the code the elder read out: the record is confirmed and credited once."""
    if actor.id != record.volunteer_id and not privacy.coordinates(actor, record.community_id):
        raise Forbidden("只有提供服务的志愿者或服务站可以输入见证码")
    if record.status not in records.OPEN_FOR_CONFIRMATION:
        raise records.RecordStateError(f"这条记录现在是「{records.status_label(record.status)}」，不需要见证码了")
    card = active_card(witness_household(record))
    by_sms = sms_delivery.codes_sent(record.id)
    if card is None and not by_sms:
        raise RuleBroken("见证人家里还没有见证码卡，也没有收到见证短信，请让见证人在手机上确认，或到服务站办理",
                         field="record_id", rule="no_code_card")
    limit = runtime.setting("CODE_MAX_WRONG_ATTEMPTS")
    if _wrong_tries(record.id) >= limit:
        raise CodeLocked(f"这条记录的见证码已输错{limit}次，已锁定，请到服务站确认", field="code")
    texted = sms_delivery.find_code(record.id, code) if by_sms else None
    if texted is not None:
        return _confirm_with_texted_code(actor, record, texted, limit)
    if card is None:
        return _wrong(actor, record, None, None, limit)
    witness = _witness(record)
    now = clock.now()
    matched = WitnessCode.get_or_none(WitnessCode.card == card.id, WitnessCode.code_hash == _digest(card.id, code))
    with database.atomic():
        used = matched is not None and WitnessCode.update(used_at=now, used_by=actor.id, record=record.id).where(
            WitnessCode.id == matched.id, WitnessCode.used_at.is_null()).execute() == 1
        if used:
            CodeAttempt.create(record=record.id, actor=actor.id, card=card.id, number=matched.number, succeeded=True,
                               attempted_at=now)
            return records.confirm_for_witness(witness, record, via="code")
    return _wrong(actor, record, card, matched, limit)


def _confirm_with_texted_code(actor: Member, record: ServiceRecord, texted, limit: int) -> ServiceRecord:
    """The code came by SMS (a witness request's text): it confirms as the member who got it, once."""
    with database.atomic():
        if sms_delivery.use_code(texted, actor.id):
            CodeAttempt.create(record=record.id, actor=actor.id, card=None, number=None, succeeded=True,
                               attempted_at=clock.now())
            return records.confirm_for_witness(Member.get_by_id(texted.member_id), record, via="sms")
    CodeAttempt.create(record=record.id, actor=actor.id, card=None, number=None, succeeded=False,
                       attempted_at=clock.now())
    raise Conflict(f"短信里的见证码已经用过了；{_again(record, limit)}", field="code", rule="code_used")


def _again(record: ServiceRecord, limit: int) -> str:
    left = limit - _wrong_tries(record.id)
    return f"还可以再试{left}次" if left > 0 else "已锁定，请到服务站确认"


def _wrong(actor: Member, record: ServiceRecord, card, matched, limit: int):
    """A wrong or spent code is kept (it counts toward the lockout) in its own transaction."""
    CodeAttempt.create(record=record.id, actor=actor.id, card=card.id if card else None,
                       number=matched.number if matched else None, succeeded=False, attempted_at=clock.now())
    again = _again(record, limit)
    if matched is not None:
        raise Conflict(f"第{matched.number}号见证码已经用过了，请念卡上下一个没用过的码；{again}", field="code",
                       rule="code_used")
    raise RuleBroken(f"见证码不对，请核对后再输；{again}", field="code", rule="code_wrong")
