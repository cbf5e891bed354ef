"""With SOURCE_DATE_EPOCH set, builds in separate processes are byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys

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
    import re
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        uuid = re.search(r"urn:uuid:([0-9a-f-]{36})", book.read("EPUB/content.opf").decode())[1]
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
