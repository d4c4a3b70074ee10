"""通存通兑 in the half-year study report (issue #15 §5): does the exchange section hold the community's flows in
and out by kind, month by month, its net position against its limit, and its network's positions — as counted by
hand from a half-year of gifts, a move and a reversal? Over HTTP on SQLite and PostgreSQL."""

import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from server import clock
from server.services.ledger import networks
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member
from tests.resources.test_clearing import _fund, _network, _post, _related, _verified

KINDS = ["冲正转入（小时）", "冲正转出（小时）", "亲情转赠转入（小时）", "亲情转赠转出（小时）", "迁移转入（小时）",
         "迁移转出（小时）"]
HEADERS = ["月份", *KINDS, "转入合计（小时）", "转出合计（小时）", "月末净头寸（小时）", "额度（小时）"]


def _at(month, day, hour=10):
    clock.freeze(dt.datetime(2026, month, day, hour, 0))


def _section(report, key):
    return next(s for s in report["sections"] if s["key"] == key)


def test_the_half_year_report_counts_what_crossed_month_by_month(any_app):
    """和平里 (limit 10 h, 15 h from June): February gives 1 h to 幸福苑, March 1.5 h, April receives 0.5 h back,
    May a household of 2 h moves out, June 幸福苑's station reverses March's gift (1.5 h back in)."""
    app, client = any_app, any_app.test_client()
    _at(1, 5)
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    admin = headers(app, make_admin())
    network = _network(client, admin, [hpl, xfy], limit=600)
    giver, relative, mover = make_member(hpl, name="王志愿"), make_member(xfy, name="吴奶奶"), make_member(hpl)
    _fund(client, giver.household_id, 600, hpl_station, "fund-giver")
    _fund(client, mover.household_id, 120, hpl_station, "fund-mover")
    _related(app, client, giver, relative, hpl_station)
    _related(app, client, relative, giver, xfy_station)

    def gift(who, to, minutes, key):
        answer = _post(client, "/api/v1/ledger/gifts", {"to_household_id": to.household_id, "minutes": minutes},
                       headers(app, who), key=key)
        assert answer.status_code == 201, answer.json
        return answer.json

    _at(2, 10)
    gift(giver, relative, 60, "gift-february")
    _at(3, 1, 9)
    for month in (1, 2):  # a closed month's settlement keeps the limit it had (10 h)
        networks.close_month(2026, month)
    _at(3, 3)
    march = gift(giver, relative, 90, "gift-march")
    _at(4, 8)
    gift(relative, giver, 30, "gift-april-back")
    _at(5, 5)
    move = _post(client, f"/api/v1/households/{mover.household_id}/moves", {"to_community_id": xfy.id,
                 "reason": "搬去女儿家住"}, headers(app, mover))
    assert move.status_code == 201, move.json
    _at(5, 6)
    assert client.post(f"/api/v1/moves/{move.json['id']}/accept", headers=xfy_station).status_code == 200
    _at(6, 1)
    raised = client.patch(f"/api/v1/networks/{network['id']}", json={
        "limits": [{"community_id": c.id, "limit_minutes": 900} for c in (hpl, xfy)]}, headers=admin)
    assert raised.status_code == 200, raised.json
    _at(6, 12)
    reversal = _post(client, f"/api/v1/transfers/{march['id']}/reversal", {"reason": "误转，家属要求退回"},
                     xfy_station, key="reverse-march")
    assert reversal.status_code == 201, reversal.json
    _at(7, 2)
    _verified(client, hpl_station, xfy_station)

    base = f"/api/v1/communities/{hpl.id}/reports/half-year?year=2026&half=1"
    report = client.get(base, headers=hpl_station).json
    flows = _section(report, "exchange")
    assert flows["title"] == "通存通兑：逐月转入转出" and flows["headers"] == HEADERS
    assert flows["rows"] == [
        ["2026年1月", 0, 0, 0, 0, 0, 0, 0, 0, 0, 10],
        ["2026年2月", 0, 0, 0, 1, 0, 0, 0, 1, 1, 10],
        ["2026年3月", 0, 0, 0, 1.5, 0, 0, 0, 1.5, 2.5, 15],
        ["2026年4月", 0, 0, 0.5, 0, 0, 0, 0.5, 0, 2, 15],
        ["2026年5月", 0, 0, 0, 0, 0, 2, 0, 2, 4, 15],
        ["2026年6月", 1.5, 0, 0, 0, 0, 0, 1.5, 0, 2.5, 15],
    ]
    assert flows["chart"] == {"title": "通存通兑：逐月转入、转出和月末净头寸", "kind": "bar"}
    assert any("期初净头寸0小时" in note for note in flows["notes"])

    mirrored = _section(client.get(f"/api/v1/communities/{xfy.id}/reports/half-year?year=2026&half=1",
                                   headers=xfy_station).json, "exchange")
    assert [row[7:10] for row in mirrored["rows"]] == [[0, 0, 0], [1, 0, -1], [1.5, 0, -2.5], [0, 0.5, -2],
                                                       [2, 0, -4], [0, 1.5, -2.5]]

    positions = _section(report, "exchange_network")
    assert positions["rows"] == [["和平里（本社区）", 2.5, 15, "17%", 0, 0], ["幸福苑", -2.5, 15, "17%", 2, 4.5]]
    assert positions["notes"][0] == "网络：和平街道（街道），2个社区。"
    assert "合计0小时" in positions["notes"][1]

    # The same in the workbook (its own sheets, native charts), as a PNG chart and in the PDF.
    book = load_workbook(io.BytesIO(client.get(f"{base}&format=xlsx", headers=hpl_station).data))
    sheet = book["通存通兑"]
    assert sheet._charts and ["2026年5月", 0, 0, 0, 0, 0, 2] in [list(r[:7]) for r in sheet.iter_rows(values_only=True)]
    assert book["通存通兑网络"]._charts
    png = client.get(f"{base}&format=png&chart=exchange", headers=hpl_station)
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    pdf = client.get(f"{base}&format=pdf", headers=hpl_station)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "通存通兑：逐月转入转出" in text and "通存通兑网络和净头寸" in text


def test_a_community_outside_any_network_says_so(any_app):
    app, client = any_app, any_app.test_client()
    _at(7, 2)
    alone = make_community("安华里")
    report = client.get(f"/api/v1/communities/{alone.id}/reports/half-year?year=2026&half=1",
                        headers=headers(app, make_coordinator(alone))).json
    flows = _section(report, "exchange")
    assert flows["notes"][0] == "本社区现在没有加入通存通兑网络。"
    assert [row[-4:] for row in flows["rows"]] == [[0, 0, 0, "—"]] * 6
    assert _section(report, "exchange_network")["rows"] == []
