"""How the ledger reads in the API: a transfer with its legs named by account kind and household; a kinship."""

from server.models import Account, Entry, Kinship, Transfer
from server.services.ledger import core as ledger


def transfer_view(transfer: Transfer) -> dict:
    legs = (
        Entry.select(Entry.account, Entry.minutes, Account.kind, Account.household, Entry.community)
        .join(Account)
        .where(Entry.transfer == transfer.id)
        .order_by(Entry.id)
        .tuples()
    )
    reversal = Transfer.select(Transfer.id).where(Transfer.reverses == transfer.id).scalar()
    return {
        "id": transfer.id,
        "community_id": transfer.community_id,
        "counter_community_id": transfer.counter_community_id,
        "code": transfer.code,
        "code_label": ledger.CODES[transfer.code],
        "state": transfer.state,
        "minutes": transfer.minutes,
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
    return {
        "id": kinship.id, "household_id": kinship.household_id, "household_name": kinship.household.name,
        "relative_household_id": kinship.relative_household_id,
        "relative_household_name": kinship.relative_household.name, "relation": kinship.relation,
        "confirmed": kinship.confirmed_at is not None, "confirmed_at": kinship.confirmed_at,
    }
