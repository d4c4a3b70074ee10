"""The half-year study report as files: XLSX with native charts, each chart as PNG, and a PDF with both.

The workbook opens with a contents sheet (目录) listing the sections in order; every
section has its own sheet with its table, its notes and, when it has one, a chart.
"""

from server import clock
from server.errors import RuleBroken
from server.services.oversight import documents
from server.services.oversight.study_report import Period, Section


def title(period: Period) -> str:
    return f"{period.community.name}{period.label}志愿服务专题调研报告"


def xlsx(period: Period, sections: list[Section]) -> bytes:
    book = documents.workbook()
    contents = documents.Table(headers=["序号", "内容", "工作表"],
                               rows=[[n, s.title, s.sheet] for n, s in enumerate(sections, start=1)], widths={1: 36})
    documents.add_sheet(book, "目录", contents, heading=title(period),
                        notes=[f"生成时间：{clock.now():%Y-%m-%d %H:%M}"])
    for made in sections:
        sheet, first = documents.add_sheet(book, made.sheet, made.table, heading=made.title, notes=made.notes)
        if made.chart is not None:
            documents.add_chart(sheet, made.table, made.chart, first)
    return documents.xlsx_bytes(book)


def png(sections: list[Section], key: str) -> bytes:
    """One section's chart as an image."""
    for made in sections:
        if made.key == key and made.chart is not None:
            return documents.chart_png(made.table, made.chart)
    charted = "、".join(s.key for s in sections if s.chart is not None)
    raise RuleBroken(f"没有这个图表，可选：{charted}", field="chart", rule="unknown_chart")


def pdf(period: Period, sections: list[Section]) -> bytes:
    story = [documents.paragraph(title(period), "title"),
             documents.paragraph(f"生成时间：{clock.now():%Y-%m-%d %H:%M}", "note")]
    for n, made in enumerate(sections, start=1):
        story += [documents.paragraph(f"{n}. {made.title}", "heading"), documents.pdf_table(made.table)]
        if made.chart is not None and made.table.rows:
            story.append(documents.image(documents.chart_png(made.table, made.chart)))
        story += [documents.paragraph(note, "note") for note in made.notes]
    return documents.pdf_bytes(story, title=title(period))


def as_json(period: Period, sections: list[Section]) -> dict:
    """The same report as data (what the mini-program or a dashboard would read)."""
    return {
        "title": title(period), "community_id": period.community.id, "year": period.year, "half": period.half,
        "start": period.start, "end": period.end,
        "sections": [{"key": s.key, "title": s.title, "headers": s.table.headers, "rows": s.table.rows,
                      "hour_columns": list(s.table.hour_columns), "notes": s.notes,
                      "chart": None if s.chart is None else {"title": s.chart.title, "kind": s.chart.kind}}
                     for s in sections],
    }
