"""The quarterly audit checks the community's exchange network (通存通兑, issue #15 §1) as `lovebank verify-ledger`
does: is a whole network reported as whole, with each member's position against its limit at the quarter's end;
and is a deliberately broken one (a member gone with its position, a limit below a position, both written past
the services) reported as a violation in the audit, its API answer and its report files? SQLite and PostgreSQL."""

import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from server import clock
from server.models import NetworkMember
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member
from tests.resources.test_clearing import _fund, _network, _post, _related


def _audit(client, community, quarter, station):
    made = client.post(f"/api/v1/communities/{community.id}/audits", json={"year": 2026, "quarter": quarter},
                       headers=station)
    assert made.status_code == 201, made.json
    return made.json


def test_the_audit_reports_its_network_whole_then_broken(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(dt.datetime(2026, 1, 10, 10, 0))
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    network = _network(client, headers(app, make_admin()), [hpl, xfy], limit=600)
    giver, relative = make_member(hpl), make_member(xfy)
    _fund(client, giver.household_id, 300, hpl_station, "fund-giver")
    _related(app, client, giver, relative, hpl_station)
    gift = _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 60},
                 headers(app, giver), key="gift-january")
    assert gift.status_code == 201, gift.json

    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    whole = _audit(client, hpl, 1, hpl_station)
    assert whole["ledger_ok"] is True
    assert whole["network"] == {
        "network_id": network["id"], "name": "和平街道", "kind": "街道", "ok": True, "violations": [],
        "members": [{"community_id": hpl.id, "community_name": "和平里", "position_minutes": 60, "limit_minutes": 600},
                    {"community_id": xfy.id, "community_name": "幸福苑", "position_minutes": -60, "limit_minutes": 600}],
        "total_position_minutes": 0}

    # Broken behind the services' back: 幸福苑 leaves with its position, and 和平里's limit drops below its own.
    NetworkMember.delete().where(NetworkMember.community == xfy.id).execute()
    NetworkMember.update(limit_minutes=30).where(NetworkMember.community == hpl.id).execute()
    clock.freeze(dt.datetime(2026, 7, 2, 9, 0))
    broken = _audit(client, hpl, 2, hpl_station)
    assert broken["ledger_ok"] is False
    rules = sorted(v["rule"] for v in broken["violations"])
    assert rules == ["network_clearing_sums_to_zero", "network_limit"]
    found = broken["network"]
    assert found["ok"] is False and found["total_position_minutes"] == 60
    assert sorted(v["rule_label"] for v in found["violations"]) == ["通存通兑净头寸不超过额度", "通存通兑网络各社区净头寸合计为零"]
    assert found["members"] == [{"community_id": hpl.id, "community_name": "和平里", "position_minutes": 60,
                                 "limit_minutes": 30}]
    # 幸福苑, now in no network, has no network to report.
    assert _audit(client, xfy, 2, xfy_station)["network"] is None

    pdf = client.get(f"/api/v1/audits/{broken['id']}/report?format=pdf", headers=hpl_station)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "通存通兑网络检验" in text and "和平街道：发现2处不一致" in text
    assert "通存通兑净头寸不超过额度" in text and "合计（应为0）" in text
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/audits/{broken['id']}/report?format=xlsx",
                                               headers=hpl_station).data))
    rows = [list(r) for r in book["通存通兑网络"].iter_rows(values_only=True)]
    assert ["和平里", 1, 0.5, "超过"] in rows and ["合计（应为0）", 1, None, None] in rows
    whole_pdf = client.get(f"/api/v1/audits/{whole['id']}/report?format=pdf", headers=hpl_station)
    whole_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(whole_pdf.data)).pages)
    assert "和平街道：各社区净头寸合计为零，都没有超过额度" in whole_text
