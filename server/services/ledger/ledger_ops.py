"""Coordinator and household operations on the ledger: adjustments, reversals, gifts, donations, grants.

Each is one transfer with its own code and an idempotency key from the client, so a
retried tap never moves hours twice. Gifts (亲情转赠) go only to a relative's household
whose relationship a coordinator confirmed once; gifts and donations have yearly caps;
grants (兜底) come out of the community's love pool with a reason. A household closed
because its last member was erased hands what it had to the love pool, once.

A gift to a relative in another community of the same network (通存通兑) passes through both
communities' clearing accounts (docs/ledger.md, invariant 10): one transfer, scoped to both
communities, each leg on its own community's chain.
"""

import datetime as dt

from peewee import fn

from server import clock, runtime
from server.db import database
from server.errors import Forbidden, NotFound, RuleBroken
from server.models import Community, Entry, Household, Kinship, Member, ServiceRecord, Transfer
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.ledger import networks
from server.services.people import core as people
from server.services.people import privacy


def _require_coordinator(actor: Member, community_id: int) -> None:
    if not privacy.coordinates(actor, community_id):
        raise Forbidden("只有本社区服务站可以做这件事")


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise RuleBroken("请写明原因", field="reason", rule="reason_required")
    return reason.strip()


def adjust(actor: Member, household: Household, *, minutes: int, reason: str, key: str) -> Transfer:
    """A manual correction with a reason: positive adds, negative takes back (never below zero)."""
    _require_coordinator(actor, household.community_id)
    reason = _reason(reason)
    if minutes == 0:
        raise RuleBroken("调整的时间不能为0", field="minutes", rule="minutes_positive")
    if minutes > 0 and household.closed_at is not None:
        raise people.HouseholdClosed(field="household_id")  # nobody is left to spend them
    account = ledger.household_account(household.id)
    issuance, pool = ledger.system_accounts(household.community_id)
    cap = runtime.setting("HOUSEHOLD_CAP_MINUTES")

    def legs_for(accounts):
        if minutes > 0:
            legs, overflow = ledger.credit_legs(accounts[issuance.id], accounts[account.id], accounts[pool.id], minutes, cap)
            return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes)}
        return [ledger.Leg(account.id, minutes), ledger.Leg(issuance.id, -minutes)], None

    return ledger.post(
        community_id=household.community_id, code="adjustment", key=key,
        body={"household": household.id, "minutes": minutes, "reason": reason}, reason=reason,
        details={"content": reason}, actor=actor, account_ids=[account.id, issuance.id, pool.id], legs_for=legs_for,
    )


def reverse(actor: Member, transfer_id: int, *, reason: str, key: str) -> Transfer:
    transfer = Transfer.get_or_none(Transfer.id == transfer_id)
    if transfer is None:
        raise NotFound()
    if not privacy.coordinates(actor, transfer.counter_community_id or transfer.community_id):
        _require_coordinator(actor, transfer.community_id)
    if transfer.record_id is not None:
        record = ServiceRecord.get_by_id(transfer.record_id)
        records.reverse(actor, record, reason=reason, key=key)
        return Transfer.get(Transfer.idempotency_key == key)
    return ledger.reverse(transfer_id, key=key, reason=reason, actor=actor)


def _year_total(account_id: int, code: str, year: int) -> int:
    """Minutes this account sent out under `code` this year (entries are negative on the sender)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    total = (
        Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
        .join(Transfer)
        .where(Entry.account == account_id, Transfer.code == code, Entry.minutes < 0,
               Entry.effective_date >= start, Entry.effective_date < end)
        .scalar()
    )
    return -int(total or 0)


def _check_yearly_cap(account_id: int, code: str, minutes: int, setting: str, what: str) -> None:
    cap = runtime.setting(setting)
    used = _year_total(account_id, code, clock.today().year)
    if used + minutes > cap:
        raise RuleBroken(f"每户每年{what}最多{cap / 60:g}小时，今年已{what}{used / 60:g}小时", field="minutes",
                         rule=f"{code}_yearly_cap", cap_minutes=cap, used_minutes=used)


def request_kinship(actor: Member, *, invite_code: str, relation: str) -> Kinship:
    """A household names a relative's household (by its invite code); its station confirms once, and a relative
    household in another community confirms too (`accept_kinship`): a gift across needs both households."""
    household = people.own_household(actor)
    relative = Household.get_or_none(Household.invite_code == invite_code.strip().upper())
    if relative is None:
        raise RuleBroken("邀请码不对，请向亲属核对", field="invite_code", rule="bad_invite_code")
    if relative.closed_at is not None:
        raise people.HouseholdClosed()
    if relative.id == household.id:
        raise RuleBroken("不能和自己家建立亲属关系", field="invite_code", rule="same_household")
    Kinship.insert(household=household, relative_household=relative, relation=relation, requested_by=actor,
                   created_at=clock.now()).on_conflict_ignore().execute()
    return Kinship.get(Kinship.household == household, Kinship.relative_household == relative)


def confirm_kinship(actor: Member, kinship: Kinship) -> Kinship:
    """The asking household's station has checked the relationship (户口本, 亲属关系证明)."""
    _require_coordinator(actor, kinship.household.community_id)
    Kinship.update(confirmed_by=actor, confirmed_at=clock.now()).where(
        Kinship.id == kinship.id, Kinship.confirmed_at.is_null()).execute()
    return Kinship.get_by_id(kinship.id)


