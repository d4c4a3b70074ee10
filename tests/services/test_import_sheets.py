"""Reading an uploaded sheet (server/services/imports/sheets.py) and the cells a preview understands."""

import datetime as dt
import io

import openpyxl
import pytest

from server.errors import RuleBroken
from server.services.imports import checks, columns, sheets, templates


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_come_back_as_a_coordinator_reads_them_with_excels_row_numbers():
    data = _xlsx([[None], ["姓名 *", "手机号", "出生日期", "开始时间"], ["甲", 13800138001, dt.date(1950, 1, 2),
                                                                  dt.time(9, 30)], [None, None], ["乙", "138 0013 8002"]])
    sheet = sheets.read(data, max_rows=10)
    assert sheet.headers == ["姓名", "手机号", "出生日期", "开始时间"]
    assert [entry["row"] for entry in sheet.rows] == [3, 5]
    assert sheet.rows[0]["cells"] == {"姓名": "甲", "手机号": "13800138001", "出生日期": "1950-01-02", "开始时间": "09:30"}
    assert sheet.rows[1]["cells"]["出生日期"] == ""


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(encoding, bom):
    data = bom + "楼栋,房号,姓名\n3栋,301,王建国\n\n5栋,102,李秀英\n".encode(encoding)
    sheet = sheets.read(data, max_rows=10)
    assert sheet.headers == ["楼栋", "房号", "姓名"]
    assert [(e["row"], e["cells"]["姓名"]) for e in sheet.rows] == [(2, "王建国"), (4, "李秀英")]


@pytest.mark.parametrize("data, rule", [
    (b"", "empty_file"), (b"\xd0\xcf\x11\xe0" + b"\0" * 50, "bad_file"), (b"PK\x03\x04" + b"\0" * 50, "bad_file"),
    (b"\xff\xfe\x00\x00\x81", "bad_file"), ("姓名\n".encode(), "empty_file"),
    ("姓名\n甲\n乙\n丙\n".encode(), "too_many_rows"),
])
def test_a_file_that_is_no_sheet_is_refused_naming_file(data, rule):
    with pytest.raises(RuleBroken) as refused:
        sheets.read(data, max_rows=2)
    assert (refused.value.field, refused.value.rule) == ("file", rule)


def test_a_sheet_without_a_required_column_is_refused_and_unknown_columns_are_ignored():
    assert columns.check_headers("households", ["楼栋", "房号", "姓名", "与户主关系", "备注"]) == ["备注"]
    with pytest.raises(RuleBroken) as refused:
        columns.check_headers("opening_balances", ["楼栋", "房号"])
    assert refused.value.details["columns"] == ["户主姓名", "纸质存折号", "结余小时数"]


def test_every_template_reads_back_as_its_own_example():
    for kind in columns.COLUMNS:
        sheet = sheets.read(templates.workbook(kind), max_rows=5)
        assert sheet.rows == [{"row": 2, "cells": columns.example_row(kind)}]


@pytest.mark.parametrize("text, expected", [
    ("2024-05-20", dt.date(2024, 5, 20)), ("2024/5/2", dt.date(2024, 5, 2)), ("2024年5月2日", dt.date(2024, 5, 2)),
    ("2024.05.02", dt.date(2024, 5, 2)), ("2024-05-20 00:00", dt.date(2024, 5, 20)), ("2024-02-30", None),
    ("去年", None)])
def test_dates_as_chinese_sheets_write_them(text, expected):
    assert checks.day(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("9:00", dt.time(9)), ("09:30:00", dt.time(9, 30)), ("9点30分", dt.time(9, 30)), ("14：05", dt.time(14, 5)),
    ("25:00", None), ("上午", None)])
def test_times_of_day(text, expected):
    assert checks.time_of_day(text) == expected


def test_addresses_compare_without_spaces_or_the_words_for_building_and_room():
    assert checks.address_key("3栋", "2单元", "301室") == checks.address_key(" 3 ", "2", "301")
    assert checks.address_key("3栋", "", "301") != checks.address_key("3栋", "2单元", "301")
