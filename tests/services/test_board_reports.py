"""The task board's report sections, and what data rights export and erase of it."""

import datetime as dt

from server import clock
from server.models import RecipientFile, Request, Task
from server.services.board import agreements, tasks
from server.services.oversight import study_report
from server.services.people import data_rights
from tests.factories import (
    make_agreement,
    make_community,
    make_coordinator,
    make_member,
    make_request,
    make_volunteer,
)


def _table(period, key):
    return next(s for s in study_report.build(period) if s.key == key).table


def test_requests_unmet_late_and_response_times(app):
    community = make_community()
    resident = make_member(community)
    volunteer, _ = make_volunteer(community)
    clock.freeze(dt.datetime(2026, 3, 2, 8, 0))
    served = Task.get(Task.request == make_request(resident, hours_from_now=1).id)
    late = Task.get(Task.request == make_request(resident, hours_from_now=1).id)
    unmet = Task.get(Task.request == make_request(resident, hours_from_now=1).id)
    clock.freeze(dt.datetime(2026, 3, 2, 8, 30))
    tasks.claim(volunteer, served)  # 0.5 h after posting
    tasks.check_in(volunteer, served)
    clock.freeze(dt.datetime(2026, 3, 2, 10, 0))
    tasks.check_out(volunteer, served)  # done 2 h after posting
    tasks.claim(volunteer, late)  # after its window began (09:00)
    clock.freeze(dt.datetime(2026, 3, 3, 9, 0))
    assert tasks.expire_overdue() == 1 and Task.get_by_id(unmet.id).status == "expired"
    period = study_report.period_of(community, 2026, 1)
    march = next(row for row in _table(period, "requests").rows if row[0] == "2026年3月")
    assert march == ["2026年3月", 3, 1, 1, 0, 1]
    overall = _table(period, "response_times").rows[-1]
    assert overall[0] == "全部" and overall[1] == 2 and overall[3] == "2.0"


def test_agreements_active_and_visits_done(app):
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community, name="李奶奶")
    volunteer, _ = make_volunteer(community)
    clock.freeze(dt.datetime(2026, 2, 1, 8, 0))
    agreement = make_agreement(coordinator, elder, [volunteer], days=10)
    for signer in (elder, volunteer, coordinator):
        agreements.sign(signer, agreement)
    agreements.generate_occurrences()
    first = Task.select().where(Task.agreement == agreement.id).order_by(Task.window_start).first()
    clock.freeze(first.window_start)
    tasks.check_in(volunteer, first)
    clock.freeze(first.window_start + dt.timedelta(hours=1))
    tasks.check_out(volunteer, first)
    rows = _table(study_report.period_of(community, 2026, 1), "agreements").rows
    assert rows[0][0] == "李奶奶：帮困" and rows[0][1] == 11 and rows[0][2] == 1
    assert rows[-1][0] == "合计"


def test_export_and_erasure_cover_requests_and_case_files(app):
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community, name="王奶奶")
    volunteer, _ = make_volunteer(community)
    request = make_request(elder, description="腿脚不便，需要有人帮忙买药")
    make_agreement(coordinator, elder, [volunteer])
    exported = data_rights.export(elder)
    assert exported["requests"][0]["description"] == "腿脚不便，需要有人帮忙买药"
    assert exported["agreements"][0]["recipient_name"] == "王奶奶"
    assert exported["recipient_files"][0]["risks"] == "高血压"
    data_rights.erase(elder)
    assert Request.get_by_id(request.id).description == "（已注销）"
    assert Task.get(Task.request == request.id).description == "（已注销）"
    file = RecipientFile.get(RecipientFile.member == elder.id)
    assert (file.needs, file.risks, file.emergency_contact_phone) == ("（已注销）", "", "")