def across(kinship: Kinship) -> bool:
    """The two households live in different communities: the relative household must confirm as well."""
    return kinship.household.community_id != kinship.relative_household.community_id


def accept_kinship(actor: Member, kinship: Kinship) -> Kinship:
    """The relative household agrees that it is the asking household's relative (issue 15 §3: kinship across
    communities is confirmed by both households): one of its members, or its own station on its behalf for an
    elder without a phone. Once; within one community the station's confirmation is enough."""
    relative = kinship.relative_household
    if actor.household_id != relative.id and not privacy.coordinates(actor, relative.community_id):
        raise Forbidden("只有被登记的亲属家庭（或它的服务站）可以确认")
    if not across(kinship):
        raise RuleBroken("两家在同一个社区，由服务站确认就可以了", field="kinship_id", rule="same_community")
    Kinship.update(relative_accepted_by=actor, relative_accepted_at=clock.now()).where(
        Kinship.id == kinship.id, Kinship.relative_accepted_at.is_null()).execute()
    return Kinship.get_by_id(kinship.id)


def kinship_for(viewer: Member, kinship_id: int) -> Kinship:
    kinship = Kinship.get_or_none(Kinship.id == kinship_id)
    if kinship is None:
        raise NotFound()
    if viewer.household_id in (kinship.household_id, kinship.relative_household_id):
        return kinship
    if (privacy.coordinates(viewer, kinship.household.community_id)
            or privacy.coordinates(viewer, kinship.relative_household.community_id)):
        return kinship
    raise NotFound()


def transfer_scope(transfer_id: int):
    """The auth gate's scope for /transfers/<id>/…: its community, and the other one of a movement between
    two (None: missing). Both communities' stations see, verify and may reverse it."""
    row = Transfer.select(Transfer.community, Transfer.counter_community).where(Transfer.id == transfer_id).tuples().first()
    if row is None:
        return None
    return row[0] if row[1] is None else tuple(row)


def kinship_scope(kinship_id: int):
    """The auth gate's scope for /kinships/<id>/…: the asking household's community, and the relative's when
    it is another one (both stations see it; None: missing)."""
    Relative = Household.alias()
    row = (Kinship.select(Household.community, Relative.community)
           .join(Household, on=(Kinship.household == Household.id))
           .join(Relative, on=(Kinship.relative_household == Relative.id))
           .where(Kinship.id == kinship_id).tuples().first())
    if row is None:
        return None
    return row[0] if row[0] == row[1] else tuple(row)


def kinships(viewer: Member) -> list[Kinship]:
    """A household's kinships either way round; for coordinators (and admins), those of their community's
    households either way round (a relative in another community confirms through its own station)."""
    Relative, Home, Theirs = Household.alias(), Community.alias(), Community.alias()
    # Both households and both communities come with each kinship (its view names all four): one query, not
    # four more per kinship.
    query = (Kinship.select(Kinship, Household, Relative, Home, Theirs)
             .join(Household, on=(Kinship.household == Household.id), attr="household")
             .join(Home, on=(Household.community == Home.id), attr="community")
             .switch(Kinship).join(Relative, on=(Kinship.relative_household == Relative.id), attr="relative_household")
             .join(Theirs, on=(Relative.community == Theirs.id), attr="community"))
    if viewer.has_role("coordinator") or viewer.has_role("admin"):
        query = query.where((Household.community == viewer.community_id) | (Relative.community == viewer.community_id))
    else:
        query = query.where((Kinship.household == viewer.household_id) | (Kinship.relative_household == viewer.household_id))
    return list(query.order_by(Kinship.id))


