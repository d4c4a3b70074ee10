"""The design lives in the repository: every citation of a design document points into docs/, and exists.

Code, tests, configuration and the README cite the design ("docs/ledger.md, invariant 9"). A citation of
a document the repository does not hold (the old "DESIGN §3", "STYLE habit 7", a path under shared/)
sends a reader nowhere; so does a `docs/` page or a ledger invariant that does not exist. Walks every
text file of the repository, so a new file is covered without touching this one.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# Not ours, generated, or history: the changelog tells what changed, including what was cited once.
SKIPPED_DIRS = {".git", ".venv", "node_modules", "miniprogram_npm", "var", "__pycache__", ".pytest_cache",
                ".ruff_cache", ".hypothesis", ".mypy_cache"}
SKIPPED_FILES = {ROOT / "CHANGELOG.md", Path(__file__).resolve()}
TEXT_SUFFIXES = {".py", ".js", ".md", ".json", ".wxml", ".wxss", ".toml", ".yml", ".yaml", ".cfg", ".ini", ".txt",
                 ".lock", ".service", ".sh", ""}

OUTSIDE = re.compile(
    r"DESIGN\s*§|DESIGN\.md|STYLE\s+habit|STYLE\.md|SEED-|(?<![\w.-])shared/(?:DESIGN|STYLE|SEED|NOTE)|/work/shared",
)
DOC_PAGE = re.compile(r"\bdocs/([\w-]+(?:/[\w-]+)*\.md)")
# "invariant 9", "invariants 2, 3", "Invariant 5": the ledger's rules are the only numbered invariants.
NUMBERED_INVARIANT = re.compile(r"\binvariants?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)", re.IGNORECASE)
INVARIANT_HEADING = re.compile(r"^### Invariant (\d+):", re.MULTILINE)


def _text_files():
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)  # pruned, not walked: .venv is large
        for name in sorted(names):
            path = Path(folder, name)
            if path in SKIPPED_FILES or path.suffix not in TEXT_SUFFIXES or path.stat().st_size > 2_000_000:
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


FILES = list(_text_files())


def _where(path: Path, text: str, offset: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, offset) + 1}"


def _numbers(found: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", found)]


def ledger_invariants() -> set[int]:
    return {int(n) for n in INVARIANT_HEADING.findall((DOCS / "ledger.md").read_text(encoding="utf-8"))}


def test_the_walk_sees_the_tree():
    """The walk itself reads the code, the tests, the README and docs/ (a wrong root would pass everything)."""
    seen = {path.relative_to(ROOT).as_posix() for path, _ in FILES}
    assert {"README.md", "server/services/ledger/core.py", "tests/conftest.py", "docs/ledger.md"} <= seen


def test_nothing_cites_a_document_outside_the_repository():
    """No "DESIGN §…", "STYLE habit …" or shared/ path: the design a reader is sent to is under docs/."""
    found = [f"{_where(path, text, m.start())}: {m.group(0)!r}"
             for path, text in FILES for m in OUTSIDE.finditer(text)]
    assert found == [], "cite docs/ instead:\n" + "\n".join(found)


def test_every_cited_docs_page_exists():
    found = [f"{_where(path, text, m.start())}: docs/{m.group(1)}"
             for path, text in FILES for m in DOC_PAGE.finditer(text) if not (DOCS / m.group(1)).is_file()]
    assert found == [], "no such page:\n" + "\n".join(found)


def test_the_design_pages_exist_and_the_readme_links_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("architecture.md", "ledger.md", "decisions.md"):
        assert (DOCS / page).is_file()
        assert f"docs/{page}" in readme


def test_the_ledger_invariants_are_numbered_one_after_another():
    """Code and tests cite invariants by number: the numbers run 1, 2, 3 … with no gap and no repeat."""
    headings = [int(n) for n in INVARIANT_HEADING.findall((DOCS / "ledger.md").read_text(encoding="utf-8"))]
    assert headings == list(range(1, len(headings) + 1)) and len(headings) >= 9


def test_every_cited_ledger_invariant_exists():
    """"docs/ledger.md, invariant N" names an invariant docs/ledger.md has; and a file that numbers
    invariants says whose they are (names docs/ledger.md), unless it is one of the docs/ pages."""
    known = ledger_invariants()
    found = []
    for path, text in FILES:
        citations = list(NUMBERED_INVARIANT.finditer(text))
        if not citations:
            continue
        if DOCS not in path.parents and "docs/ledger.md" not in text:
            found.append(f"{_where(path, text, citations[0].start())}: {citations[0].group(0)!r} "
                         "without naming docs/ledger.md")
        for m in citations:
            missing = [n for n in _numbers(m.group(1)) if n not in known]
            if missing:
                found.append(f"{_where(path, text, m.start())}: invariant {missing} ({m.group(0)!r})")
    assert found == [], "docs/ledger.md has no such invariant:\n" + "\n".join(found)


def test_the_files_the_docs_name_exist():
    """A docs/ page that names a file of the repository (`server/db/`, `workers/cron.py`) names one that is
    there: when code moves, the page that sends readers to it moves with it."""
    path_in_backticks = re.compile(r"`((?:server|workers|tests|config|bench|miniprogram|docs)/[^`\s<>{}*]*)`")
    found = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in path_in_backticks.finditer(text):
            cited = m.group(1).split("::")[0]
            if not (ROOT / cited).exists():
                found.append(f"{_where(page, text, m.start())}: {cited}")
    assert found == [], "no such file:\n" + "\n".join(found)
