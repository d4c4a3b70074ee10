"""Subscribe-message consent credits: one accepted wx.requestSubscribeMessage allows one send.

The mini-program reports what the member accepted; each accept adds one credit for
that template, each WeChat send spends one. Spending is a guarded UPDATE (credits > 0)
whose row count says whether a credit was there, so two workers cannot both spend
the last one. WeChat's own answer wins: 43101 ("the user has not subscribed") sets
the count to zero.
"""

from config.notification_templates import TEMPLATES
from server import clock
from server.db import database
from server.errors import RuleBroken
from server.models import Member, SubscriptionCredit

# A member who taps "allow" a hundred times still gets no more than this many sends queued.
MAX_CREDITS = 50
ACCEPT = "accept"
ANSWERS = ("accept", "reject", "ban", "filter")


def credits_view(member: Member, template_ids: dict) -> list[dict]:
    """Every template, its WeChat id (for wx.requestSubscribeMessage) and my credits."""
    held = dict(
        SubscriptionCredit.select(SubscriptionCredit.template_key, SubscriptionCredit.credits)
        .where(SubscriptionCredit.member == member.id)
        .tuples()
    )
    return [
        {
            "template_key": key,
            "label": template.label,
            "template_id": template_ids.get(key) or None,
            "credits": held.get(key, 0),
        }
        for key, template in TEMPLATES.items()
    ]


def record(member: Member, results: dict[str, str]) -> int:
    """Record what wx.requestSubscribeMessage answered; returns the credits added."""
    unknown = sorted(set(results) - set(TEMPLATES))
    if unknown:
        raise RuleBroken(f"没有这种消息：{', '.join(unknown)}", field="results", rule="unknown_template")
    accepted = [key for key, answer in results.items() if answer == ACCEPT]
    added = 0
    with database.atomic():
        for key in accepted:
            SubscriptionCredit.insert(member=member.id, template_key=key, credits=0,
                                      updated_at=clock.now()).on_conflict_ignore().execute()
            added += (
                SubscriptionCredit.update(credits=SubscriptionCredit.credits + 1, updated_at=clock.now())
                .where(SubscriptionCredit.member == member.id, SubscriptionCredit.template_key == key,
                       SubscriptionCredit.credits < MAX_CREDITS)
                .execute()
            )
    return added


def spend(member_id: int, template_key: str) -> bool:
    """Spend one credit; False when none is left. Call inside the sender's transaction."""
    return bool(
        SubscriptionCredit.update(credits=SubscriptionCredit.credits - 1, updated_at=clock.now())
        .where(SubscriptionCredit.member == member_id, SubscriptionCredit.template_key == template_key,
               SubscriptionCredit.credits > 0)
        .execute()
    )


def refund(member_id: int, template_key: str) -> None:
    """WeChat did not deliver, so the member's consent is still there."""
    SubscriptionCredit.update(credits=SubscriptionCredit.credits + 1, updated_at=clock.now()).where(
        SubscriptionCredit.member == member_id, SubscriptionCredit.template_key == template_key
    ).execute()


def forget(member_id: int, template_key: str) -> None:
    """WeChat says no consent is left (43101): our count was wrong, trust WeChat."""
    SubscriptionCredit.update(credits=0, updated_at=clock.now()).where(
        SubscriptionCredit.member == member_id, SubscriptionCredit.template_key == template_key
    ).execute()
