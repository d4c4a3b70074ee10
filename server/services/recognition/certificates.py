"""星级证书: issue once per approved award, print as a PDF in Chinese, verify by serial in public.

The serial (LB2026-XXXX-XXXX-XXXX-XXXX) carries 80 random bits, so certificates cannot
be enumerated; the verification URL (PUBLIC_BASE_URL) and its QR code are printed on
the paper. The verify answer holds what the paper shows — name, volunteer number
(never an ID-card number), stars, period, hours, community, issuer, serial, date —
and nothing else. The certificate keeps what it said when issued.
"""

import io
import secrets

from server import clock, runtime
from server.errors import NotFound
from server.models import Certificate, Member, StarAward
from server.services.oversight import documents, periods
from server.services.people import privacy
from server.services.recognition.stars import period_label
from server.text import printable

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters, no 0/O/1/I: read aloud and typed
STARS = "★★★★★"


def new_serial(year: int) -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4)]
    return f"LB{year}-" + "-".join(groups)


def verification_url(serial: str) -> str:
    return f"{runtime.setting('PUBLIC_BASE_URL').rstrip('/')}/api/v1/certificates/{serial}/verify"


def of_award(award_id: int) -> Certificate | None:
    return Certificate.get_or_none(Certificate.award == award_id)


def issue(award: StarAward, actor: Member | None) -> Certificate:
    """The certificate of an approved award (once: the award is unique on certificates)."""
    existing = of_award(award.id)
    if existing is not None:
        return existing
    community = award.community
    return Certificate.create(
        award=award.id, community=award.community_id, member=award.member_id, serial=new_serial(award.year),
        name=award.member.name, volunteer_no=award.volunteer.volunteer_no, stars=award.stars, minutes=award.minutes,
        year=award.year, period_start=award.period_start, period_end=award.period_end,
        community_name=community.name, issuer=runtime.setting("CERTIFICATE_ISSUER").format(community=community.name)[:64],
        issued_on=clock.today(), issued_by=actor, created_at=clock.now(),
    )


def certificate_for(viewer: Member, award: StarAward) -> Certificate:
    """The holder and the community's coordinators may download it."""
    certificate = of_award(award.id)
    if certificate is None or (viewer.id != certificate.member_id
                               and not privacy.coordinates(viewer, certificate.community_id)):
        raise NotFound("这项评定还没有证书")
    return certificate


def verify(serial: str) -> dict:
    """Public: exactly what the certificate shows, or 404."""
    certificate = Certificate.get_or_none(Certificate.serial == serial.strip().upper())
    if certificate is None:
        raise NotFound("没有这个编号的证书，请核对证书编号")
    return {
        "valid": True, "serial": certificate.serial, "name": certificate.name,
        "volunteer_no": certificate.volunteer_no, "stars": certificate.stars,
        "period_label": period_label(certificate.period_start, certificate.period_end), "year": certificate.year,
        "minutes": certificate.minutes, "community_name": certificate.community_name, "issuer": certificate.issuer,
        "issued_on": certificate.issued_on,
    }


def _qr_png(text: str) -> bytes:
    import qrcode

    out = io.BytesIO()
    qrcode.make(text, border=1).save(out, format="PNG")
    return out.getvalue()


def pdf(certificate: Certificate) -> bytes:
    """An A4 landscape certificate: the text in Chinese, serial and link in Latin type, a QR code of the link."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    documents.pdf_styles()  # registers the CJK font
    width, height = landscape(A4)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(width, height))
    page.setTitle(f"星级志愿者证书 {certificate.serial}")
    page.setStrokeColorRGB(0.75, 0.1, 0.1)
    page.setLineWidth(3)
    page.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    page.setLineWidth(0.8)
    page.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    page.setFillColorRGB(0.75, 0.1, 0.1)
    page.setFont(documents.PDF_FONT, 34)
    page.drawCentredString(width / 2, height - 48 * mm, "星级志愿者证书")
    page.setFont(documents.PDF_FONT, 30)
    page.drawCentredString(width / 2, height - 66 * mm, STARS[:certificate.stars] + "☆" * (5 - certificate.stars))

    page.setFillColorRGB(0, 0, 0)
    hours = f"{certificate.minutes / 60:.1f}"
    # Names stored before control characters were refused print without them.
    name, number, community = (printable(value, multiline=False) for value in (
        certificate.name, certificate.volunteer_no, certificate.community_name))
    lines = [
        f"{name}同志（志愿者编号：{number}）：",
        f"您在{period_label(certificate.period_start, certificate.period_end)}参加{community}"
        f"爱心储蓄银行志愿服务，",
        f"累计志愿服务{hours}小时，经公示无异议，评定为{certificate.stars}星级社区志愿者。",
        "特发此证，以资鼓励。",
    ]
    page.setFont(documents.PDF_FONT, 16)
    y = height - 88 * mm
    for n, line in enumerate(lines):
        page.drawString((40 if n == 0 else 48) * mm, y, line)
        y -= 11 * mm

    page.setFont(documents.PDF_FONT, 15)
    page.drawRightString(width - 80 * mm, 46 * mm, printable(certificate.issuer, multiline=False))
    page.drawRightString(width - 80 * mm, 36 * mm, periods.day_label(certificate.issued_on))

    url = verification_url(certificate.serial)
    page.drawImage(ImageReader(io.BytesIO(_qr_png(url))), width - 66 * mm, 24 * mm, 40 * mm, 40 * mm)
    page.setFont(documents.PDF_FONT, 9)
    page.drawString(28 * mm, 32 * mm, "证书编号 / Serial:")
    page.drawString(28 * mm, 24 * mm, "扫码或访问以下网址核验 / Verify:")
    page.setFont(documents.LATIN_FONT, 10)
    page.drawString(60 * mm, 32 * mm, certificate.serial)
    page.setFont(documents.LATIN_FONT, 7.5)
    page.drawString(28 * mm, 19 * mm, url)
    page.showPage()
    page.save()
    return out.getvalue()
