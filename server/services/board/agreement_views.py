"""How an agreement reads (its parties, who has signed, what the caller would sign as), and a recipient file."""

from server.models import Agreement, AgreementSignature, AgreementVolunteer, Member, RecipientFile
from server.services.board import catalog
from server.services.people import privacy

STATUS_LABELS = {"signing": "待签署", "active": "执行中", "suspended": "已暂停", "ended": "已终止"}


def agreement_view(agreement: Agreement, viewer: Member) -> dict:
    volunteers = [link.volunteer for link in AgreementVolunteer.select(AgreementVolunteer, Member)
                  .join(Member).where(AgreementVolunteer.agreement == agreement.id)]
    signed = {(s.party, s.member_id): s for s in AgreementSignature.select().where(
        AgreementSignature.agreement == agreement.id)}
    recipient = agreement.recipient
    parties = [("recipient", recipient)] + [("volunteer", v) for v in volunteers]
    coordinator_sig = next((s for (party, _), s in signed.items() if party == "coordinator"), None)
    signatures = [
        {"party": party, "member_id": member.id, "member_name": member.name,
         "signed_by_name": signed[(party, member.id)].signed_by.name if (party, member.id) in signed else None,
         "signed_at": signed[(party, member.id)].signed_at if (party, member.id) in signed else None}
        for party, member in parties
    ]
    signatures.append({"party": "coordinator", "member_id": coordinator_sig.member_id if coordinator_sig else None,
                       "member_name": coordinator_sig.member.name if coordinator_sig else "服务站",
                       "signed_by_name": coordinator_sig.member.name if coordinator_sig else None,
                       "signed_at": coordinator_sig.signed_at if coordinator_sig else None})
    if viewer.id in [v.id for v in volunteers]:
        my_party = "volunteer"
    elif viewer.id == recipient.id or (viewer.household_id and viewer.household_id == recipient.household_id):
        my_party = "recipient"
    elif privacy.coordinates(viewer, agreement.community_id):
        my_party = "coordinator"
    else:
        my_party = None
    return {
        "id": agreement.id, "status": agreement.status, "status_label": STATUS_LABELS[agreement.status],
        "recipient_id": recipient.id, "recipient_name": recipient.name,
        "category_name": catalog.category_name(agreement.category_id), "item_codes": agreement.item_codes,
        "content": agreement.content, "place": agreement.place, "schedule": agreement.schedule,
        "start_date": agreement.start_date, "end_date": agreement.end_date,
        "volunteers": [{"member_id": v.id, "name": v.name} for v in volunteers],
        "volunteer_names": "、".join(v.name for v in volunteers), "signatures": signatures,
        "my_party": my_party, "created_at": agreement.created_at, "activated_at": agreement.activated_at,
        "status_note": agreement.status_note,
    }


def file_view(record: RecipientFile) -> dict:
    return {"id": record.id, "member_id": record.member_id, "member_name": record.member.name, "needs": record.needs,
            "risks": record.risks, "emergency_contact_name": record.emergency_contact_name,
            "emergency_contact_phone": record.emergency_contact_phone, "consent_date": record.consent_date,
            "created_at": record.created_at}
