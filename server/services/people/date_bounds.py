"""Dates a person could mean: a birth within a lifetime, a service since records began and not
yet to come, a plan within reach.

Every service that takes a date calls these, so the rule holds however the date arrives (the
API, a worker, the demo seed); each refusal is a RuleBroken naming the field (422). The schema
layer only checks that a date is a date.
"""

import datetime as dt

from server import clock, runtime
from server.errors import RuleBroken

MAX_AGE_YEARS = 130
AGREEMENT_MAX_YEARS = 3


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _shown(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def birth_date(value: dt.date | None, field: str = "birth_date") -> None:
    """Not after today, and nobody older than MAX_AGE_YEARS."""
    if value is None:
        return
    today = clock.today()
    if value > today:
        raise RuleBroken("出生日期不能晚于今天", field=field, rule="birth_in_future")
    if value < _years_later(today, -MAX_AGE_YEARS):
        raise RuleBroken(f"出生日期不对：年龄不能超过{MAX_AGE_YEARS}岁", field=field, rule="birth_too_early")


def since_records_began(value: dt.date | dt.datetime, field: str) -> None:
    """Nothing is dated before EARLIEST_SERVICE_DATE: older services come over as a paper
    passbook's balance (纸质存折转入), not as records."""
    earliest = runtime.setting("EARLIEST_SERVICE_DATE")
    if _day(value) < earliest:
        raise RuleBroken(f"日期不能早于{_shown(earliest)}（爱心银行开始记录的日子）；更早的服务请按纸质存折转入",
                         field=field, rule="before_records_began")


def service_day(value: dt.date | dt.datetime, field: str = "started_at") -> None:
    """A service happened since records began and not after today."""
    since_records_began(value, field)
    if _day(value) > clock.today():
        raise RuleBroken("服务日期不能晚于今天", field=field, rule="service_in_future")


def within_reach(value: dt.date | dt.datetime, field: str) -> None:
    """A plan (a booking, an event, an agreement's start) at most PLAN_AHEAD_DAYS from today."""
    days = runtime.setting("PLAN_AHEAD_DAYS")
    if _day(value) > clock.today() + dt.timedelta(days=days):
        raise RuleBroken(f"只能安排{days}天以内的日期", field=field, rule="too_far_ahead", max_days=days)


def agreement_end(start: dt.date, end: dt.date, field: str = "end_date") -> None:
    """An agreement runs at most AGREEMENT_MAX_YEARS at a time; it is renewed after that."""
    if end > _years_later(start, AGREEMENT_MAX_YEARS):
        raise RuleBroken(f"协议一次最长签{AGREEMENT_MAX_YEARS}年，到期可以续签", field=field, rule="agreement_too_long")
