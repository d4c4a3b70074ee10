"""The printed witness code card (见证码卡, docs/station.md): the codes of a card just issued, laid out for an elder.

A card's codes exist only in the answer that issued it (only their HMACs are kept: board/code_cards.py), so the
printout is made in that same request and can never be made again: a lost or unreadable card is replaced by
issuing a new one, which revokes the old. One A4 page: who the card is for and when it was issued, the numbered
codes in a grid in large digits, and how to use it in large Chinese text.
"""

from functools import lru_cache

from server import clock
from server.models import Household, Member
from server.services.board import code_cards
from server.services.oversight import documents

COLUMNS = 4
HOW_TO = "志愿者服务后，请念出下一个没划掉的号码"
RULES = [
    "念过的号码请用笔划掉，每个号码只能用一次。",
    "只念给为您服务的志愿者或服务站工作人员听，不要拍照发给别人。",
    "卡丢了或用完了，请到社区服务站换一张新卡，旧卡就不能用了。",
]


@lru_cache(maxsize=1)
def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    base = documents.pdf_styles()["body"]
    return {
        "how": ParagraphStyle("how", parent=base, fontSize=20, leading=30, spaceBefore=6, spaceAfter=8),
        "rule": ParagraphStyle("rule", parent=base, fontSize=14, leading=22),
        "who": ParagraphStyle("who", parent=base, fontSize=14, leading=22),
        "number": ParagraphStyle("number", parent=base, fontSize=12, leading=14, textColor="#555555"),
    }


def _paragraph(text: str, style: str):
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), _styles()[style])


def _grid(codes: list[str]):
    """The codes in numbered cells, COLUMNS to a row, the code in large digits (Helvetica: clear 0/6/8/9)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    cells = [[f"第{number}号", code] for number, code in enumerate(codes, start=1)]
    rows = []
    for start in range(0, len(cells), COLUMNS):
        chunk = cells[start:start + COLUMNS]
        chunk += [["", ""]] * (COLUMNS - len(chunk))
        rows.append([part for cell in chunk for part in cell])
    made = Table(rows, colWidths=[15 * mm, 30 * mm] * COLUMNS, rowHeights=17 * mm, hAlign="CENTER")
    made.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), documents.PDF_FONT, 11),
        *[("FONT", (c, 0), (c, -1), "Helvetica-Bold", 21) for c in range(1, 2 * COLUMNS, 2)],
        ("TEXTCOLOR", (0, 0), (-1, -1), "#333333"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "LEFT"),
        *[("BOX", (c, r), (c + 1, r), 0.8, "#666666") for r in range(len(rows)) for c in range(0, 2 * COLUMNS, 2)],
    ]))
    return made


def story(household: Household, card, codes: list[str]) -> list:
    from reportlab.platypus import Spacer

    community = household.community
    issued = clock.aware(card.issued_at)
    return [
        documents.paragraph("见证码卡", "title"),
        _paragraph(f"社区：{community.name}　　户名：{household.name}　　户号：{household.id}", "who"),
        _paragraph(f"发卡日期：{issued:%Y年%m月%d日}　　卡号：{card.id}　　共{len(codes)}个号码", "who"),
        _paragraph(HOW_TO, "how"),
        _grid(codes),
        Spacer(1, 12),
        *[_paragraph(f"{n}. {rule}", "rule") for n, rule in enumerate(RULES, start=1)],
        documents.paragraph(f"本卡由{card.issued_by.name}于{issued:%Y-%m-%d %H:%M}发出，号码只在这次打印时出现，"
                            "服务站也无法再查看或补打。", "note"),
    ]


def issue_printed(coordinator: Member, household: Household) -> tuple[bytes, str, dict]:
    """Issue a new card (revoking the old) and lay it out: the PDF, its file name, and the card without codes."""
    card, codes = code_cards.issue(coordinator, household)
    pdf = documents.pdf_bytes(story(household, card, codes), title=f"见证码卡 {household.name}")
    return pdf, f"见证码卡-{household.id}-{card.id}.pdf", code_cards.card_view(card)
