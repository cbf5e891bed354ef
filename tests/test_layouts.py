"""The layout search path: a project's files before the built-in ones; layouts ship in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from pamphlet.build.pipeline import build
from pamphlet.book.layouts import BUILTIN_LAYOUTS, available_layouts, find_layout

from conftest import REPO, copy_project
from pdftext import Pdf


def test_builtin_zine_layout_is_found(tmp_path):
    layout = find_layout("zine", tmp_path / "layouts")
    assert layout.find("zine/pamphlet.html") == (BUILTIN_LAYOUTS / "zine" / "pamphlet.html").resolve()
    assert [p.name for p in layout.stylesheets("print")] == ["fonts.css", "print.css"]
    assert "zine" in available_layouts(tmp_path)


def test_project_custom_css_is_added_after_the_layout(tmp_path):
    project = copy_project("notes", tmp_path)
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "custom.css").write_text(".essay-source { display: none; }")
    result = build(project)
    assert result.ok
    pdf = Pdf(result.outputs[0])
    assert not pdf.pages_with("Firstpublishedas")
    assert pdf.pages_with("Footnotesonseveralpages")  # the rest of the essay head is there


def test_project_template_overrides_the_builtin_one(tmp_path):
    project = copy_project("notes", tmp_path)
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "pamphlet.html").write_text(
        "<html><body><p>{{ pamphlet.title }} has {{ pamphlet.chapters | length }} essays</p>"
        "</body></html>")
    result = build(project)
    assert result.ok and result.pages == 1
    assert "Notes and Margins has 3 essays" in Pdf(result.outputs[0]).text(1)


def test_wheel_ships_the_builtin_layouts(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(REPO)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("pamphlet_zine-*.whl"))  # the distribution is pamphlet-zine
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ["pamphlet/layouts/zine/pamphlet.html", "pamphlet/layouts/zine/print.css",
                 "pamphlet/layouts/fonts/fonts.css", "pamphlet/layouts/fonts/CharisSIL-Regular.ttf",
                 "pamphlet/cli/__init__.py"]:
        assert name in names


def test_each_essay_is_marked_with_its_language_for_hyphenation(tmp_path):
    from lxml import html as lxml_html

    from pamphlet.book.assemble import assemble
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.pdf import render_html
    from pamphlet.project.spec import load_spec
    from pamphlet.project.select import select

    project = copy_project("notes", tmp_path)
    essay = project / "source" / "coda.md"
    essay.write_text(essay.read_text().replace("tags: [notes]", "tags: [notes]\nlang: de"))
    spec = load_spec(project)
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    page = lxml_html.fromstring(render_html(pamphlet, find_layout("zine", spec.layouts_dir)))
    assert page.get("lang") == "en"
    assert {a.get("id"): a.get("lang") for a in page.xpath("//article")} == {
        "essay-001": "en", "essay-002": "en", "essay-003": "de"}  # long-walk, small-things, coda
