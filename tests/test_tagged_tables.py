"""Tables in the tagged reading PDF: every data cell's /Headers names header cells that the
structure tree's /IDTree finds, in the cell's own table; every header cell has its /Scope;
laid out whole, in parts, and in parts whose tables were numbered alike (read with pikepdf)."""

from __future__ import annotations

import io

import pikepdf
import pytest

from pamphlet.cli import main
from pamphlet.engine.stitch import stitch
from pamphlet.engine.tagged import structure_elements
from test_diagnostics import write_project
from test_pdf_ua import struct_elements

TABLES = ("| Paper | Weight | Price |\n|---|---|---|\n| Bond | 80 | 3 |\n| Card | 250 | 9 |\n\n"
          '<table><tr><th scope="row">Staples</th><td>100</td></tr>'
          '<tr><th scope="row">Clips</th><td>40</td></tr></table>\n\n'
          "<table><tr><th>Toner</th><td>black</td><td>1</td></tr>"
          "<tr><th>Ink</th><td>red</td><td>2</td></tr></table>\n")
# The scope each kind of header cell gets: a column's (thead), a row's (scope="row", and a
# <th> that starts a row of data cells).
SCOPES = {"Paper": "/Column", "Weight": "/Column", "Price": "/Column", "Staples": "/Row",
          "Clips": "/Row", "Toner": "/Row", "Ink": "/Row"}


def essay(number: int) -> str:
    return (f"---\ntitle: Tables {number}\nsource: https://example.org/{number}\n---\n\n"
            f"Prices, as the copy shop lists them.\n\n{TABLES}")


@pytest.fixture(scope="module", params=["whole", "parts"])
def reading(request, tmp_path_factory):
    spec = f'title = "Tables"\n[pdf]\nrender = "{request.param}"\n'
    project = write_project(tmp_path_factory.mktemp(request.param) / "p", spec,
                            {"source/one.md": essay(1), "source/two.md": essay(2)})
    assert main(["build", str(project)]) == 0
    return (project / "build" / "pamphlet.pdf").read_bytes()


def check_tables(data: bytes) -> int:
    """Assert what the module says of every table; return how many cells name headers."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        assert "/IDTree" in root
        names = root.IDTree.Names
        tree = {str(names[at]): names[at + 1] for at in range(0, len(names), 2)}
        owners = [element for element in structure_elements(root) if "/ID" in element]
        assert sorted(str(e.ID) for e in owners) == sorted(tree)  # each ID once, all found
        assert all(tree[str(e.ID)].objgen == e.objgen for e in owners)
        named = 0
        for table in (e for e in structure_elements(root) if e.get("/S") == "/Table"):
            cells = list(structure_elements(table))
            headers = {c.objgen for c in cells if c.get("/S") == "/TH"}
            for cell in cells:
                attributes = cell.get("/A")
                if cell.get("/S") == "/TH":
                    assert attributes.O == "/Table" and str(attributes.Scope) in (
                        "/Row", "/Column")
                elif cell.get("/S") == "/TD":
                    keys = [str(k) for k in attributes.get("/Headers", [])]
                    assert keys and all(tree[k].objgen in headers for k in keys)
                    named += 1
        return named


def test_data_cells_find_their_headers_through_the_id_tree(reading):
    assert check_tables(reading) == 2 * (6 + 2 + 4)


def test_header_cells_have_the_scope_of_what_they_head(reading):
    with pikepdf.open(io.BytesIO(reading)) as pdf:
        scopes = [str(element.A.Scope) for element in struct_elements(pdf)
                  if element.get("/S") == "/TH"]
    assert scopes == list(SCOPES.values()) * 2  # in the order the essays give them


def test_parts_numbered_alike_keep_one_element_to_each_id(reading, tmp_path):
    """The same part twice: its tables' IDs clash, and the stitch gives one table new ones."""
    target = tmp_path / "twice.pdf"
    stitch([reading, reading], target)
    assert check_tables(target.read_bytes()) == 2 * 2 * (6 + 2 + 4)
