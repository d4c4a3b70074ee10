"""How a service record reads in the API (names resolved, status in words)."""

from server.models import ServiceRecord
from server.services.records import STATUS_LABELS


def _name(member):
    return member.name if member is not None else None


def record_view(record: ServiceRecord) -> dict:
    return {
        "id": record.id,
        "status": record.status,
        "status_label": STATUS_LABELS[record.status],
        "source": record.source,
        "category_name": record.category.name,
        "item_name": record.item.name if record.item_id else None,
        "place": record.place,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "duration_minutes": record.duration_minutes,
        "credited_minutes": record.credited_minutes,
        "content": record.content,
        "volunteer_id": record.volunteer_id,
        "volunteer_name": record.volunteer.name,
        "witness_id": record.witness_id,
        "witness_name": record.witness_name,
        "recipient_name": _name(record.recipient) if record.recipient_id else None,
        "public_good": record.public_good,
        "needs_approval": record.needs_approval,
        "rating": record.rating,
        "comment": record.comment,
        "organiser": record.organiser,
        "recorder_name": _name(record.recorder) if record.recorder_id else None,
        "confirmed_by_name": _name(record.confirmed_by) if record.confirmed_by_id else None,
        "confirmed_for_name": _name(record.confirmed_for) if record.confirmed_for_id else None,
        "confirmed_at": record.confirmed_at,
        "confirmed_via": record.confirmed_via,
        "dispute_reason": record.dispute_reason,
        "reject_reason": record.reject_reason,
        "transfer_id": record.transfer_id,
        "created_at": record.created_at,
    }
