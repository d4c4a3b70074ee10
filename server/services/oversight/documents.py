"""Files for people: XLSX workbooks, PDFs in Chinese and chart images, drawn the same way everywhere.

PDF text uses reportlab's built-in CID font STSong-Light (no font file needed).
Chart images use matplotlib, which needs a font file with Chinese glyphs: CHART_FONT, or
Noto Sans CJK SC as the mplfonts package ships it (a dependency, so every machine has it). Hours are written as
numbers (minutes / 60, shown with one decimal), so sums in a spreadsheet are exact
enough to check against the ledger.
"""

import importlib.util
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from server import runtime
from server.text import printable

PDF_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
HOURS_FORMAT = "0.0"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
PNG_TYPE = "image/png"
_HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")
# The CJK font charts use when CHART_FONT is empty: shipped inside the mplfonts package, found by
# its path alone (importing mplfonts would change matplotlib's global settings).
_PACKAGED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")


def hours(minutes: int | None) -> float:
    return (minutes or 0) / 60


# --- tables --------------------------------------------------------------------------


@dataclass
class Table:
    """Rows under headers; `hour_columns` hold hours (numbers shown with one decimal)."""

    headers: list[str]
    rows: list[list]
    hour_columns: tuple[int, ...] = ()
    widths: dict[int, int] = field(default_factory=dict)


@dataclass
class Chart:
    """A chart of a table: categories from one column, one series per value column."""

    title: str
    category_column: int
    value_columns: tuple[int, ...]
    kind: str = "bar"  # bar | line
    y_label: str = "小时"


# --- XLSX ----------------------------------------------------------------------------


def workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def _text_cell(sheet, row: int, column: int, value):
    """Residents write names and texts: one starting with "=" stays text, never a formula; control
    characters stored before they were refused are dropped (openpyxl refuses the whole workbook)."""
    value = printable(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def add_sheet(book: Workbook, title: str, table: Table, *, heading: str | None = None, notes=()):
    """A sheet holding one table (under a heading line, with notes below); returns (sheet, first data row)."""
    sheet = book.create_sheet(printable(title, multiline=False)[:31])
    row = 1
    if heading:
        _text_cell(sheet, 1, 1, heading).font = Font(bold=True, size=13)
        row = 3
    for column, header in enumerate(table.headers, start=1):
        cell = _text_cell(sheet, row, column, header)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = row + 1
    for offset, values in enumerate(table.rows):
        for column, value in enumerate(values, start=1):
            cell = _text_cell(sheet, first + offset, column, value)
            if column - 1 in table.hour_columns:
                cell.number_format = HOURS_FORMAT
    for offset, note in enumerate(notes, start=len(table.rows) + 1):
        _text_cell(sheet, first + offset, 1, note).font = Font(italic=True, color="555555")
    sheet.freeze_panes = sheet.cell(row=first, column=1)
    for column, header in enumerate(table.headers, start=1):
        longest = max([len(str(header))] + [len(str(r[column - 1])) for r in table.rows if column - 1 < len(r)])
        sheet.column_dimensions[get_column_letter(column)].width = table.widths.get(column - 1, min(60, 4 + 2 * longest))
    return sheet, first


def add_chart(sheet, table: Table, chart: Chart, first_row: int) -> None:
    """A native spreadsheet chart over the table, anchored to its right."""
    if not table.rows:
        return
    made = LineChart() if chart.kind == "line" else BarChart()
    made.title, made.y_axis.title = printable(chart.title, multiline=False), printable(chart.y_label, multiline=False)
    made.height, made.width = 8, 16
    last = first_row + len(table.rows) - 1
    for column in chart.value_columns:
        data = Reference(sheet, min_col=column + 1, min_row=first_row - 1, max_row=last)
        made.add_data(data, titles_from_data=True)
    made.set_categories(Reference(sheet, min_col=chart.category_column + 1, min_row=first_row, max_row=last))
    sheet.add_chart(made, f"{get_column_letter(len(table.headers) + 2)}{first_row - 1}")


def xlsx_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def pdf_styles() -> dict:
    """Paragraph styles in the CJK font (registered once per process)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, textColor="#555555"),
    }


def _cell_text(value, hour_column: bool) -> str:
    if value is None:
        return ""
    if hour_column and isinstance(value, int | float):
        return f"{value:.1f}"
    return printable(str(value))


def _display_width(text: str) -> int:
    """Chinese characters are about twice as wide as digits and Latin letters."""
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in text)


def _column_widths(texts: list[list[str]], width: float) -> list[float]:
    """Share the width by how much each column has to say (long texts capped, so they wrap)."""
    weights = [3 + min(40, max(_display_width(row[i]) for row in texts)) for i in range(len(texts[0]))]
    return [width * w / sum(weights) for w in weights]


def pdf_table(table: Table, *, width_mm: float = 180):
    """A platypus table with wrapped cells, a shaded header and a grid, `width_mm` wide."""
    from xml.sax.saxutils import escape

    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as PdfTable

    style = pdf_styles()["cell"]
    texts = [[printable(str(h)) for h in table.headers]] + [[_cell_text(v, i in table.hour_columns) for i, v in enumerate(values)]
                                     for values in table.rows or [["（无）"] + [""] * (len(table.headers) - 1)]]
    rows = [[Paragraph(escape(text), style) for text in row] for row in texts]
    made = PdfTable(rows, repeatRows=1, hAlign="LEFT", colWidths=_column_widths(texts, width_mm * mm))
    made.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, "#999999"),
        ("BACKGROUND", (0, 0), (-1, 0), "#FCE4D6"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return made


def paragraph(text: str, style: str = "body"):
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(printable(text)), pdf_styles()[style])


def pdf_bytes(story: list, *, title: str, landscape_page: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    size = landscape(A4) if landscape_page else A4
    doc = SimpleDocTemplate(out, pagesize=size, title=printable(title, multiline=False), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm)
    doc.build(story)
    return out.getvalue()


def image(png: bytes, width_mm: float = 160):
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    return Image(io.BytesIO(png), width=width_mm * mm, height=width_mm * mm * h / w)


# --- chart images --------------------------------------------------------------------


@lru_cache(maxsize=4)
def chart_font(configured: str = "") -> str:
    """The font file for chart text: the setting, else the Noto Sans CJK SC that mplfonts ships."""
    if configured:
        if not Path(configured).is_file():
            raise FileNotFoundError(f"CHART_FONT names no file: {configured}")
        return configured
    package, name = _PACKAGED_FONT
    spec = importlib.util.find_spec(package)
    return str(Path(spec.origin).parent / name)


def chart_png(table: Table, chart: Chart) -> bytes:
    """The chart drawn with matplotlib (Agg, no display), as PNG bytes."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    path = chart_font(runtime.setting("CHART_FONT"))
    font = FontProperties(fname=path)
    labels = [printable(str(row[chart.category_column]), multiline=False) for row in table.rows]
    figure = Figure(figsize=(8, 4.2), dpi=110)
    axes = figure.subplots()
    count = len(chart.value_columns)
    width = 0.8 / max(1, count)
    for n, column in enumerate(chart.value_columns):
        values = [row[column] or 0 for row in table.rows]
        positions = [i + (n - (count - 1) / 2) * width for i in range(len(labels))]
        if chart.kind == "line":
            axes.plot(range(len(labels)), values, marker="o", label=printable(table.headers[column]))
        else:
            axes.bar(positions, values, width=width, label=printable(table.headers[column]))
    axes.set_xticks(range(len(labels)))
    axes.set_xticklabels(labels, fontproperties=font, rotation=30 if len(labels) > 6 else 0, ha="right"
                         if len(labels) > 6 else "center")
    axes.set_title(printable(chart.title, multiline=False), fontproperties=font)
    axes.set_ylabel(printable(chart.y_label, multiline=False), fontproperties=font)
    if count > 1:
        axes.legend(prop=font)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