def _kinships_between(a: int, b: int) -> list[Kinship]:
    return list(Kinship.select().where(
        ((Kinship.household == a) & (Kinship.relative_household == b))
        | ((Kinship.household == b) & (Kinship.relative_household == a))))


def kinship_in_force(kinship: Kinship) -> bool:
    """Gifts may flow: the asking household's station confirmed it, and across communities the relative
    household confirmed it too."""
    return (kinship.confirmed_at is not None
            and (kinship.relative_accepted_at is not None or not across(kinship)))


def gift(actor: Member, *, to_household_id: int, minutes: int, note: str, key: str) -> Transfer:
    """亲情转赠: hours to a confirmed relative's household, within the yearly cap."""
    source = people.own_household(actor)
    target = Household.get_or_none(Household.id == to_household_id)
    kin = _kinships_between(source.id, target.id) if target is not None else []
    if not any(kinship_in_force(k) for k in kin):
        if any(k.confirmed_at is not None for k in kin):
            raise RuleBroken("对方家庭还没有确认亲属关系：请对方在小程序“亲情转赠”里确认，或到对方服务站确认",
                             field="to_household_id", rule="kinship_not_accepted")
        raise RuleBroken("只能转赠给服务站确认过的直系亲属家庭", field="to_household_id", rule="not_relative")
    if target.closed_at is not None:
        raise people.HouseholdClosed(field="to_household_id")
    if minutes <= 0:
        raise RuleBroken("转赠的时间必须大于0", field="minutes", rule="minutes_positive")
    if target.community_id != source.community_id:
        return _gift_across(actor, source, target, minutes=minutes, note=note, key=key)
    sender = ledger.household_account(source.id)
    receiver = ledger.household_account(target.id)
    pool = ledger.system_account(target.community_id, "love_pool")
    cap = runtime.setting("HOUSEHOLD_CAP_MINUTES")
    with database.atomic():
        _check_yearly_cap(sender.id, "gift", minutes, "GIFT_YEARLY_CAP_MINUTES", "转赠")

        def legs_for(accounts):
            legs, overflow = ledger.credit_legs(accounts[sender.id], accounts[receiver.id], accounts[pool.id], minutes, cap)
            return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes)}

        return ledger.post(
            community_id=source.community_id, code="gift", key=key,
            body={"from": source.id, "to": target.id, "minutes": minutes, "note": note}, reason=note,
            details={"content": f"{source.name}转赠给{target.name}" + (f"：{note}" if note else "")},
            actor=actor, account_ids=[sender.id, receiver.id, pool.id], legs_for=legs_for,
        )


def _gift_across(actor: Member, source: Household, target: Household, *, minutes: int, note: str, key: str) -> Transfer:
    """A gift to a relative in another community of the same network: giver −n, giver's clearing +n |
    receiver's clearing −n, receiver +n (above the storage cap, the rest to the receiver's love pool).
    Refused when the communities are in no one network, or when either position would pass its limit."""
    giving, receiving = Community.get_by_id(source.community_id), Community.get_by_id(target.community_id)
    networks.require_one_network(giving, receiving)
    sender = ledger.household_account(source.id)
    receiver = ledger.household_account(target.id)
    out_clearing = ledger.system_account(giving.id, "clearing")
    in_clearing = ledger.system_account(receiving.id, "clearing")
    pool = ledger.system_account(receiving.id, "love_pool")
    cap = runtime.setting("HOUSEHOLD_CAP_MINUTES")
    with database.atomic():
        _check_yearly_cap(sender.id, "gift", minutes, "GIFT_YEARLY_CAP_MINUTES", "转赠")

        def legs_for(accounts):
            credit, overflow = ledger.credit_legs(accounts[in_clearing.id], accounts[receiver.id], accounts[pool.id],
                                                  minutes, cap)
            legs = [ledger.Leg(sender.id, -minutes), ledger.Leg(out_clearing.id, minutes), *credit]
            return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes)}

        return ledger.post(
            community_id=giving.id, counter_community_id=receiving.id, code="gift", key=key,
            body={"from": source.id, "to": target.id, "minutes": minutes, "note": note}, reason=note,
            details={"content": f"{giving.name}{source.name}转赠给{receiving.name}{target.name}" + (f"：{note}" if note else ""),
                     "from_community_id": giving.id, "from_community": giving.name,
                     "to_community_id": receiving.id, "to_community": receiving.name},
            actor=actor, account_ids=[sender.id, out_clearing.id, in_clearing.id, receiver.id, pool.id],
            legs_for=legs_for,
        )


