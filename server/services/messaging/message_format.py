"""Turning a template and its data into inbox text, WeChat subscribe-message fields and SMS values.

The templates live in `config/notification_templates.py`; this module knows the
presentation specs they use ({when:human}, {when:time}, {minutes:hours} ...) and
WeChat's per-type limits, so a long task summary becomes "帮忙修理厨房的水龙头，漏水很…"
instead of a refused message (errcode 47003).
"""

import datetime as dt
import functools
import re
import string

from config.notification_templates import FIELD_LIMITS, SMS_PARAM_LIMIT, TEMPLATES, Template
from server.text import printable

WEEKDAYS = "一二三四五六日"
# Types whose value may be empty to WeChat's eyes: a placeholder keeps the message valid.
PLACEHOLDER = "无"


class TemplateDataMissing(ValueError):
    """The caller did not pass a value the template needs (a programming error, caught in tests)."""


def _datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value))


def _human(moment: dt.datetime) -> str:
    """5月16日（周六）上午9:00: how a neighbour would say it."""
    hour = moment.hour
    part = "上午" if hour < 12 else "中午" if hour < 13 else "下午" if hour < 18 else "晚上"
    shown = hour if hour <= 12 else hour - 12
    return f"{moment.month}月{moment.day}日（周{WEEKDAYS[moment.weekday()]}）{part}{shown}:{moment.minute:02d}"


def hours_text(minutes: int) -> str:
    """Integer minutes as hours with one decimal (rounded half up): 90 → 1.5小时, 60 → 1小时."""
    tenths = (int(minutes) * 10 + 30) // 60
    whole, tenth = divmod(tenths, 10)
    return f"{whole}小时" if tenth == 0 else f"{whole}.{tenth}小时"


class _Formatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        try:
            return super().get_value(key, args, kwargs)
        except (KeyError, IndexError):
            raise TemplateDataMissing(f"notification data lacks {key!r}") from None

    def format_field(self, value, format_spec):
        if format_spec == "human":
            return _human(_datetime(value))
        if format_spec == "time":
            moment = _datetime(value)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"
        if format_spec == "short":  # 5月16日 9:00: short enough for an SMS value
            moment = _datetime(value)
            return f"{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"
        if format_spec == "date":
            moment = _datetime(value)
            return f"{moment.year}年{moment.month}月{moment.day}日"
        if format_spec == "hours":
            return hours_text(value)
        return super().format_field(value, format_spec)


_formatter = _Formatter()


def template(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise ValueError(f"unknown notification template {key!r}") from None


@functools.cache
def needs(key: str) -> frozenset[str]:
    """The data names a template uses (its inbox text, link and WeChat fields)."""
    tpl = template(key)
    texts = [tpl.title, tpl.body, tpl.page, *(field.value for field in tpl.fields)]
    return frozenset(re.split(r"[.\[]", name, maxsplit=1)[0]
                     for text in texts for _, name, _, _ in _formatter.parse(text) if name)


def check(key: str, data: dict) -> None:
    """Refuse, at the caller, an unknown template or data missing a name the template uses."""
    missing = needs(key) - data.keys() - template(key).defaults.keys()
    if missing:
        raise TemplateDataMissing(f"notification data lacks {sorted(missing)[0]!r}")


def render(key: str, data: dict) -> dict:
    """The inbox's title, body and link for `data` (TemplateDataMissing if a value is missing)."""
    tpl = template(key)
    data = {**tpl.defaults, **data}
    return {
        "title": _formatter.format(tpl.title, **data)[:64],
        "body": _formatter.format(tpl.body, **data),
        "link": _formatter.format(tpl.page, **data)[:255],
    }


def cut(field_type: str, value: str) -> str:
    """A value WeChat accepts for `field_type`: within its length, never empty."""
    value = " ".join(printable(str(value)).split())
    limit = FIELD_LIMITS[field_type]
    if not value:
        return PLACEHOLDER if field_type in ("thing", "name", "phrase") else value
    if limit is None or len(value) <= limit:
        return value
    if field_type == "thing":
        return value[: limit - 1] + "…"
    return value[:limit]


def wechat_data(key: str, data: dict) -> dict:
    """subscribeMessage.send's `data`: {"thing1": {"value": "..."}, ...}."""
    tpl = template(key)
    data = {**tpl.defaults, **data}
    return {
        field.key: {"value": cut(field.type, _formatter.format(field.value, **data))}
        for field in tpl.fields
    }


# The one SMS value filled in when the text is sent (a witness request's one-time code).
SMS_CODE = "code"


def has_sms(key: str) -> bool:
    return bool(template(key).sms)


def sms_params(key: str, data: dict) -> list[str]:
    """The SMS template's values in order, each cut to SMS_PARAM_LIMIT; `{code}` stays a placeholder
    for the sender to fill (it is never stored)."""
    tpl = template(key)
    data = {**tpl.defaults, **data, SMS_CODE: "{code}"}
    values = []
    for spec in tpl.sms:
        value = " ".join(printable(_formatter.format(spec, **data)).split()) or PLACEHOLDER
        values.append(value if len(value) <= SMS_PARAM_LIMIT else value[: SMS_PARAM_LIMIT - 1] + "…")
    return values


def sms_text(key: str, params: list[str]) -> str:
    """The text as the phone shows it (for the station's view and the docs), from the approved wording."""
    text = template(key).sms_text
    for number, value in enumerate(params, start=1):
        text = text.replace(f"{{{number}}}", value)
    return text
