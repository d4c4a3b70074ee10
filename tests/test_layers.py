"""The layers keep to their rules: who may import whom (docs/architecture.md, "The layers").

Read from the source, not from a list kept by hand: every module of server/, workers/ and
config/ is parsed and each import (at the top or inside a function) is checked, so a module
added later is covered without touching this file. One more check imports the services and
the workers in a fresh interpreter and looks at what really got loaded: an indirect route
to Flask (a service importing a helper that imports Flask) fails there.
"""

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "workers", "config")
# The web stack: what answers HTTP and what turns requests into arguments and answers into JSON.
WEB = ("flask", "werkzeug", "flask_smorest", "webargs", "marshmallow", "apispec")
# Where the application is put together and started: it may know every layer, and the
# factory and its command line name each other (`lovebank` builds the app that carries its
# commands). Counted as one unit when looking for circles.
ENTRY = ("server.__init__", "server.app", "server.cli", "server.wsgi", "server.run")
# Small modules every layer may use; they import nothing above themselves.
BASE = ("server.backoff", "server.clock", "server.db", "server.errors", "server.keyset", "server.queues", "server.ready",
        "server.redis_conn", "server.runtime", "server.text")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file: `from a import b` counts as a.b
    when that is a module of ours, else as a; `from server import create_app` as server.__init__."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.append((full if full in MODULES else module, node.lineno))
    return [("server.__init__" if module == "server" else module, line) for module, line in found]


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _within(module: str, *prefixes: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


# (layer, what it must not import, the rule). A layer is a module and everything under it.
RULES = [
    ("server.services", WEB + ("server.extensions", "server.resources", "server.console"),
     "services know no Flask or HTTP: they raise domain errors and return values"),
    ("server.services", ("server.queueing", "server.hooks", "workers") + ENTRY,
     "services emit outbox rows (server/services/messaging/outbox.py); enqueueing and wiring sit above them"),
    ("server.models", WEB + ("server.services", "server.extensions", "server.resources", "server.queueing",
                             "server.hooks", "workers") + ENTRY,
     "models hold data: they know no services, no HTTP and no workers"),
    ("workers", WEB + ("server.models", "server.resources", "server.extensions") + ENTRY,
     "workers call services, not resources and not models directly, and load no Flask"),
    ("server.resources", ("workers", "server.queueing", "server.hooks"),
     "resources parse, authorise and call services; what runs later is a service's outbox row"),
    ("server.console", ("server.models", "server.db", "workers", "server.queueing", "server.hooks"),
     "console views are handlers like the resources: they parse, authorise and call services (docs/console.md)"),
    ("server.resources", ("server.console",), "the API knows nothing of the console that sits beside it"),
    ("server.extensions", ("server.resources", "server.console", "workers"),
     "extensions are the web layer's tools: the resources use them, not the other way"),
    ("server.migrations", ("server.models", "server.services", "server.extensions", "server.resources",
                           "server.queueing", "workers") + WEB,
     "a migration describes the schema as it was then: it must not follow today's models"),
    ("server.queueing", WEB + ("server.resources", "server.extensions", "workers"),
     "queueing puts outbox rows on RQ for the API and the workers alike"),
    ("config", ("server", "workers") + WEB, "settings are read by everything and import nothing of ours"),
]
RULES += [(base, WEB + ("server.models", "server.services", "server.extensions", "server.resources",
                        "server.queueing", "server.hooks", "workers") + ENTRY,
           "the base modules sit under every layer") for base in BASE]


def test_every_rule_names_modules_that_exist():
    """A rule about a moved or renamed module would check nothing."""
    names = {layer for layer, _, _ in RULES} | {f for _, forbidden, _ in RULES for f in forbidden}
    ours = [name for name in names if name.split(".")[0] in PACKAGES]
    missing = [name for name in ours if not any(_within(m, name) for m in MODULES | {"server.__init__": None})]
    assert not missing, missing


def test_each_layer_imports_only_what_its_rule_allows():
    broken = []
    for layer, forbidden, rule in RULES:
        for name in (m for m in MODULES if _within(m, layer)):
            for module, line in IMPORTS[name]:
                if _within(module, *forbidden):
                    broken.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {module}: {rule}")
    assert not broken, "\n".join(broken)


def _unit(module: str) -> str | None:
    """The package (or top-level module) a module belongs to, for the circle check."""
    if module == "server" or _within(module, *ENTRY):
        return "server (entry points)"
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    if parts[0] in ("workers", "config"):
        return parts[0]
    return ".".join(parts[:2])


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles_between_packages():
    """Inside a package modules may lean on each other; between packages the arrows go one way."""
    graph, why = defaultdict(set), {}
    for name, imported in IMPORTS.items():
        for module, line in imported:
            source, target = _unit(name), _unit(module)
            if target is not None and target != source:
                graph[source].add(target)
                why.setdefault((source, target), f"{MODULES[name].relative_to(ROOT)}:{line} imports {module}")
    circles = ["\n".join(why[(a, b)] for a in group for b in group if (a, b) in why) for group in _circles(graph)]
    assert not circles, "\n\n".join(circles)


@pytest.mark.parametrize("area", ["server.services", "workers", "server.models", "server.queueing", "config"])
def test_importing_an_area_loads_no_web_stack(area):
    """Every module of the area imported in a fresh interpreter: none of the web stack comes along,
    directly or through a helper (the RQ workers import the services and never Flask)."""
    names = [name for name in MODULES if _within(name, area) and not name.endswith("__main__")]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"importing {area} loaded {done.stdout.strip()[:300]}"


SERVICES = ROOT / "server" / "services"


def test_every_service_module_sits_in_an_area_package():
    """server/services/ holds packages by area (docs/architecture.md, "The layers"), not loose modules:
    a new module goes into the package whose rule it holds, or a new area gets its own package."""
    loose = sorted(p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"put these into an area package of server/services/: {loose}"
    areas = sorted(p.parent.name for p in SERVICES.glob("*/__init__.py"))
    assert len(areas) >= 5, areas


@pytest.mark.parametrize("init", sorted(SERVICES.glob("*/__init__.py")), ids=lambda p: p.parent.name)
def test_a_service_package_init_says_what_it_owns_and_holds_no_code(init):
    """Importing one module of an area loads that module only: the `__init__` is its docstring."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{init.relative_to(ROOT)}: say what the package owns"
    assert len(tree.body) == 1, f"{init.relative_to(ROOT)}: code belongs in a module of the package"
