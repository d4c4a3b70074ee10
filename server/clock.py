"""The community's clock: naive local datetimes in settings.TIMEZONE, settable in tests.

Every stored datetime is local wall-clock time of the community (Asia/Shanghai by
default), because days, months, caps and quiet hours are all counted in it.
"""

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Shanghai")
_frozen: dt.datetime | None = None


def configure(timezone: str) -> None:
    global _zone
    _zone = ZoneInfo(timezone)


def zone() -> ZoneInfo:
    return _zone


def now() -> dt.datetime:
    """Local wall-clock time, to the microsecond, without tzinfo."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(_zone).replace(tzinfo=None)


def today() -> dt.date:
    return now().date()


def freeze(at: dt.datetime | None) -> None:
    """Tests and the demo seeding pin the clock; None lets it run again."""
    global _frozen
    _frozen = at


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Run a block as if it were `moment` (the demo seeding a past quarter); the clock is put back as it was."""
    global _frozen
    before = _frozen
    _frozen = moment
    try:
        yield moment
    finally:
        _frozen = before


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored local datetime with its offset, for the API."""
    return None if value is None else value.replace(tzinfo=_zone)


def age_on(birth_date: dt.date | None, day: dt.date | None = None) -> int | None:
    if birth_date is None:
        return None
    day = day or today()
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
