"""The programs the tests drive beside Python: Debian packages and npm modules, installed on a
machine that lacks them, as the README's test command promises a fresh machine.

`python tests/system.py` installs them before pytest starts (the README's test command and
.ci/run run it first; the suite itself installs nothing, so no test races an install). An
install that fails stops it with the package's name and the installer's own output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NPM_PREFIX = REPO / ".cache" / "npm"  # git-ignored; kept between runs on one machine

# Debian package -> how to tell it is there: a command on PATH, a file, or a character some
# installed font must draw (the script tests assert that CJK, emoji, Arabic, Hebrew, and the
# Indic, Thai, Georgian, Armenian and Ethiopic scripts are drawn).
PACKAGES = {
    "chromium": ("command", "chromium"),
    "jing": ("command", "jing"),
    "zbar-tools": ("command", "zbarimg"),
    "poppler-utils": ("command", "pdftotext"),
    "libxml2-utils": ("command", "xmllint"),
    "npm": ("command", "npm"),
    "default-jdk-headless": ("command", "javac"),  # EPUBCheck's Java, and its source launcher
    "libgs-common": ("file", "/usr/share/color/icc/ghostscript/ps_cmyk.icc"),
    "fonts-dejavu-core": ("font", "ש"),  # Hebrew and Arabic, for the right-to-left tests
    "fonts-noto-cjk": ("font", "中"),
    # Bengali, Devanagari, Tamil, Thai, Georgian, Armenian, Ethiopic (and most other scripts)
    "fonts-noto-core": ("font", "\N{BENGALI LETTER A}"),
    "fonts-noto-color-emoji": ("font", "\N{PAPERCLIP}"),
}

# npm package -> the file the tests use from it. Ace is installed without its install scripts:
# they only download an Electron the tests do not use (ace-puppeteer drives Debian's chromium).
NPM = {
    "axe-core": "node_modules/axe-core/axe.min.js",
    "@daisy/ace": "node_modules/.bin/ace-puppeteer",
    # Real clients of the calendars and catalogs the site writes (tests/clients/): Mozilla's
    # ical.js (Thunderbird), NYPL's OPDS 1 parser and Readium's OPDS 1 and 2 (Thorium).
    "ical.js": "node_modules/ical.js/dist/ical.js",
    "opds-feed-parser": "node_modules/opds-feed-parser/lib/src/index.js",
    "r2-opds-js": "node_modules/r2-opds-js/dist/es8-es2017/src/opds/converter.js",
}


def has_font_for(char: str) -> bool:
    """Whether fontconfig knows an installed font with a glyph for `char`."""
    found = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"],
                           capture_output=True, text=True)
    return bool(found.stdout.strip())


def present(package: str) -> bool:
    kind, probe = PACKAGES[package]
    if kind == "file":
        return Path(probe).is_file()
    return has_font_for(probe) if kind == "font" else shutil.which(probe) is not None


class InstallError(Exception):
    """An install that failed, or that left a package the tests need still missing."""


def _run(argv: list[str], what: str) -> None:
    """Run an installer; its output is shown only when it fails, with `what` it was for."""
    done = subprocess.run(argv, capture_output=True, text=True,
                          env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if done.returncode != 0:
        raise InstallError(f"{what}: `{' '.join(argv)}` failed (exit {done.returncode}):\n"
                           + (done.stdout + done.stderr).strip()[-3000:])


def missing_packages() -> list[str]:
    return [package for package in PACKAGES if not present(package)]


def missing_npm() -> list[str]:
    return [name for name, file in NPM.items() if not (NPM_PREFIX / file).exists()]


def install_packages() -> list[str]:
    """apt-get install whatever the tests need and the machine lacks (only as root); the
    packages still missing when it cannot install (not root, or no apt-get)."""
    missing = missing_packages()
    if not missing or os.geteuid() != 0 or not shutil.which("apt-get"):
        return missing
    _run(["apt-get", "update", "-qq"], "apt-get update")
    for package in missing:  # one at a time, so a failure names its package
        _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
             f"installing the Debian package {package}")
    if any(PACKAGES[package][0] == "font" for package in missing):
        _run(["fc-cache", "-f"], "fc-cache, after installing fonts")
    still = missing_packages()
    if still:
        raise InstallError("installed, but still not found: " + ", ".join(
            f"{package} ({' '.join(PACKAGES[package])})" for package in still))
    return []


def install_npm() -> list[str]:
    """npm install the modules the tests need into .cache/npm, once per machine; the modules
    still missing when it cannot (no npm)."""
    missing = missing_npm()
    if not missing or not shutil.which("npm"):
        return missing
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    for name in missing:
        _run(["npm", "install", "--prefix", str(NPM_PREFIX), "--ignore-scripts", "--no-audit",
              "--no-fund", "--loglevel=error", name], f"installing the npm module {name}")
    still = missing_npm()
    if still:
        raise InstallError("installed, but still not found: " + ", ".join(
            f"{name} ({NPM_PREFIX / NPM[name]})" for name in still))
    return []


def install() -> int:
    """Install what is missing; 1, with the reason on stderr, if an install failed."""
    try:
        packages, modules = install_packages(), install_npm()
    except InstallError as error:
        print(f"tests/system.py: {error}", file=sys.stderr)
        return 1
    if packages or modules:  # not ours to install here: the tests that need them say so
        print("tests/system.py: not installed (the tests that need them will fail): "
              + ", ".join([*(f"apt-get install {p}" for p in packages),
                           *(f"npm install {m}" for m in modules)]), file=sys.stderr)
    return 0


def command(name: str, package: str) -> str:
    """The path of a program the test needs, or a failure that names its Debian package."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install {package}")
    return found


