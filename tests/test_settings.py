"""Settings: defaults, environment overrides, production refusals, the README's table."""

import re

import pytest

from config import settings


def test_defaults_without_environment():
    values = settings.load(environ={})
    assert values["DATABASE_URL"].startswith("sqlite:///")
    assert values["DEV_LOGIN"] is False
    assert values["TOKEN_TTL_SECONDS"] == 7 * 24 * 3600


def test_environment_overrides_and_parses():
    values = settings.load(environ={"DEV_LOGIN": "on", "TOKEN_TTL_SECONDS": "60", "WECHAT_APPID": "wx1"})
    assert values["DEV_LOGIN"] is True
    assert values["TOKEN_TTL_SECONDS"] == 60
    assert values["WECHAT_APPID"] == "wx1"


def test_production_refuses_the_default_secret():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.load(environ={"ENV": "production"})


REAL_SECRET = "s3cret-for-real-" + "x" * 16  # 32 characters


def test_production_refuses_a_short_secret():
    """A secret of 31 characters or fewer can be guessed offline from one token: production refuses it."""
    with pytest.raises(RuntimeError, match="SECRET_KEY.*32"):
        settings.load(environ={"ENV": "production", "SECRET_KEY": "short"})
    with pytest.raises(RuntimeError, match="SECRET_KEY.*32"):
        settings.load(environ={"ENV": "production", "SECRET_KEY": REAL_SECRET[:31]})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.load(environ={"ENV": "production", "SECRET_KEY": " " * 40})
    assert settings.load(environ={"ENV": "test", "SECRET_KEY": "short"})["SECRET_KEY"] == "short"


def test_production_refuses_the_dev_login():
    with pytest.raises(RuntimeError, match="DEV_LOGIN"):
        settings.load(environ={"ENV": "production", "SECRET_KEY": REAL_SECRET, "DEV_LOGIN": "1"})


def test_production_starts_with_a_real_secret():
    assert settings.load(environ={"ENV": "production", "SECRET_KEY": REAL_SECRET})["ENV"] == "production"


def test_readme_lists_every_setting():
    readme = (settings.ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    assert listed == set(settings.SETTINGS), f"README table differs: {listed ^ set(settings.SETTINGS)}"


def test_template_ids_and_quiet_hours_parse():
    values = settings.load(environ={"WECHAT_TEMPLATE_IDS": "task_offer=abc, hours_credited=def", "QUIET_HOURS": "off"})
    assert values["WECHAT_TEMPLATE_IDS"] == {"task_offer": "abc", "hours_credited": "def"}
    assert values["QUIET_HOURS"] == ""
    assert settings.load(environ={})["QUIET_HOURS"] == "22:00-08:00"
    with pytest.raises(ValueError, match="QUIET_HOURS"):
        settings.load(environ={"QUIET_HOURS": "10pm-8am"})
    with pytest.raises(ValueError, match="key=value"):
        settings.load(environ={"WECHAT_TEMPLATE_IDS": "abc"})


def test_code_reads_settings_through_runtime_only():
    """One way to read a setting outside app setup: runtime.setting(NAME), never current_app.config[NAME]."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    found = [f"{path.relative_to(root)}:{n}" for folder in ("server", "workers")
             for path in sorted((root / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"current_app\.config\[|current_app\.config\.get\(", line)]
    assert found == []
