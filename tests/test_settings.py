"""Settings: defaults, environment overrides, production refusals, the README's table."""

import ast
import pathlib
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


# Where settings are loaded and handed to runtime: the app factory, the workers' bootstrap, runtime itself.
SETUP_MODULES = {"server/app.py", "server/runtime.py", "workers/bootstrap.py"}
# Setting an app up reads its config; a hook defined inside runs later, per request, and may not.
SETUP_FUNCTIONS = {"create_app", "init_app", "settings_command"}  # `lovebank settings` prints the app's config
DICT_NAMES = {"settings", "config"}


def _other_ways(tree: ast.AST) -> list[tuple[int, str]]:
    """Reads of a setting that bypass runtime.setting: Flask's config outside setup, the workers' settings
    dict used as a value, a whole settings dict passed as an argument or taken as a parameter."""
    found = []

    def is_bootstrap_settings(node):
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "settings"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "bootstrap")

    def visit(node, function, parent):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
            for arg in node.args.args + node.args.kwonlyargs:
                if arg.arg in DICT_NAMES:
                    found.append((node.lineno, f"{node.name}() takes a settings dict `{arg.arg}`"))
        elif (isinstance(node, ast.Attribute) and node.attr == "config" and isinstance(node.value, ast.Name)
              and node.value.id in ("app", "current_app") and function not in SETUP_FUNCTIONS):
            found.append((node.lineno, f"{node.value.id}.config read in {function}()"))
        elif isinstance(node, ast.Call) and function not in SETUP_FUNCTIONS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if (isinstance(arg, ast.Name) and arg.id in DICT_NAMES) or is_bootstrap_settings(arg):
                    found.append((node.lineno, f"a settings dict passed in {function}()"))
        if is_bootstrap_settings(node) and not isinstance(parent, ast.Expr):
            found.append((node.lineno, f"bootstrap.settings() used as a value in {function}()"))
        for child in ast.iter_child_nodes(node):
            visit(child, function, node)

    visit(tree, None, None)
    return found


def test_code_reads_settings_through_runtime_only():
    """One way to read a setting outside app setup: runtime.setting(NAME); never Flask's config in a request,
    the workers' settings dict, nor a whole settings dict handed from function to function."""
    root = pathlib.Path(__file__).resolve().parent.parent
    found = [f"{path.relative_to(root)}:{line}: {what}" for folder in ("server", "workers")
             for path in sorted((root / folder).rglob("*.py")) if str(path.relative_to(root)) not in SETUP_MODULES
             for line, what in _other_ways(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []
