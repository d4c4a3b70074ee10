"""短信提醒: a member's recorded consent to get texts (for an elder's 老年机 or a relative's phone).

Who may record it: the member in the mini-program (`via="app"`), or a coordinator of the member's
community at the counter with a signed paper consent form (`via="counter"`, its number in
`form_ref`). A consent is kept whole: who recorded it, when, how, for which phone; withdrawing it
(the member, or the station) stamps when and by whom. A new phone number or a new way is a new
consent, the old one withdrawn in the same transaction. Texts follow only an open consent, and the
sender checks again just before each one (server/services/messaging/sms_delivery.py).
"""

import re

from peewee import IntegrityError

from server import clock
from server.db import database
from server.errors import Conflict, Forbidden, RuleBroken
from server.models import Member, SmsConsent, SmsMessage
from server.services.messaging import message_format
from server.services.people import privacy

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only (\d would take full-width ones)
RECENT = 10  # texts shown with the consent: the station sees whether they arrive


def _may_act(actor: Member, member: Member, via: str) -> None:
    if via == "app" and actor.id != member.id:
        raise Forbidden("只有本人可以在小程序里开通短信提醒；服务站代办请选「柜台登记」并填纸质同意书编号",
                        field="via")
    if via == "counter" and not privacy.coordinates(actor, member.community_id):
        raise Forbidden("只有本社区服务站可以在柜台登记短信提醒", field="via")


def open_consent(member_id: int) -> SmsConsent | None:
    return SmsConsent.get_or_none(SmsConsent.member == member_id, SmsConsent.withdrawn_at.is_null())


def consent(actor: Member, member: Member, *, via: str, phone: str | None = None, form_ref: str = "") -> dict:
    """Record the member's consent to texts at `phone` (their phone on file when left out); answers `state`."""
    record(actor, member, via=via, phone=phone, form_ref=form_ref)
    return state(actor, member)


def record(actor: Member, member: Member, *, via: str, phone: str | None = None, form_ref: str = "") -> SmsConsent:
    """The consent row: a new one, or the open one when nothing changed."""
    _may_act(actor, member, via)
    if member.erased_at is not None:
        raise Conflict("这位成员的资料已注销，不能开通短信提醒", field="member_id", rule="member_erased")
    phone = (phone or member.phone or "").strip().replace(" ", "").replace("-", "")
    if not phone:
        raise RuleBroken("请填写接收短信的手机号", field="phone", rule="phone_required")
    if not MOBILE.fullmatch(phone):
        raise RuleBroken("手机号应是11位数字、以1开头，例如13812345678", field="phone", rule="phone_invalid")
    form_ref = (form_ref or "").strip()
    if via == "counter" and not form_ref:
        raise RuleBroken("柜台登记请填写纸质同意书的编号", field="form_ref", rule="form_required")
    now = clock.now()
    try:
        with database.atomic():
            current = open_consent(member.id)
            if current is not None and (current.phone, current.via, current.form_ref) == (phone, via, form_ref):
                return current  # the same consent again: nothing new to record
            if current is not None:
                SmsConsent.update(withdrawn_at=now, withdrawn_by=actor.id).where(
                    SmsConsent.id == current.id, SmsConsent.withdrawn_at.is_null()).execute()
            return SmsConsent.create(member=member.id, community=member.community_id, phone=phone, via=via,
                                     form_ref=form_ref, recorded_by=actor.id, consented_at=now)
    except IntegrityError:
        raise Conflict("刚刚有人同时修改了短信提醒，请刷新后再试", field="member_id", rule="sms_consent_changed") from None


def withdraw(actor: Member, member: Member) -> dict:
    """Stop texts: the member, or a coordinator of their community. Withdrawing twice changes nothing."""
    if actor.id != member.id and not privacy.coordinates(actor, member.community_id):
        raise Forbidden("只有本人或本社区服务站可以关闭短信提醒")
    with database.atomic():
        current = open_consent(member.id)
        if current is not None:
            SmsConsent.update(withdrawn_at=clock.now(), withdrawn_by=actor.id).where(
                SmsConsent.id == current.id, SmsConsent.withdrawn_at.is_null()).execute()
    return state(actor, member)


def state(viewer: Member, member: Member) -> dict:
    """What the member (or the station) sees: on or off, the masked phone, how and when it was agreed,
    and the last texts with their delivery status."""
    if viewer.id != member.id and not privacy.coordinates(viewer, member.community_id):
        raise Forbidden("只有本人或本社区服务站可以查看短信提醒")
    current = open_consent(member.id)
    last = (SmsConsent.select().where(SmsConsent.member == member.id).order_by(SmsConsent.id.desc()).first())
    texts = SmsMessage.select().where(SmsMessage.member == member.id).order_by(SmsMessage.id.desc()).limit(RECENT)
    shown = current or last
    return {
        "member_id": member.id,
        "enabled": current is not None,
        "phone": privacy.mask_phone(shown.phone) if shown else "",
        "via": shown.via if shown else None,
        "form_ref": shown.form_ref if shown else "",
        "consented_at": shown.consented_at if shown else None,
        "recorded_by_name": shown.recorded_by.name if shown else "",
        "withdrawn_at": shown.withdrawn_at if shown else None,
        "messages": [{
            "id": text.id, "template_key": text.template_key,
            "text": message_format.sms_text(text.template_key, [v.replace("{code}", "******") for v in text.params]),
            "status": text.status, "provider_code": text.provider_code, "note": text.note,
            "created_at": text.created_at, "sent_at": text.sent_at, "delivered_at": text.delivered_at,
        } for text in texts],
    }


def enabled_among(member_ids: list[int]) -> set[int]:
    """Of these members, those with an open SMS consent (one query, for a household's page)."""
    if not member_ids:
        return set()
    return {row.member_id for row in SmsConsent.select(SmsConsent.member).where(
        SmsConsent.member.in_(member_ids), SmsConsent.withdrawn_at.is_null())}
