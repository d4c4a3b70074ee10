"""An uploaded sheet read into rows of text: XLSX (python-calamine), or CSV in UTF-8 (with or without BOM) or GBK.

Chinese Excel saves CSV in GBK (read as GB18030, its superset). Every cell becomes text as a
coordinator would read it: a date cell as 2024-03-05, a time as 09:30, a phone number Excel
turned into 13800000000.0 back into 13800000000. The first non-blank row is the header row;
rows keep their Excel numbers (the header is usually row 1, so the first data row is row 2).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from server.errors import RuleBroken

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass
class Sheet:
    headers: list[str]
    rows: list[dict]  # {"row": excel row number, "cells": {header: text}}


def _bad(message: str, rule: str = "bad_file") -> RuleBroken:
    return RuleBroken(message, field="file", rule=rule)


def header_name(text: str) -> str:
    """A header as the templates write it: spaces and the required mark (*) taken off."""
    return "".join(str(text or "").split()).rstrip("*＊")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):  # a time of day Excel keeps as a duration
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes):
    # calamine (Rust) reads a 10,000-row sheet many times faster than openpyxl, which still writes our files.
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)  # from A1: Excel's row numbers
    except Exception:  # a zip that is no workbook, a damaged file: calamine raises several kinds
        raise _bad("文件打不开：不是有效的 XLSX 表格，请用 Excel 另存为 .xlsx 或 CSV 再上传") from None
    for number, values in enumerate(rows, start=1):
        yield number, [cell_text(value) for value in values]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _bad("文件的文字编码认不出来：请用 Excel 另存为 .xlsx，或存为 UTF-8 或 GBK 编码的 CSV") from None


def _csv_rows(data: bytes):
    text = _decode(data)
    if "\x00" in text:
        raise _bad("这不是表格文件：请上传 .xlsx 或 CSV 文件")
    for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield number, [value.strip() for value in values]


def read(data: bytes, *, max_rows: int) -> Sheet:
    """The header row and the data rows (blank rows skipped); 422 naming `file` for a file that is no sheet,
    an empty one, or one of more than `max_rows` data rows."""
    if not data:
        raise _bad("文件是空的，没有内容", rule="empty_file")
    if data.startswith(_OLE_MAGIC):
        raise _bad("这是旧版 Excel（.xls）文件：请在 Excel 里另存为 .xlsx 或 CSV 再上传")
    rows = _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data)
    headers, found = None, []
    try:
        for number, values in rows:
            if not any(values):
                continue
            if headers is None:
                headers = [header_name(value) for value in values]
                continue
            if len(found) >= max_rows:
                raise _bad(f"一次最多导入{max_rows}行，这个文件超过了：请分成几个文件", rule="too_many_rows")
            cells = {header: values[i] if i < len(values) else "" for i, header in enumerate(headers) if header}
            found.append({"row": number, "cells": cells})
    except csv.Error:
        raise _bad("CSV 文件格式不对，请用 Excel 另存为 .xlsx 再上传") from None
    if headers is None or not found:
        raise _bad("文件里没有数据：第一行写表头，从第二行起每行一条", rule="empty_file")
    return Sheet(headers=headers, rows=found)
