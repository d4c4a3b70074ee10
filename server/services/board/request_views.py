"""How a request reads for its household: status in words, who is coming, what is held, the promise."""

from server.models import Member, Provider, Request, ServiceRecord, Task, TaskVisit, Transfer
from server.services.board import catalog, network_tasks, promise
from server.services.board.tasks import status_label


def request_view(request: Request) -> dict:
    task = Task.get(Task.request == request.id)
    volunteer = Member.get_by_id(task.volunteer_id) if task.volunteer_id else None
    visit = (TaskVisit.select().where(TaskVisit.task == task.id, TaskVisit.record.is_null(False))
             .order_by(TaskVisit.id.desc()).first())
    provider = Provider.get_by_id(task.provider_id) if task.provider_id else None
    if provider is not None:  # a provider's visit has no check-in: its record names the task
        visit = (ServiceRecord.select(ServiceRecord.id.alias("record_id")).where(ServiceRecord.task_id == task.id)
                 .order_by(ServiceRecord.id.desc()).first())
    hold = Transfer.get_by_id(request.hold_id) if request.hold_id else None
    return {
        "id": request.id,
        "task_id": task.id,
        "payback": request.payback,
        "requester_id": request.requester_id,
        "requester_name": request.requester.name,
        "created_by_name": request.created_by.name,
        "category_code": catalog.category_code(request.category_id),
        "category_name": catalog.category_name(request.category_id),
        "item_name": catalog.item_name(request.item_id) if request.item_id else None,
        "description": request.description,
        "place": task.place,
        "window_start": request.window_start,
        "window_end": request.window_end,
        "estimated_minutes": request.estimated_minutes,
        "urgency": request.urgency,
        "status": task.status,
        "status_label": status_label(task.status, provider=provider is not None),
        "held_minutes": hold.minutes if hold else None,
        "hold_state": hold.state if hold else None,
        "spent_minutes": hold.posted_minutes if hold else None,
        "volunteer": None if volunteer is None else {"id": volunteer.id, "name": volunteer.name, "phone": volunteer.phone},
        "provider": None if provider is None else {"id": provider.id, "name": provider.name,
                                                   "contact_name": provider.contact_name, "phone": provider.phone},
        "record_id": visit.record_id if visit else None,
        "cancel_reason": request.cancel_reason,
        "created_at": request.created_at,
        **promise.task_promise(task, request),
        "preferred_volunteer": None if request.preferred_volunteer_id is None else {
            "id": request.preferred_volunteer_id, "name": request.preferred_volunteer.name},
        "preferred_until": task.reserved_until if task.reserved_for_id else None,
        **network_tasks.request_fields(request),
    }