def donate(actor: Member, *, minutes: int, note: str, key: str) -> Transfer:
    """Donate hours to the community's love pool (爱心池), within the yearly cap."""
    household = people.own_household(actor)
    if minutes <= 0:
        raise RuleBroken("捐赠的时间必须大于0", field="minutes", rule="minutes_positive")
    sender = ledger.household_account(household.id)
    pool = ledger.system_account(household.community_id, "love_pool")
    with database.atomic():
        _check_yearly_cap(sender.id, "donation", minutes, "DONATION_YEARLY_CAP_MINUTES", "捐赠")
        return ledger.post(
            community_id=household.community_id, code="donation", key=key,
            body={"from": household.id, "minutes": minutes, "note": note}, reason=note,
            details={"content": f"{household.name}捐入爱心池" + (f"：{note}" if note else "")}, actor=actor,
            account_ids=[sender.id, pool.id],
            legs_for=lambda accounts: ([ledger.Leg(sender.id, -minutes), ledger.Leg(pool.id, minutes)], None),
        )


def grant(actor: Member, household: Household, *, minutes: int, reason: str, key: str) -> Transfer:
    """兜底: the coordinator grants love-pool hours to an elder's household in hardship."""
    _require_coordinator(actor, household.community_id)
    reason = _reason(reason)
    if minutes <= 0:
        raise RuleBroken("帮扶的时间必须大于0", field="minutes", rule="minutes_positive")
    if household.closed_at is not None:
        raise people.HouseholdClosed(field="household_id")
    receiver = ledger.household_account(household.id)
    pool = ledger.system_account(household.community_id, "love_pool")
    return ledger.post(
        community_id=household.community_id, code="grant", key=key,
        body={"household": household.id, "minutes": minutes, "reason": reason}, reason=reason,
        details={"content": f"爱心池帮扶：{reason}"}, actor=actor, account_ids=[receiver.id, pool.id],
        legs_for=lambda accounts: ([ledger.Leg(pool.id, -minutes), ledger.Leg(receiver.id, minutes)], None),
    )


CLOSED_REASON = "家庭成员均已注销，账户关闭，余额转入社区爱心池"


def close_account(household: Household) -> Transfer | None:
    """A closed household's available minutes go to its community's love pool, once (the key is the
    household's): nobody is left to spend them, and nobody may join to. None when nothing was left.
    """
    account = ledger.household_account(household.id)
    pool = ledger.system_account(household.community_id, "love_pool")
    key = f"household:{household.id}:closed"
    if ledger.available(account) <= 0 and not Transfer.select().where(Transfer.idempotency_key == key).exists():
        return None

    def legs_for(accounts):
        minutes = ledger.available(accounts[account.id])
        return [ledger.Leg(account.id, -minutes), ledger.Leg(pool.id, minutes)], None

    return ledger.post(
        community_id=household.community_id, code="household_closed", key=key, body={"household": household.id},
        reason=CLOSED_REASON, details={"content": CLOSED_REASON}, account_ids=[account.id, pool.id],
        legs_for=legs_for,
    )


def transfer_for(viewer: Member, transfer_id: int) -> Transfer:
    """A transfer, for coordinators of its community or members of a household it touched."""
    transfer = Transfer.get_or_none(Transfer.id == transfer_id)
    if transfer is None:
        raise NotFound()
    if privacy.coordinates(viewer, transfer.community_id):
        return transfer
    if transfer.counter_community_id is not None and privacy.coordinates(viewer, transfer.counter_community_id):
        return transfer
    if viewer.household_id is not None:
        touched = Entry.select().join_from(Entry, ledger.Account).where(
            Entry.transfer == transfer.id, ledger.Account.household == viewer.household_id).exists()
        held = transfer.hold_account_id is not None and transfer.hold_account.household_id == viewer.household_id
        if touched or held:
            return transfer
    raise NotFound()


