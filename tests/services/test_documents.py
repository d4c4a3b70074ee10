"""Files for people: chart images draw Chinese with a font every machine has."""

import warnings

from fontTools.ttLib import TTFont

from server.services import documents

TITLE, LABELS = "各服务队半年服务时长", ["居家养老服务队", "维修队", "医疗保健队"]


def test_the_chart_font_has_a_glyph_for_every_chinese_character_drawn():
    """On a fresh machine (no system CJK font) charts drew every Chinese character as an empty box,
    with a 'Glyph … missing from font(s) DejaVu Sans' warning each time; the font now comes with
    the project's own dependencies."""
    path = documents.chart_font("")
    with TTFont(path, fontNumber=0, lazy=True) as font:
        cmap = font.getBestCmap()
    missing = {ch for ch in TITLE + "".join(LABELS) + "小时" if ord(ch) not in cmap}
    assert not missing, f"{path} has no glyph for {''.join(sorted(missing))}"


def test_a_chart_in_chinese_renders_without_a_missing_glyph_warning():
    table = documents.Table(["服务队", "小时"], [[label, n * 1.5] for n, label in enumerate(LABELS, 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns once per glyph it cannot draw
        png = documents.chart_png(table, documents.Chart(TITLE, 0, (1,)))
    assert png.startswith(b"\x89PNG")
