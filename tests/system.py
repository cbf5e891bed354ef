"""The programs the tests drive beside Python: Debian packages and npm modules, installed on a
machine that lacks them, as the README's test command promises a fresh machine."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def _quiet() -> dict:
    return {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
            "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}


def install_packages() -> None:
    """apt-get install whatever the tests need and the machine lacks (only as root)."""
    missing = [package for package in PACKAGES if not present(package)]
    if not missing or os.geteuid() != 0 or not shutil.which("apt-get"):
        return  # the tests that need them then fail and name the package
    subprocess.run(["apt-get", "update", "-qq"], check=False, **_quiet())
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=False, **_quiet())
    if any(PACKAGES[package][0] == "font" for package in missing):
        subprocess.run(["fc-cache", "-f"], check=False, **_quiet())


def install_npm() -> None:
    """npm install the modules the tests need into .cache/npm, once per machine."""
    missing = [name for name, file in NPM.items() if not (NPM_PREFIX / file).exists()]
    if not missing or not shutil.which("npm"):
        return
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(NPM_PREFIX), "--ignore-scripts",
                    "--no-audit", "--no-fund", "--loglevel=error", *missing],
                   check=False, **_quiet())


def install() -> None:
    install_packages()
    install_npm()


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
    import json

    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium()}
    subprocess.run([str(npm_file("@daisy/ace")), "-o", str(folder), str(epub)],
                   check=True, capture_output=True, env=environment, timeout=300)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return report, [(test["earl:test"]["dct:title"], test["earl:test"].get("earl:impact"))
                    for assertion in report["assertions"]
                    for test in assertion.get("assertions", [])
                    if test["earl:result"]["earl:outcome"] == "fail"]


def need(package: str) -> None:
    """Fail the test, naming the Debian package, if `package` is not installed."""
    if not present(package):
        pytest.fail(f"{package} is not installed: apt-get install {package}")


if __name__ == "__main__":  # .ci/run installs everything before the suite starts
    install()
