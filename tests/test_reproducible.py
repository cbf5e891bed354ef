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
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
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
