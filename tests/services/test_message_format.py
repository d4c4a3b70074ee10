"""Templates become inbox text for elderly readers and WeChat fields within their type's limits."""

import datetime as dt

import pytest

from config.notification_templates import FIELD_LIMITS, TEMPLATES
from server.services.messaging import message_format
from server.services.messaging.wechat_delivery import quiet_until


@pytest.mark.parametrize("field_type, value, expected", [
    ("thing", "一" * 20, "一" * 20),
    ("thing", "一" * 21, "一" * 19 + "…"),
    ("name", "欧阳娜娜娜娜娜娜娜娜娜", "欧阳娜娜娜娜娜娜娜娜"),
    ("phrase", "已经完成了服务", "已经完成了"),
    ("number", "1" * 40, "1" * 32),
    ("character_string", "LB-" + "9" * 40, ("LB-" + "9" * 40)[:32]),
    ("thing", "  ", "无"),
    ("thing", "两行\n文字", "两行 文字"),
    ("time", "2026年5月16日 09:00", "2026年5月16日 09:00"),
])
def test_values_are_cut_to_their_type(field_type, value, expected):
    assert message_format.cut(field_type, value) == expected


def test_presentation_specs():
    data = {"category": "义务维修", "minutes": 90, "when": "2026-05-16T14:30:00"}
    assert message_format._formatter.format("{when:human}", **data) == "5月16日（周六）下午2:30"
    assert message_format._formatter.format("{when:time}", **data) == "2026年5月16日 14:30"
    assert message_format._formatter.format("{when:date}", **data) == "2026年5月16日"
    assert [message_format.hours_text(m) for m in (60, 90, 25, 0)] == ["1小时", "1.5小时", "0.4小时", "0小时"]


def test_every_template_fits_wechat_and_names_known_types():
    for template in TEMPLATES.values():
        assert template.fields and len(template.title) <= 64
        for field in template.fields:
            assert field.type in FIELD_LIMITS, (template.key, field.key)


@pytest.mark.parametrize("now, until", [
    (dt.datetime(2026, 5, 15, 21, 59), None),
    (dt.datetime(2026, 5, 15, 22, 0), dt.datetime(2026, 5, 16, 8, 0)),
    (dt.datetime(2026, 5, 16, 3, 0), dt.datetime(2026, 5, 16, 8, 0)),
    (dt.datetime(2026, 5, 16, 8, 0), None),
])
def test_quiet_hours_wrap_midnight(now, until):
    assert quiet_until(now, "22:00-08:00") == until


def test_quiet_hours_within_a_day_and_off():
    assert quiet_until(dt.datetime(2026, 5, 15, 13, 0), "12:00-14:00") == dt.datetime(2026, 5, 15, 14, 0)
    assert quiet_until(dt.datetime(2026, 5, 15, 23, 0), "") is None
