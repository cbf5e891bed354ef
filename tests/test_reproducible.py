"""With SOURCE_DATE_EPOCH set, builds in separate processes are byte-identical; without it,
the outputs carry the clock's time, so two builds at different times differ."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import types
import zipfile

from pypdf import PdfReader

from pamphlet.build.pipeline import build

from conftest import copy_project


def test_every_output_is_byte_identical_across_processes(tmp_path):
    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text() + '\n[print]\ncreep = "0.1mm"\nmarks = true\n'
                    'variants = ["read", "print", "print-bw"]\n')
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780272000"}  # 2026-06-01
    outputs = []
    for run in ("one", "two"):
        subprocess.run([sys.executable, "-m", "pamphlet", "build", str(project), "--force",
                        "--out", str(tmp_path / run)], check=True, env=env, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()
                        if not p.name.startswith(".")})
    assert sorted(outputs[0]) == ["pamphlet-print-bw.pdf", "pamphlet-print.pdf", "pamphlet.epub",
                                  "pamphlet.pdf"]
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
    check_identity(tmp_path / "one")


def check_identity(out):
    """The PDFs' dates and file identifier come from the spec and SOURCE_DATE_EPOCH; the
    identifier's first half is the e-book's UUID, shared by every version of the pamphlet."""
    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    uuid = re.search(r"urn:uuid:([0-9a-f-]{36})", opf)[1]
    assert epub_modified(out / "pamphlet.epub") == dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    seconds = set()
    for name in ("pamphlet.pdf", "pamphlet-print.pdf", "pamphlet-print-bw.pdf"):
        reader = PdfReader(str(out / name))
        first, second = (bytes(i.original_bytes) for i in reader.trailer["/ID"])
        assert first == uuid.replace("-", "").encode(), name
        seconds.add(second)
        assert reader.metadata["/CreationDate"] == "D:20260501000000Z", name  # the spec's date
        assert reader.metadata["/ModDate"] == "D:20260601000000Z", name  # SOURCE_DATE_EPOCH
        assert reader.metadata["/Title"] == "Notes and Margins", name
    assert len(seconds) == 3  # each file is its own version


def epub_modified(path) -> dt.datetime:
    """The EPUB's dcterms:modified."""
    with zipfile.ZipFile(path) as book:
        opf = book.read("EPUB/content.opf").decode()
    stamp = re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf)[1]
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def pdf_date(path, key: str = "/ModDate") -> dt.datetime:
    """A date from the PDF's document information ('D:YYYYMMDDHHMMSSZ')."""
    stamp = PdfReader(str(path)).metadata[key]
    return dt.datetime.strptime(stamp[2:16], "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)


def test_without_source_date_epoch_the_dates_come_from_the_clock(tmp_path):
    assert "SOURCE_DATE_EPOCH" not in os.environ
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = build(copy_project("notes", tmp_path))
    after = dt.datetime.now(dt.timezone.utc)
    assert result.ok, [d.format() for d in result.diagnostics]
    pdf, epub = result.outputs
    assert before <= pdf_date(pdf) <= after
    assert before <= epub_modified(epub) <= after
    assert pdf_date(pdf, "/CreationDate") == dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)


def fixed_clock(monkeypatch, when: dt.datetime) -> None:
    """Make the build's clock read `when` (SOURCE_DATE_EPOCH stays unset)."""
    import pamphlet.project.clock

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return when

    monkeypatch.setattr(pamphlet.project.clock, "dt", types.SimpleNamespace(
        datetime=Frozen, timezone=dt.timezone))


def test_builds_at_different_times_are_not_identical(tmp_path, monkeypatch):
    """Nothing is reproducible by accident: the clock's time reaches both outputs."""
    project = copy_project("notes", tmp_path)
    times = [dt.datetime(2026, 7, 1, 12, 0, 0, tzinfo=dt.timezone.utc),
             dt.datetime(2026, 7, 1, 12, 0, 1, tzinfo=dt.timezone.utc)]
    outputs = []
    for number, when in enumerate(times):
        fixed_clock(monkeypatch, when)
        result = build(project, tmp_path / f"out{number}")
        assert result.ok, [d.format() for d in result.diagnostics]
        pdf, epub = result.outputs
        assert (pdf_date(pdf), epub_modified(epub)) == (when, when)
        outputs.append([path.read_bytes() for path in result.outputs])
    assert outputs[0][0] != outputs[1][0] and outputs[0][1] != outputs[1][1]
