"""Try the newest WeasyPrint (or a given one) against the parts engine, before widening the
tested range in pyproject.toml and engine/weasy/guard.py.

    python bench/weasyprint_canary.py                # the newest release on the index
    python bench/weasyprint_canary.py --version 69.0 # or any other
    python bench/weasyprint_canary.py --keep DIR     # keep the scratch environment in DIR

Makes a scratch virtual environment, installs pamphlet's dependencies there with that
WeasyPrint (nothing in the project's own .venv changes), and then, with the guard told to
let any version through (PAMPHLET_WEASYPRINT_CANARY=1; it still checks every signature):
prints what the guard finds changed in WeasyPrint's internals, and runs the tests that
compare the reading PDF laid out in parts with the single render, printing what broke.
Exit status 0 when the guard finds nothing and every test passes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The tests that say whether the parts engine still makes the single render's book.
TESTS = ("tests/test_parts.py", "tests/test_page_agreement.py")


def run(*command: str, **options) -> subprocess.CompletedProcess:
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", help="the WeasyPrint release to try (default: the newest)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make the scratch environment in DIR and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pamphlet-canary-"))
    venv = folder / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run(sys.executable, "-m", "venv", str(venv), check=True)
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = [requirement for requirement in project["dependencies"]
              if not requirement.lower().startswith("weasyprint")]
    wanted += project["optional-dependencies"]["test"]
    wanted.append(f"weasyprint=={args.version}" if args.version else "weasyprint")
    run(str(python), "-m", "pip", "install", "-q", "--upgrade", *wanted, check=True)
    version = subprocess.run([str(python), "-c", "import weasyprint; print(weasyprint.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"trying WeasyPrint {version}", flush=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PAMPHLET_WEASYPRINT_CANARY": "1"}
    found = subprocess.run(
        [str(python), "-c", "import weasyprint; from pamphlet.engine.weasy import guard; "
         "print('\\n'.join(guard.problems(weasyprint.__version__, check_version=False)))"],
        capture_output=True, text=True, env=env, cwd=REPO)
    changed = [line for line in found.stdout.splitlines() if line.strip()]
    if found.returncode:
        changed.append(f"the guard itself failed: {found.stderr.strip()[-2000:]}")
    print("the guard finds:" if changed else "the guard finds nothing changed", flush=True)
    for line in changed:
        print(f"  {line}")
    tests = run(str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS,
                env=env, cwd=REPO)
    print(f"WeasyPrint {version}: {len(changed)} change(s) the guard sees; the parts tests "
          f"{'passed' if tests.returncode == 0 else 'FAILED (see above)'}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if not changed and tests.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
