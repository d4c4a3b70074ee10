"""The printed passbook (存折打印, docs/station.md "Printed passbook"): a household's ledger lines laid out like a
bank passbook for the station's printer, going on where the last printout stopped, with a QR code to check it.

Without a start date a printout prints the lines after the household's mark (the last entry printed by a
continuing printout) and moves the mark to its last line, in one transaction. With `start` (and `end`) it
reprints that range and leaves the mark alone. The QR code holds the latest signed statement of a month the
lines touch (its compact form, `LB1.…`, which `POST /api/v1/statements/verify` checks) or, when there is none,
a digest of the printed lines (`LBP1.…`, see `digest`).
"""

import datetime as dt
import hashlib
import json

from peewee import fn

from server import clock, runtime
from server.db import database
from server.errors import RuleBroken
from server.models import Household, Member, PassbookPrintout, Statement
from server.services.ledger import passbook, signing
from server.services.oversight import documents, statement_pdf
from server.services.people import core as people

MAX_LINES = 300  # one printout at most (about ten pages); a continuing printout goes on from there next time
DIGEST_PREFIX = "LBP1"
HEADERS = ["日期", "摘要", "存入", "支取", "结余", "见证人"]


def duration(minutes: int) -> str:
    """Exact, as an elder reads time: 105 → 1小时45分, 45 → 45分, 120 → 2小时, 0 → 0 (a passbook's sums must add up,
    so not hours rounded to one decimal as the spreadsheets show them)."""
    hours, rest = divmod(abs(minutes), 60)
    words = (f"{hours}小时" if hours else "") + (f"{rest}分" if rest else "")
    return ("-" if minutes < 0 else "") + (words or "0")


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    today = clock.today()
    if start is not None and start > today:
        raise RuleBroken("开始日期不能晚于今天", field="from", rule="date_in_future")
    if end is not None and end > today:
        raise RuleBroken("结束日期不能晚于今天", field="to", rule="date_in_future")
    if end is not None and start is None:
        raise RuleBroken("给了结束日期，也请给开始日期（接着上次打印时不用填日期）", field="to", rule="from_required")
    if start is not None and end is not None and end < start:
        raise RuleBroken("结束日期不能早于开始日期", field="to", rule="to_before_from")


def mark(household_id: int) -> int:
    """The last entry a continuing printout printed (0: never printed)."""
    return (PassbookPrintout.select(fn.COALESCE(fn.MAX(PassbookPrintout.last_entry_id), 0))
            .where(PassbookPrintout.household == household_id).scalar()) or 0


def digest(household: Household, lines: list[dict]) -> str:
    """`LBP1.<community code>.<household id>.<first entry>-<last entry>.<digest>`: the digest is the first 16 hex
    digits of SHA-256 over the JSON array of `[id, minutes, running_balance_minutes]` per line, oldest first,
    without spaces: the passbook API's own fields, so anyone who may read the passbook can recompute it."""
    rows = [[line["id"], line["minutes"], line["running_balance_minutes"]] for line in lines]
    data = json.dumps(rows, separators=(",", ":")).encode("utf-8")
    code = household.community.code
    return (f"{DIGEST_PREFIX}.{code}.{household.id}.{lines[0]['id']}-{lines[-1]['id']}."
            f"{hashlib.sha256(data).hexdigest()[:16]}")


def covering_statement(household: Household, lines: list[dict]) -> Statement | None:
    """The latest signed statement of a month the printed lines touch."""
    dates = [line["entry_date"] for line in lines]  # by id, so a held transfer's older date may come later
    low, high = min(dates), max(dates)
    return (Statement.select()
            .where(Statement.household == household.id, Statement.signature != "",
                   (Statement.year * 100 + Statement.month) >= low.year * 100 + low.month,
                   (Statement.year * 100 + Statement.month) <= high.year * 100 + high.month)
            .order_by(Statement.year.desc(), Statement.month.desc()).first())