def npm_file(name: str) -> Path:
    """A file from an npm module the tests installed, or a failure that says how to get it."""
    path = NPM_PREFIX / NPM[name]
    if not path.exists():
        pytest.fail(f"{name} is not installed: npm install --prefix {NPM_PREFIX} "
                    f"--ignore-scripts {name}")
    return path


def chromium() -> str:
    """Debian's chromium, for Playwright's executable_path (its own download is unreachable)."""
    return command("chromium", "chromium")


def axe_script() -> str:
    """The text of axe-core's axe.min.js, to inject into a page."""
    return npm_file("axe-core").read_text(encoding="utf-8")


def ace(epub: Path, folder: Path) -> tuple[dict, list]:
    """DAISY Ace's report on `epub` (written in `folder`) and its failed checks, as (title,
    impact) pairs."""
    return ace_books([epub], folder)[0]


def ace_books(epubs: list[Path], folder: Path) -> list[tuple[dict, list]]:
    """`ace` of each EPUB, in one Node process with one Chromium (tests/clients/ace.cjs:
    ace-puppeteer would start both again for each book, half its time on a short one)."""
    import json

    npm_file("@daisy/ace")  # or a failure saying how to install it
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium()}
    subprocess.run(["node", str(REPO / "tests" / "clients" / "ace.cjs"), str(NPM_PREFIX / "node_modules"),
                    str(folder), *map(str, epubs)],
                   check=True, capture_output=True, env=environment, timeout=120 + 60 * len(epubs))
    reports = [json.loads((folder / str(index) / "report.json").read_text(encoding="utf-8"))
               for index in range(len(epubs))]
    return [(report, [(test["earl:test"]["dct:title"], test["earl:test"].get("earl:impact"))
                      for assertion in report["assertions"]
                      for test in assertion.get("assertions", [])
                      if test["earl:result"]["earl:outcome"] == "fail"])
            for report in reports]


def need(package: str) -> None:
    """Fail the test, naming the Debian package, if `package` is not installed."""
    if not present(package):
        pytest.fail(f"{package} is not installed: apt-get install {package}")


if __name__ == "__main__":  # before the suite starts: the README's test command, .ci/run
    sys.exit(install())
