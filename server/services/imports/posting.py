"""A checked import posted: members, households, volunteers and teams created, opening balances and
historical services credited. The caller (`core.commit`) holds the one transaction around all of it.

Opening balances are `opening` transfers (纸质存折转入): issuance −n; the household +kept, the love
pool +overflow above the storage cap, as any credit; key `opening:<household id>`, so a household has
one. Historical services are counter entries with the paper signature held at the station
(`source = counter`, confirmed via `paper`, so the quarterly audit samples them first), credited as
the counter credits them, without a message per record: the volunteers served months ago.
"""

import uuid

from server import clock, runtime
from server.models import Household, Member, ServiceRecord, Team
from server.services.board import catalog, records
from server.services.imports.checks import opening_key
from server.services.ledger import core as ledger
from server.services.people import core as people
from server.services.people import volunteers as volunteer_profiles


def _new_member(community_id: int, person: dict, **fields) -> Member:
    return Member.create(community=community_id, name=person["name"], phone=person.get("phone") or "",
                         gender=person.get("gender") or "", birth_date=person.get("birth_date"),
                         roles="resident", created_at=clock.now(), **fields)


def _open(member: Member, community_id: int, address: dict) -> Household:
    return people.open_household(member, community_id=community_id, name=address["name"], building=address["building"],
                                 unit=address.get("unit", ""), room=address["room"])


def volunteers(actor: Member, community_id: int, items: list[dict]) -> dict:
    teams = {team.name: team.id for team in catalog.visible_teams(community_id)}
    opened = {}  # address key → household id opened by this import
    created = {"members": [], "volunteers": [], "households": [], "teams": []}
    for item in items:
        for name in item["teams"]:
            if name not in teams:
                team = Team.create(community=community_id, code=f"c{community_id}-{uuid.uuid4().hex[:8]}", name=name,
                                   created_at=clock.now())
                teams[name] = team.id
                created["teams"].append(team.id)
        member = Member.get_by_id(item["member_id"]) if "member_id" in item else None
        if member is None or member.household_id is None:
            member = _settle(community_id, member, item, opened, created)
        volunteer = volunteer_profiles.enrol(member, {
            "occupation": item["occupation"], "specialties": item["specialties"],
            "team_ids": sorted({teams[name] for name in item["teams"]})})
        created["volunteers"].append(volunteer.id)
    return {"volunteers": len(created["volunteers"]), "members_new": len(created["members"]),
            "households_new": len(created["households"]), "teams_new": len(created["teams"]), "ids": created}


def _settle(community_id: int, member: Member | None, item: dict, opened: dict, created: dict) -> Member:
    """A volunteer without a household placed in one: the household at the row's address, the one this
    import opened there for an earlier row, or a new one they head."""
    place = item["household"]
    key = tuple(place["key"]) if "key" in place else None
    household_id = place.get("id") or opened.get(key)
    if member is None:
        member = _new_member(community_id, item, household=household_id)
        created["members"].append(member.id)
    elif household_id is not None:
        Member.update(household=household_id).where(Member.id == member.id).execute()
        people.place_volunteers(household_id)
        member = Member.get_by_id(member.id)
    if household_id is None:
        household = _open(member, community_id, place)
        opened[key] = household.id
        created["households"].append(household.id)
    return member


def households(actor: Member, community_id: int, items: list[dict]) -> dict:
    created = {"households": [], "members": []}
    for item in items:
        head, *others = item["members"]
        member = _new_member(community_id, head, relation="本人")
        household = _open(member, community_id, item)
        created["households"].append(household.id)
        created["members"].append(member.id)
        for person in others:
            created["members"].append(_new_member(community_id, person, household=household.id,
                                                  relation=person["relation"]).id)
    return {"households": len(created["households"]), "members": len(created["members"]), "ids": created}


def opening_balances(actor: Member, community_id: int, items: list[dict]) -> dict:
    cap = runtime.setting("HOUSEHOLD_CAP_MINUTES")
    issuance, pool = ledger.system_accounts(community_id)
    ledger.lock_for_postings([community_id], [item["household_id"] for item in items])
    transfers, total, overflow_total = [], 0, 0
    for item in items:
        account = ledger.household_account(item["household_id"])
        minutes = item["minutes"]
        reason = f"纸质存折转入（存折号 {item['passbook_no']}）"

        def legs_for(accounts, account=account, minutes=minutes):
            legs, overflow = ledger.credit_legs(accounts[issuance.id], accounts[account.id], accounts[pool.id], minutes,
                                                 cap)
            return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes)}

        transfer = ledger.post(
            community_id=community_id, code="opening", key=opening_key(item["household_id"]),
            body={"household": item["household_id"], "minutes": minutes, "passbook_no": item["passbook_no"]},
            reason=reason, actor=actor, account_ids=[account.id, issuance.id, pool.id], legs_for=legs_for,
            details={"content": reason, "passbook_no": item["passbook_no"],
                     "paper_date": item["paper_date"].isoformat() if item["paper_date"] else ""},
            savepoint=False)
        transfers.append(transfer.id)
        total += minutes
        overflow_total += int((transfer.details or {}).get("overflow_minutes") or 0)
    return {"transfers": len(transfers), "minutes": total, "overflow_minutes": overflow_total,
            "ids": {"transfers": transfers}}


def service_records(actor: Member, community_id: int, items: list[dict]) -> dict:
    created, total = [], 0
    now = clock.now()
    ledger.lock_for_postings([community_id], [household for item in items for household in (
        item["volunteer_household_id"], item["recipient_household_id"])])
    for item in items:
        record = ServiceRecord.create(
            community=community_id, volunteer=item["volunteer_id"], volunteer_household=item["volunteer_household_id"],
            source="counter", recorder=actor.id, created_at=now, recipient=item["recipient_id"],
            recipient_household=item["recipient_household_id"], public_good=item["recipient_household_id"] is None,
            category=item["category_id"], item=item["item_id"], place=item["place"], started_at=item["started_at"],
            ended_at=item["ended_at"], duration_minutes=item["duration_minutes"], content=item["content"],
            witness_name=item["witness_name"], witness_phone=item["witness_phone"], needs_approval=False,
            organiser="纸质服务记录单导入")
        locked = records.lock_for_credit(record)  # before the day is read, as a witness's confirmation
        minutes = records.creditable_minutes(record)
        transfer = records.post_credit(record, minutes, actor, key=f"record:{record.id}:credit",
                                       locked=locked) if minutes else None
        status = "too_short" if records.is_too_short(record.duration_minutes) else "credited"
        ServiceRecord.update(status=status, credited_minutes=minutes, transfer=transfer.id if transfer else None,
                             confirmed_by=actor.id, confirmed_at=now, confirmed_via="paper").where(
            ServiceRecord.id == record.id).execute()
        if minutes:
            ledger.add_member_year(item["volunteer_id"], item["started_at"].year, minutes)
        created.append(record.id)
        total += minutes
    return {"records": len(created), "minutes": total, "ids": {"records": created}}


POSTERS = {"volunteers": volunteers, "households": households, "opening_balances": opening_balances,
           "service_records": service_records}
