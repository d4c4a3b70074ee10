"""The calendar the station works in: months, quarters and half-years, as local dates.

A period is [start, end): `end` is the first day after it. Operations on a period
that has not ended yet (closing, auditing, publishing) are refused with the field
that named it.
"""

import datetime as dt

from server import clock
from server.errors import RuleBroken
from server.services.ledger.statements import month_bounds


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = month_bounds(year, 3 * quarter - 2)[0]
    return start, month_bounds(year, 3 * quarter)[1]


def half_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    start = month_bounds(year, 6 * half - 5)[0]
    return start, month_bounds(year, 6 * half)[1]


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def last_ended_quarter(day: dt.date | None = None) -> tuple[int, int]:
    """The most recent quarter that is over on `day` (today by default)."""
    day = day or clock.today()
    quarter = quarter_of(day) - 1
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, month) for every month that starts in [start, end)."""
    out, year, month = [], start.year, start.month
    while dt.date(year, month, 1) < end:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def require_over(end: dt.date, field: str, what: str) -> None:
    if end > clock.today():
        raise RuleBroken(f"{what}还没有过完", field=field, rule="period_not_over")


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度"


def half_label(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年"


def day_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def as_datetimes(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as local datetimes, for columns that hold a moment (started_at ...)."""
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
