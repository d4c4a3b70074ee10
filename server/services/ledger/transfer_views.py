"""How the ledger reads in the API: a transfer with its legs named by account kind and household; a kinship."""

from server.models import Account, Entry, Kinship, Transfer
from server.services.ledger import core as ledger


def transfer_view(transfer: Transfer) -> dict:
    legs = list(
        Entry.select(Entry.account, Entry.minutes, Account.kind, Account.household, Entry.community)
        .join(Account)
        .where(Entry.transfer == transfer.id)
        .order_by(Entry.id)
        .tuples()
    )
    reversal = Transfer.select(Transfer.id).where(Transfer.reverses == transfer.id).scalar()
    minutes = transfer.minutes
    if transfer.counter_community_id is not None and legs:
        # Rows posted before the count was mended (immutable) say twice what crossed: read it off the legs.
        minutes = sum(m for _, m, _, _, community_id in legs if m > 0 and community_id == transfer.community_id)
    return {
        "id": transfer.id,
        "community_id": transfer.community_id,
        "counter_community_id": transfer.counter_community_id,
        "code": transfer.code,
        "code_label": ledger.CODES[transfer.code],
        "state": transfer.state,
        "minutes": minutes,
        "posted_minutes": transfer.posted_minutes,
        "reason": transfer.reason,
        "note": (transfer.details or {}).get("note", ""),
        "reverses_id": transfer.reverses_id,
        "reversed_by_id": reversal,
        "record_id": transfer.record_id,
        "effective_date": transfer.effective_date,
        "created_at": transfer.created_at,
        "legs": [
            {"account_id": account_id, "minutes": minutes, "account_kind": kind, "household_id": household_id,
             "community_id": community_id}
            for account_id, minutes, kind, household_id, community_id in legs
        ],
    }


def kinship_view(kinship: Kinship) -> dict:
    """`confirmed`: gifts may flow. Across communities that needs the asking station's confirmation
    (`station_confirmed`) and the relative household's (`relative_accepted`); `waiting_for` names who is left."""
    across = kinship.household.community_id != kinship.relative_household.community_id
    waiting = ([] if kinship.confirmed_at else ["station"]) + (
        ["relative"] if across and kinship.relative_accepted_at is None else [])
    return {
        "id": kinship.id, "household_id": kinship.household_id, "household_name": kinship.household.name,
        "relative_household_id": kinship.relative_household_id,
        "relative_household_name": kinship.relative_household.name, "relation": kinship.relation,
        "across_communities": across,
        "household_community_id": kinship.household.community_id,
        "household_community_name": kinship.household.community.name,
        "relative_community_id": kinship.relative_household.community_id,
        "relative_community_name": kinship.relative_household.community.name,
        "confirmed": not waiting, "station_confirmed": kinship.confirmed_at is not None,
        "confirmed_at": kinship.confirmed_at,
        "relative_accepted": kinship.relative_accepted_at is not None,
        "relative_accepted_at": kinship.relative_accepted_at,
        "waiting_for": waiting,
    }