def qr_payload(household: Household, lines: list[dict]) -> tuple[str, str]:
    """What the QR code holds and the words printed under it."""
    statement = covering_statement(household, lines)
    document = signing.signed(statement) if statement is not None else None
    if document is not None:
        return signing.compact(document), (
            f"二维码里是{statement.year}年{statement.month}月签过名的月结单。扫码后把内容提交到"
            f"{runtime.setting('PUBLIC_BASE_URL').rstrip('/')}/api/v1/statements/verify 即可核验，"
            f"也可用公布的公钥离线核验：{statement_pdf.keys_url()}")
    return digest(household, lines), (
        "这几行还没有签过名的月结单。二维码里是这几行的摘要码：社区工作人员按存折记录重新计算，"
        "结果一样就说明打印内容没有被改过。")


def _summary(line: dict) -> str:
    words = [line["code_label"]]
    for extra in (line["content"], line["reason"], line["other_community"]):
        if extra and extra not in words:
            words.append(extra)
    if line["service_date"] != line["entry_date"].isoformat():
        words.append(f"服务日期 {line['service_date']}")
    return "　".join(words)


def _row(line: dict) -> list:
    minutes = line["minutes"]
    return [line["entry_date"].isoformat(), _summary(line),
            duration(minutes) if minutes > 0 else "", duration(-minutes) if minutes < 0 else "",
            duration(line["running_balance_minutes"]), line["witness_name"]]


def story(household: Household, lines: list[dict], *, heading: str, note: str = "") -> list:
    community = household.community
    parts = [
        documents.paragraph("爱心储蓄存折", "title"),
        documents.paragraph(f"社区：{community.name}　　户名：{household.name}　　户号：{household.id}"),
        documents.paragraph(f"{heading}　　打印时间：{clock.now():%Y年%m月%d日 %H:%M}", "note"),
    ]
    if not lines:
        return [*parts, documents.paragraph(note or "没有要打印的记录。", "heading")]
    first = lines[0]
    carried = first["running_balance_minutes"] - first["minutes"]
    table = documents.Table(headers=HEADERS, rows=[_row(line) for line in lines], hour_columns=())
    payload, words = qr_payload(household, lines)
    parts += [
        documents.paragraph(f"承前结余：{duration(carried)}", "body"),
        documents.pdf_table(table),
    ]
    if note:
        parts.append(documents.paragraph(note, "note"))
    return [*parts, documents.paragraph("核验", "heading"), statement_pdf.qr_drawing(payload),
            documents.paragraph(words, "note")]


def printout(viewer: Member, household: Household, *, start: dt.date | None = None,
             end: dt.date | None = None) -> tuple[bytes, str]:
    """The PDF and its file name. Without `start`: the lines after the mark, and the mark moves to the last
    of them (a printout with no new line moves nothing). With `start`: a reprint of that range."""
    household = people.household_for(viewer, household)
    _check_dates(start, end)
    with database.atomic():
        if start is None:
            lines = passbook.lines_for_print(household, after_entry=mark(household.id), limit=MAX_LINES)
            heading = "接着上次打印"
            if lines:
                PassbookPrintout.create(household=household.id, first_entry_id=lines[0]["id"],
                                        last_entry_id=lines[-1]["id"], lines=len(lines), printed_by=viewer.id)
            note = "上次打印以后没有新的记录。" if not lines else ""
        else:
            end = end or clock.today()
            lines = passbook.lines_for_print(household, start=start, end=end, limit=MAX_LINES)
            heading = f"补打：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}"
            note = "" if lines else "这段时间没有记录。"
    if len(lines) == MAX_LINES:
        note = (f"一次最多打印{MAX_LINES}行，其余的请再打印一次。" if start is None else
                f"一次最多打印{MAX_LINES}行，其余的请把开始日期往后选再补打。")
    pdf = documents.pdf_bytes(story(household, lines, heading=heading, note=note), title=f"存折 {household.name}")
    return pdf, f"存折-{household.id}-{clock.today():%Y%m%d}.pdf"
