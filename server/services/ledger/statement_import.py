"""存折转入(外部): a household brings the closing balance of a statement signed by another Love Bank.

The statement is checked against the trusted keys (TRUSTED_STATEMENT_KEYS_FILE, the shape of
`GET /api/v1/keys`), never against whatever key it names; it is credited once, whatever the number of
tries: the transfer's key is `statement_import:<sha256 of the canonical form>`, so the same statement
imported twice posts once, and imported into a second household is refused (409). A household's hours come
over once whatever the number of its statements: a later month's statement of a source household already
imported brings only what its closing adds to what came before (refused when nothing), an older one nothing.
The legs are those of a credit (issuance −n; the household +kept; love pool +what passes the storage cap),
n the closing balance less what came before; the passbook line names the source
("导入：<community> <period> 存折").
"""

import json
from pathlib import Path

from server import runtime
from server.errors import NotFound, RuleBroken
from server.models import Household, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import signing
from server.services.people import core as people


def trusted_keys() -> list[dict]:
    """The keys of TRUSTED_STATEMENT_KEYS_FILE (`{keys: [...]}` or a bare list); none when unset."""
    path = runtime.setting("TRUSTED_STATEMENT_KEYS_FILE")
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleBroken(f"受信任密钥文件读不出来：{path}", field="TRUSTED_STATEMENT_KEYS_FILE",
                         rule="trusted_keys_unreadable") from exc
    keys = data.get("keys") if isinstance(data, dict) else data
    return [key for key in keys or [] if isinstance(key, dict)]


def read_document(text: str) -> dict | str:
    """A file holds the signed statement as JSON, or its compact form (what the QR code holds)."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text


def source_label(community_name: str, period: str) -> str:
    year, month = period.split("-") if "-" in period else (period, "")
    return f"导入：{community_name} {year}年{int(month)}月 存折" if month.isdigit() else f"导入：{community_name} {period} 存折"


def imported_before(community_code: str, household_id: int) -> int:
    """Minutes already credited from one source household's statements and not reversed (statement imports are
    few: read them all)."""
    reversed_ids = Transfer.select(Transfer.reverses).where(Transfer.reverses.is_null(False))
    rows = (Transfer.select(Transfer.minutes, Transfer.details)
            .where(Transfer.code == "statement_import", Transfer.state == "posted", Transfer.id.not_in(reversed_ids)))
    return sum(row.minutes for row in rows
               if (row.details or {}).get("source_community") == community_code
               and (row.details or {}).get("source_household") == household_id)


def import_statement(document: dict | str, household_id: int) -> tuple[Transfer, bool]:
    """Verify against the trusted keys and credit the closing balance to the household, once.
    Returns the transfer and whether this call posted it (False: imported before)."""
    household = Household.get_or_none(Household.id == household_id)
    if household is None:
        raise NotFound("没有这户家庭", field="household")
    if household.closed_at is not None:
        raise people.HouseholdClosed(field="household")
    keys = trusted_keys()
    if not keys:
        raise RuleBroken("没有配置受信任的签名密钥（TRUSTED_STATEMENT_KEYS_FILE），不能导入", field="statement",
                         rule="no_trusted_keys")
    result = signing.check(document, keys)
    if not result["valid"]:
        first = result["reasons"][0]
        rule = "untrusted_key" if first["code"] == "unknown_key" else first["code"]
        raise RuleBroken(f"存折校验没有通过：{first['message']}", field="statement", rule=rule,
                         reasons=result["reasons"])
    if result["closing"] <= 0:
        raise RuleBroken("存折月末余额为0或负数，没有可以转入的时间", field="closing", rule="minutes_positive")
    account = ledger.household_account(household.id)
    issuance, pool = ledger.system_accounts(household.community_id)
    cap = runtime.setting("HOUSEHOLD_CAP_MINUTES")
    label = source_label(result["community_name"], result["period"])

    def legs_for(accounts):
        # Under the household's lock: what this source household brought before (a replay finds its own row).
        before = imported_before(result["community"], result["household"])
        minutes = result["closing"] - before
        if minutes <= 0:
            raise RuleBroken(f"这户在{result['community_name']}的时间已经转入过{before / 60:g}小时，这张存折没有更多可以转入的",
                             field="statement", rule="already_imported", imported_minutes=before)
        legs, overflow = ledger.credit_legs(accounts[issuance.id], accounts[account.id], accounts[pool.id], minutes, cap)
        return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes),
                      "imported_before_minutes": before}

    key = f"statement_import:{result['digest']}"
    before = Transfer.select().where(Transfer.idempotency_key == key).exists()
    transfer = ledger.post(
        community_id=household.community_id, code="statement_import", key=key,
        body={"household": household.id, "digest": result["digest"]}, reason=label,
        details={"content": label, "source_community": result["community"], "source_household": result["household"],
                 "source_period": result["period"],
                 "source_key_id": result["key_id"], "statement_digest": result["digest"]},
        account_ids=[account.id, issuance.id, pool.id], legs_for=legs_for,
    )
    return transfer, not before
