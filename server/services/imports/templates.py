"""The downloadable XLSX templates: the Chinese header row (required columns marked *), one example row,
and each column's rule as the header cell's comment; a second sheet says how to fill it in."""

import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from server.services.imports.columns import KIND_LABELS, columns

_HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")

STEPS = (
    "第一行是表头，不要改动；带 * 的列必须填写。把鼠标放在表头上可以看到这一列的填写要求。",
    "第二行是示例，可以删掉；留着也不会被导入。",
    "从第二行起，每行一条。日期写成 2024-05-20，时间写成 09:30。",
    "填好后在服务站工作台“导入”里上传（也可以另存为 CSV 上传）。系统先检查每一行，列出有问题的行和原因。",
    "改好有问题的行再上传一次；全部没有问题后点“确认导入”。同一个文件重复导入不会重复记账。",
)


def workbook(kind: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = KIND_LABELS[kind][:31]
    for index, column in enumerate(columns(kind), start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.comment = Comment(("必填。" if column.required else "选填。") + column.rule, "爱心银行")
        example = sheet.cell(row=2, column=index, value=column.example)
        example.font = Font(italic=True, color="808080")
        example.number_format = "@"  # text: a phone number or 09:00 stays as written
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("填写说明")
    help_sheet.column_dimensions["A"].width = 100
    help_sheet.cell(row=1, column=1, value=f"{KIND_LABELS[kind]}导入模板：填写说明").font = Font(bold=True)
    for number, step in enumerate(STEPS, start=2):
        help_sheet.cell(row=number, column=1, value=f"{number - 1}. {step}")
    for number, column in enumerate(columns(kind), start=len(STEPS) + 3):
        help_sheet.cell(row=number, column=1,
                        value=f"{column.header}（{'必填' if column.required else '选填'}）：{column.rule}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
