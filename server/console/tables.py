"""Tables of the console: one page of a service's query through the API's pager, a sort the service names,
and the same rows as an XLSX file (openpyxl, through the reports' helper). One helper for every table, so each page only says its
columns."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request, send_file

from server.console import gate
from server.errors import RuleBroken
from server.extensions.pager import BAD_CURSOR, DEFAULT_LIMIT, CursorParameters, KeysetPage
from server.keyset import Keyset
from server.services.oversight import documents

EXPORT_MAX_ROWS = 10000


@dataclass
class Column:
    key: str
    title: str
    value: Callable[[Any], Any] | None = None  # from the row (default: row[key])
    link: Callable[[Any], str] | None = None  # where the cell links to, if anywhere

    def of(self, row):
        return self.value(row) if self.value else row[self.key]


@dataclass
class Table:
    """A table of one service's query: its columns, the sorts it offers (label -> keyset; the first is the
    default), how rows are shown (`views`: the page's rows of the query to dicts, in one batch)."""

    title: str
    columns: list[Column]
    sorts: dict[str, tuple[str, Keyset]]
    views: Callable[[list], list[dict]] = list
    rows: list = field(default_factory=list)
    next_cursor: str | None = None
    sort: str = ""

    def keyset(self) -> Keyset:
        self.sort = request.args.get("sort") if request.args.get("sort") in self.sorts else next(iter(self.sorts))
        return self.sorts[self.sort][1]

    def page(self, query, limit: int = DEFAULT_LIMIT) -> "Table":
        """The page `?cursor=` asks for (the API's opaque cursors: no OFFSET, no COUNT)."""
        keyset = self.keyset()
        after = None
        if request.args.get("cursor"):
            try:
                after = keyset.decode(request.args["cursor"])
            except ValueError:
                raise RuleBroken(BAD_CURSOR, field="cursor") from None
        params = CursorParameters(keyset, after, limit)
        self.rows = self.views(_page(keyset, query, params))
        self.next_cursor = params.next_cursor
        return self

    def export(self, query, filename: str):
        """Every row (at most EXPORT_MAX_ROWS), walked page by page in the chosen order, as one sheet."""
        keyset, after, rows = self.keyset(), None, []
        while len(rows) < EXPORT_MAX_ROWS:
            params = CursorParameters(keyset, after, 500)
            rows += self.views(_page(keyset, query, params))
            if params.next_after is None:
                break
            after = params.next_after
        return xlsx_response(self.title, [c.title for c in self.columns],
                             [[_cell(c.of(row)) for c in self.columns] for row in rows[:EXPORT_MAX_ROWS]], filename)


def _page(keyset: Keyset, query, params: CursorParameters) -> list:
    pager = type("ConsolePage", (KeysetPage,), {"keyset": keyset})(query, params)  # its order replaces the query's
    return pager.items


def _cell(value):
    value = gate.moment(value)  # a view's ISO text too
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def xlsx_response(title: str, header: list[str], rows: list[list], filename: str):
    """One sheet through the reports' own XLSX helper (a text starting with "=" stays text, never a formula)."""
    book = documents.workbook()
    documents.add_sheet(book, title, documents.Table(header, rows))
    return send_file(io.BytesIO(documents.xlsx_bytes(book)), mimetype=documents.XLSX_TYPE, as_attachment=True,
                     download_name=filename)
