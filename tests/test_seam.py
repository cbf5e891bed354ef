"""The WeasyPrint seam's guard (engine/weasy/guard.py): on a WeasyPrint the parts engine was
not tested with, nothing of WeasyPrint's is replaced and the reading PDF is laid out whole,
with one warning (O514) that names the version found; and `render = "auto"` lays a short
book out whole, a long one in parts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import weasyprint
import weasyprint.formatting_structure.build

from test_parts import assert_same_book, sample, with_render

from pamphlet.build.pipeline import build
from pamphlet.engine.weasy import guard

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_verdict():
    """The guard decides again in this test, and again after it."""
    guard.forget()
    yield
    guard.forget()


@pytest.mark.parametrize("version", ["71.0", "69.0", "70.0rc1+local", "100"])
def test_a_version_outside_the_tested_range_is_refused(version):
    found = guard.problems(version)
    if guard.LOWEST <= guard.version_tuple(version) < guard.ABOVE:
        assert found == []
    else:
        assert found and f"WeasyPrint {version} " in found[0]


def test_the_installed_version_passes():
    assert guard.problems(weasyprint.__version__) == []


def test_a_replaced_function_with_other_parameters_is_seen(monkeypatch):
    from pamphlet.engine.weasy import patches

    other = lambda state, style, quotes: None  # noqa: E731
    monkeypatch.setattr(weasyprint.formatting_structure.build, "update_counters", other)
    # Once installed, the guard looks at WeasyPrint's own function, which install() kept.
    monkeypatch.setitem(patches.ORIGINALS, ("weasyprint.formatting_structure.build",
                                            "update_counters"), other)
    assert guard.problems(weasyprint.__version__) == [
        "weasyprint.formatting_structure.build.update_counters takes other parameters"]


def test_a_missing_internal_is_seen(monkeypatch):
    monkeypatch.delattr(weasyprint.pdf, "_w3c_date_to_pdf")
    assert guard.problems(weasyprint.__version__) == [
        "weasyprint.pdf._w3c_date_to_pdf is missing"]


def test_another_weasyprint_is_laid_out_whole_with_one_warning(tmp_path, monkeypatch,
                                                                fresh_verdict):
    """Faked in this process: the build in parts warns once, naming the version, and makes
    the pages of render = "whole"."""
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    project = sample(tmp_path)  # render = "parts"
    result = build(project, tmp_path / "parts", jobs=2)
    warned = [d for d in result.diagnostics if d.code == "O514"]
    assert result.ok and len(warned) == 1
    assert "WeasyPrint 71.0 is not a version the parts engine was tested with" \
        in warned[0].message
    assert [d.code for d in result.diagnostics] == ["O514"]
    whole_spec = project / "whole.toml"
    whole_spec.write_text(with_render(project / "pamphlet.toml", "whole"))
    whole = build(whole_spec, tmp_path / "whole")
    assert whole.ok and not whole.diagnostics.items
    assert_same_book(tmp_path / "parts" / "pamphlet.pdf", tmp_path / "whole" / "whole.pdf")


def test_another_weasyprint_gets_none_of_the_patches(tmp_path):
    """In a process of its own, where WeasyPrint says it is 71.0 before pamphlet is
    imported: after a build in parts, every function the seam would replace is
    WeasyPrint's own."""
    project = sample(tmp_path)
    script = textwrap.dedent(f"""
        import json, sys
        import weasyprint
        weasyprint.__version__ = "71.0"
        originals = {{}}
        import weasyprint.layout, weasyprint.pdf, weasyprint.document
        import weasyprint.formatting_structure.build as b
        from weasyprint.css import StyleFor
        before = [weasyprint.layout.make_margin_boxes, StyleFor.__dict__["_page_type_match"],
                  b.element_to_box, b.update_counters, b.compute_content_list,
                  weasyprint.document.TargetCollector, weasyprint.pdf.resolve_links]
        from pathlib import Path
        from pamphlet.build.pipeline import build
        result = build(Path({str(project)!r}), Path({str(tmp_path / "out")!r}), jobs=2)
        after = [weasyprint.layout.make_margin_boxes, StyleFor.__dict__["_page_type_match"],
                 b.element_to_box, b.update_counters, b.compute_content_list,
                 weasyprint.document.TargetCollector, weasyprint.pdf.resolve_links]
        print(json.dumps({{"ok": result.ok, "codes": [d.code for d in result.diagnostics],
                          "same": [x is y for x, y in zip(before, after)]}}))
    """)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    said = json.loads(ran.stdout.strip().splitlines()[-1])
    assert said == {"ok": True, "codes": ["O514"], "same": [True] * 7}


def test_the_tested_weasyprint_is_laid_out_in_parts_and_patched(tmp_path, fresh_verdict):
    from pamphlet.engine.weasy import patches

    heard = []
    result = build(sample(tmp_path), tmp_path / "out", jobs=1, progress=heard.append)
    assert result.ok and not result.diagnostics.items
    assert patches.installed()
    assert [step.name for step in heard if step.kind == "part"][:2] == ["front", "essay-001"]


def long_sample(where: Path, copies: int) -> Path:
    """The sample with each essay repeated `copies` times under other names."""
    project = sample(where)
    spec = project / "pamphlet.toml"
    spec.write_text(with_render(spec, "auto"))
    essays = sorted((project / "source").glob("*.md"))
    slugs = []
    for copy in range(copies):
        for essay in essays:
            slug = f"{essay.stem}-{copy}"
            (project / "source" / f"{slug}.md").write_text(essay.read_text())
            slugs.append(slug)
    text = spec.read_text()
    start = text.index("essays = [")
    end = text.index("]", start) + 1
    spec.write_text(text[:start] + "essays = " + json.dumps(slugs) + text[end:])
    return project


@pytest.mark.slow(
    "builds a book long enough (six copies of the sample) for render = auto to lay it out in parts")
@pytest.mark.parametrize("copies, parted", [(1, False), (6, True)])
def test_auto_lays_a_short_book_out_whole_and_a_long_one_in_parts(tmp_path, copies, parted):
    heard = []
    result = build(long_sample(tmp_path, copies), tmp_path / "out", jobs=2,
                   progress=heard.append)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert any(step.kind == "part" for step in heard) == parted, \
        [d.format() for d in result.diagnostics if not d.code.startswith("M")]
    assert (result.pages >= 60) == parted  # PARTS_FROM_PAGES, as the estimate judged it
