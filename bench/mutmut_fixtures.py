"""A pytest plugin for bench/mutation.py: what a shared fixture calls counts for every test
that uses the fixture.

mutmut runs each mutant against the tests that reached the mutated function in its first
run (its "stats"), and credits a function to the test in whose set-up, call or teardown it
ran. A module- or session-scoped fixture runs once, in the set-up of the first test that asks
for it: without this plugin the other tests that read its result never ran against mutants
of what it called, and a mutant only they catch was reported surviving (seen: every mutant of
stitch.py's `_take` that only the parent-tree test catches, the book being a module fixture).
"""

from __future__ import annotations

import os

import pytest

_CALLED: dict[int, set[str]] = {}  # a shared fixture (by its definition) -> functions it reached


def _stats() -> set[str] | None:
    """mutmut's record of the functions reached in the current test, while it collects it."""
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return None
    from mutmut.state import state

    return state()._stats


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    stats = _stats()
    if stats is None or fixturedef.scope == "function":
        yield
        return
    before = set(stats)
    stats.clear()
    try:
        yield
    finally:
        _CALLED.setdefault(id(fixturedef), set()).update(stats)
        stats.update(before)


@pytest.hookimpl(tryfirst=True)  # before mutmut's own teardown hook reads and clears the record
def pytest_runtest_teardown(item, nextitem):
    stats = _stats()
    if stats is None:
        return
    for name in item.fixturenames:
        for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ()):
            stats.update(_CALLED.get(id(fixturedef), ()))
