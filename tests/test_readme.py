"""The README as a new user follows it: its figures are the code's, and every command after
the set-up names a program that is there (`.venv/bin/...` or `pamphlet` once activated)."""

from __future__ import annotations

import re
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import mutants  # noqa: E402 - bench/ is no package

README = (REPO / "README.md").read_text()


def test_the_quick_mutation_check_is_counted_as_it_is():
    said = re.search(r"CI runs a quick check, (\d+)\s+hand-picked", README)
    assert said and int(said.group(1)) == len(mutants.MUTANTS)
    ci = re.search(r"The quick mutation check: (\d+) ", (REPO / ".ci" / "run").read_text())
    assert ci and int(ci.group(1)) == len(mutants.MUTANTS)


def test_it_says_how_long_the_tests_take_and_how_to_run_fewer():
    start = README.index("The second command runs the test suite")
    said = README[start:README.index("\n\n", start)]
    assert re.search(r"\b(seconds|minutes|hours)\b", said)
    example = re.search(r"`(\.venv/bin/python -m pytest -q tests/\w+\.py)`", said)
    assert example and (REPO / example.group(1).split()[-1]).is_file()


def test_commands_to_type_run_a_program_that_is_on_the_path_or_in_the_venv():
    """A command in a code span or block that runs python or pytest names the one in
    .venv/bin: a bare `python` is another Python, without pamphlet's packages, or none at all
    (Debian has only python3). `pip install` lines install pamphlet into whatever
    environment the reader uses (a CI runner's, say): test_distribution reads those."""
    spans = re.findall(r"`([^`\n]+)`", README) + [
        line for block in README.split("```")[1::2] for line in block.splitlines()[1:]]
    bare = [span for span in spans if re.match(r"(python3?|pytest) \S", span.strip())
            and not span.strip().startswith("python3 -m venv")]
    assert bare == [], bare
