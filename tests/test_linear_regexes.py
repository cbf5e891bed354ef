"""Every regular expression pamphlet applies to text ends in linear time on hostile input.

The patterns are found in the package's source (each `re.compile(...)`, `re.sub(...)`,
`re.match(...)`, ...), so a pattern added later is tested too. Hostile strings are generated
from each pattern's own shape, as ReDoS finders do: the prefixes of strings it matches,
repeated, or followed by a run of one character and a character that makes it fail. Each
pattern is timed on the slowest of these at two sizes, four times apart, as the code applies
it (a pattern only ever matched at the start of a text is not searched at every position): a
linear pattern takes about four times as long, a quadratic one sixteen times.
"""

from __future__ import annotations

import ast
import itertools
import re
import time
from pathlib import Path

import pytest

try:  # Python 3.11
    import re._parser as sre_parse
    from re import _constants as sre
except ImportError:  # pragma: no cover
    import sre_constants as sre
    import sre_parse

PACKAGE = Path(__file__).resolve().parent.parent / "pamphlet"
CALLS = {"compile", "sub", "subn", "match", "search", "findall", "finditer", "split",
         "fullmatch"}
ANCHORED = {"match", "fullmatch"}
FLAG_ARGUMENT = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2,
                 "finditer": 2, "split": 3, "sub": 4, "subn": 4}
SCREEN, SMALL, LARGE = 48, 200, 800  # characters: to find the slowest attacks, then to time them
FLOOR = 0.003  # seconds at LARGE under which no pattern is suspect, whatever its ratio


def _flags(node) -> int:
    if node is None:
        return 0
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # re.I | re.M


def _name_of(target) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def patterns() -> list[tuple[str, str, int, bool]]:
    """(where, pattern, flags, anchored) for each pattern written as a string in the package.

    `anchored`: every use of it matches at one place only (`match`, `fullmatch`)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses: dict[str, set[str]] = {}
        for node in ast.walk(tree):  # how each compiled pattern's name is used
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = _name_of(node.func.value)
                if owner:
                    uses.setdefault(owner, set()).add(node.func.attr)
        named = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    named[id(node.value)] = _name_of(target)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in CALLS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            call = node.func.attr
            flag = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if flag is None and len(node.args) > FLAG_ARGUMENT[call]:
                flag = node.args[FLAG_ARGUMENT[call]]
            if call == "compile":
                modes = uses.get(named.get(id(node)) or "", set()) & (CALLS - {"compile"})
                anchored = bool(modes) and modes <= ANCHORED
            else:
                anchored = call in ANCHORED
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            found.append((where, node.args[0].value, _flags(flag), anchored))
    return found


def _samples(pattern: str, flags: int) -> list[str]:
    """A few strings the pattern matches, or nearly: from its parse tree."""
    def walk(items) -> list[str]:
        results = [""]
        for op, av in items:
            results = [r + o for r in results for o in emit(op, av)][:8]
        return results

    def emit(op, av) -> list[str]:
        if op is sre.LITERAL:
            return [chr(av)]
        if op is sre.NOT_LITERAL:
            return ["a" if av != ord("a") else "b"]
        if op is sre.ANY:
            return ["a"]
        if op is sre.IN:
            return _class(av)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            inner = walk(sub)
            count = max(low, 1) if high != 0 else 0
            more = high == sre.MAXREPEAT or high > count
            return [s * count for s in inner][:3] + ([s * (count + 1) for s in inner][:2]
                                                     if more else [])
        if op is sre.SUBPATTERN:
            return walk(av[-1])
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return walk(av)
        if op is sre.BRANCH:
            return [s for branch in av[1] for s in walk(branch)][:6]
        return [""]  # anchors, lookarounds, back-references

    return [s for s in walk(sre_parse.parse(pattern, flags)) if s]


def _class(items) -> list[str]:
    chars, negate = [], False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE:
            chars.append(chr(av[0]))
        elif op is sre.CATEGORY:
            chars.append({sre.CATEGORY_DIGIT: "1", sre.CATEGORY_SPACE: " ",
                          sre.CATEGORY_NOT_DIGIT: "a", sre.CATEGORY_NOT_SPACE: "a",
                          sre.CATEGORY_NOT_WORD: " "}.get(av, "a"))
    if negate:
        return [c for c in "a1 .-<[(" if c not in chars][:2] or ["~"]
    return chars[:3] or ["a"]


def attacks(pattern: str, flags: int, size: int) -> dict[str, str]:
    """Hostile strings of about `size` characters, by name (the same names at each size)."""
    samples = _samples(pattern, flags)
    alphabet = sorted(set("".join(samples)) | set(" \t\n"))[:16]
    prefixes = sorted({s[:i] for s in samples for i in range(1, min(len(s), 8) + 1)})
    found = {}
    for prefix in prefixes:
        found[f"{prefix!r}*n"] = prefix * (size // len(prefix)) + "\x00"
        for char in alphabet:
            found[f"{prefix!r}+{char!r}*n"] = prefix + char * size + "\x00"
    for a, b in itertools.product(alphabet[:8], repeat=2):
        found[f"{a + b!r}*n"] = (a + b) * (size // 2) + "\x00"
    return found


def _time(compiled: re.Pattern, text: str, anchored: bool, runs: int = 1) -> float:
    """The least CPU time of `runs` runs (this process's own: other work on a busy machine
    does not count)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        if anchored:
            compiled.match(text)
            compiled.fullmatch(text)
        else:
            for _ in compiled.finditer(text):
                pass
        best = min(best, time.process_time() - start)
    return best


def growth(pattern: str, flags: int, anchored: bool) -> tuple[float, str, float]:
    """(time at LARGE / time at SMALL, the attack, time at LARGE) for the worst attack."""
    compiled = re.compile(pattern, flags)
    timed = sorted(((_time(compiled, text, anchored), name)
                    for name, text in attacks(pattern, flags, SCREEN).items()), reverse=True)
    small, large = attacks(pattern, flags, SMALL), attacks(pattern, flags, LARGE)
    worst = (0.0, "", 0.0)
    for _, name in timed[:3]:
        found = (float("inf"), name, 0.0)
        for _ in range(3):  # a ratio spoilt by chance is not repeated; a quadratic one is
            quick = _time(compiled, small[name], anchored, 3)
            if quick > 0.5:  # already far too slow: a cubic pattern would take minutes at LARGE
                return (float("inf"), name, quick)
            slow = _time(compiled, large[name], anchored, 2)
            found = min(found, (slow / max(quick, 1e-7), name, slow) if slow >= FLOOR
                        else (0.0, name, slow))
            if found[0] < 10:
                break
        worst = max(worst, found)
    return worst


PATTERNS = patterns()


def test_the_patterns_are_found():
    assert len(PATTERNS) > 150
    assert any("eventkit" in where for where, *_ in PATTERNS)


@pytest.mark.parametrize("where, pattern, flags, anchored", PATTERNS,
                         ids=[where for where, *_ in PATTERNS])
def test_a_pattern_takes_linear_time(where, pattern, flags, anchored):
    ratio, attack, seconds = growth(pattern, flags, anchored)
    # Four times the text: about four times the time when linear, sixteen when quadratic.
    assert ratio < 10, f"{pattern!r} on {attack}: x{ratio:.0f} for 4x the text ({seconds:.3f} s)"
