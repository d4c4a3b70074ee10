"""A monthly statement as a PDF the household keeps: its figures, its signature, and a QR code holding
the signed statement's compact form, so anyone can check it offline with the community's public key
(docs/ledger.md, "Signed statements") even when the bank that wrote it is gone."""

from server import runtime
from server.models import Household, Statement
from server.services.ledger import signing
from server.services.oversight import documents

QR_SIZE_MM = 62


def keys_url() -> str:
    return f"{runtime.setting('PUBLIC_BASE_URL').rstrip('/')}/.well-known/lovebank-keys.json"


def qr_drawing(payload: str):
    """reportlab's QR widget in a drawing (vector, no image library), error correction M."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = QR_SIZE_MM * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def story(statement: Statement) -> list:
    household = Household.get_by_id(statement.household_id)
    community = household.community
    figures = documents.Table(
        headers=["月初余额（小时）", "本月存入（小时）", "本月支出（小时）", "月末余额（小时）"],
        rows=[[documents.hours(statement.opening_minutes), documents.hours(statement.minutes_in),
               documents.hours(statement.minutes_out), documents.hours(statement.closing_minutes)]],
        hour_columns=(0, 1, 2, 3))
    members = documents.Table(
        headers=["家庭成员", "本月服务（小时）"],
        rows=[[row.get("name", ""), documents.hours(row.get("minutes"))] for row in statement.per_member or []],
        hour_columns=(1,))
    parts = [
        documents.paragraph("爱心储蓄存折 · 每月汇总", "title"),
        documents.paragraph(f"{community.name}　{household.name}　{statement.year}年{statement.month}月"),
        documents.pdf_table(figures), documents.paragraph("本月服务", "heading"), documents.pdf_table(members),
        documents.paragraph("电子签名", "heading"),
    ]
    document = signing.signed(statement)
    if document is None:
        return [*parts, documents.paragraph("这份月结单在签名功能启用前结账，没有签名。", "note")]
    return [
        *parts,
        documents.paragraph(f"签名密钥：{document['key_id']}（Ed25519）　结账时间：{document['signed_at']}"),
        documents.paragraph(f"结账时账本链第{document['chain_seq']}条，链头：{document['chain_head']}", "note"),
        qr_drawing(signing.compact(document)),
        documents.paragraph("二维码里是签过名的月结单。用本社区公布的公钥可以离线核验；银行关闭或更换运营方后，"
                            "可凭它把余额转入其他爱心银行。公钥：" + keys_url(), "note"),
    ]


def pdf(statement: Statement) -> bytes:
    return documents.pdf_bytes(story(statement), title=f"月结单 {statement.year}-{statement.month:02d}")
