"""Hostile exports for each platform's parser: XML entities, zip members that lead out of the
export or are links, files past the bounds, broken JSON and CSV, other encodings, a named
pipe. Each gets diagnostics, never a traceback, and nothing is written outside source/."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from exports_help import EXPORTS, copy_export, imported, zipped

ZIPPED = {  # an export that comes as a zip, and an essay it always makes
    "substack": "the-printer-s-devil", "medium": "reading-proofs", "tumblr": "on-leading",
    "notion": "on-leading", "hashnode": "the-type-case",
    "blogger-takeout": "furniture-and-quoins", "ghost": "mixing-ink"}


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _evil_zip(name: str, tmp_path: Path) -> Path:
    """The export zipped, with members that lead out of it, an absolute one, a link to a
    secret, and a page that names the link as its picture."""
    export = zipped(EXPORTS / name, tmp_path / f"{name}.zip")
    with zipfile.ZipFile(export, "a") as archive:
        archive.writestr("../../escaped.md", "---\ntitle: Escaped\n---\n\nOut of the zip.\n")
        archive.writestr("/tmp/absolute.html", "<p>absolute</p>")
        archive.writestr("posts/../../../up.html", "<p>up</p>")
        link = zipfile.ZipInfo("media/secret.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return export


@pytest.mark.parametrize("name", sorted(ZIPPED))
def test_zip_members_that_lead_out_or_are_links(tmp_path, capsys, name):
    export = _evil_zip(name, tmp_path)
    before = _files(tmp_path)
    status, essays, err, project = imported(tmp_path, capsys, export)
    assert ZIPPED[name] in essays
    assert f"N851 warning: 4 members of {name}.zip with a name that leads out of the archive, " \
        "or stored as a link, not read: '../../escaped.md', '/tmp/absolute.html', " \
        "'posts/../../../up.html' ..." in err
    written = _files(tmp_path) - before
    assert written and all(p.is_relative_to(project / "source") for p in written)
    assert not [p for p in written if p.name.startswith(("escaped", "up", "absolute"))]
    assert not any("root:" in p.read_text(errors="replace") for p in written
                   if p.suffix == ".md")


def test_a_folder_export_never_follows_a_link_out(tmp_path, capsys):
    tumblr = copy_export("tumblr", tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("a password")
    (tumblr / "media" / "702211930445_1.jpg").unlink()
    (tumblr / "media" / "702211930445_1.jpg").symlink_to(secret)
    os.mkfifo(tumblr / "media" / "pipe.jpg")
    status, essays, err, project = imported(tmp_path, capsys, tumblr)
    assert "N891 warning: 2 files in tumblr were not read: 'media/702211930445_1.jpg' (a " \
        "link); 'media/pipe.jpg' (not a regular file)" in err
    copied = [p for p in (project / "source").rglob("*") if p.is_file()]
    assert not any(p.read_bytes() == b"a password" for p in copied)
    assert "on-leading" in essays


def test_a_named_pipe_given_as_an_export(tmp_path, capsys):
    os.mkfifo(tmp_path / "export.zip")
    status, essays, err, _ = imported(tmp_path, capsys, tmp_path / "export.zip")
    assert status == 1 and essays == {} and "export.zip is not a regular file" in err


_LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))


def _with_entity(tmp_path: Path, declaration: str, entity: str) -> Path:
    """The Blogger backup with a DOCTYPE declaring entities, and `entity` in a post."""
    head, rest = (EXPORTS / "blogger" / "blog-03-01-2024.xml").read_text().split("\n", 1)
    rest = rest.replace("<title type='text'>Wood Type in the Attic</title>",
                        f"<title type='text'>Wood Type {entity}</title>")
    rest = rest.replace("We found three cases", f"We found {entity} three cases")
    (tmp_path / "blog.xml").write_text(f"{head}\n{declaration}\n{rest}")
    return tmp_path / "blog.xml"


@pytest.mark.parametrize("declaration, entity", [
    (f'<!DOCTYPE feed [<!ENTITY lol0 "lol">{_LAUGHS}]>', "&lol9;"),  # a billion laughs
    ('<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")])
def test_xml_entities_are_refused(tmp_path, capsys, declaration, entity):
    backup = _with_entity(tmp_path, declaration, entity)
    status, essays, err, _ = imported(tmp_path, capsys, backup)
    assert status == 1 and essays == {}
    assert "N853 blog.xml declares XML entities (a file made to exhaust memory or to read " \
        "other files); it is not read" in err


def test_bounded_reading_of_members(tmp_path, capsys, monkeypatch):
    from pamphlet.importers import article

    monkeypatch.setattr(article, "MAX_POST_MB", 1)
    substack = copy_export("substack", tmp_path)
    (substack / "posts" / "140598765.setting-type-by-hand.html").write_text(
        "<p>" + "lead " * 300_000 + "</p>")
    export = zipped(substack, tmp_path / "substack.zip")  # 1.5 MB of text, deflated small
    status, essays, err, _ = imported(tmp_path, capsys, export)
    assert "N852 warning: posts/140598765.setting-type-by-hand.html in substack.zip inflates " \
        "to more than 1 MB" in err
    assert "setting-type-by-hand" not in essays and "the-printer-s-devil" in essays


@pytest.mark.parametrize("text, code, line", [
    ('{"db": [{"meta": {"exported_on": 1, "version": "5.0.0"},\n "data": {"posts": [\n', "N890",
     3),
    ('{"exported_on": 1, "db": ' + "[" * 100_000 + "]" * 100_000 + "}", "N890", None),
    ('{"exported_on": 1, "db": [{"data": {"tags": []}}]}', "N895", None),
])
def test_malformed_ghost_json(tmp_path, capsys, text, code, line):
    (tmp_path / "site.ghost.json").write_text(text)
    status, essays, err, _ = imported(tmp_path, capsys, tmp_path / "site.ghost.json")
    assert status == 1 and essays == {}
    assert f"site.ghost.json{f':{line}' if line else ''}: {code} " in err


def test_json_that_is_no_export(tmp_path, capsys):
    (tmp_path / "data.json").write_text('{"posts": [{"title": "x"}], "other": 1}')
    status, essays, err, _ = imported(tmp_path, capsys, tmp_path / "data.json")
    assert status == 1 and "N895 data.json is JSON, but no export pamphlet knows" in err
    assert "Substack export" in err and "Ghost export" in err


@pytest.mark.parametrize("table, expected", [
    ("post_id,title\n1.a,\"" + "x" * 5_000_000 + "\"\n", "N890 posts.csv is not a readable CSV "
     "table: field larger than field limit"),
    ('post_id,title\n1.a,"never closed\n2.b,next\n', "N890 posts.csv is not a readable CSV "
     "table: unexpected end of data"),
    ("title,subtitle\nNo ids here,none\n", "N895 posts.csv has no post_id column"),
])
def test_malformed_posts_csv(tmp_path, capsys, table, expected):
    substack = copy_export("substack", tmp_path)
    (substack / "posts.csv").write_text(table)
    status, essays, err, _ = imported(tmp_path, capsys, substack)
    assert expected in err and essays == {}


def test_a_table_in_another_encoding(tmp_path, capsys):
    substack = copy_export("substack", tmp_path)
    csv = (substack / "posts.csv").read_text().replace(",Setting Type by Hand,",
                                                       ',"Setting Type by Hand, à la main",')
    (substack / "posts.csv").write_bytes(csv.encode("cp1252"))
    status, essays, err, _ = imported(tmp_path, capsys, substack)
    assert "N894 warning: posts.csv is not UTF-8; read as windows-1252" in err
    assert essays["setting-type-by-hand-a-la-main"].title == "Setting Type by Hand, à la main"


def test_hashnode_json_with_a_wrong_shape(tmp_path, capsys):
    (tmp_path / "export.json").write_text(json.dumps({"posts": {"cuid": "x",
                                                                "contentMarkdown": "y"}}))
    status, essays, err, _ = imported(tmp_path, capsys, tmp_path / "export.json")
    assert status == 1 and "N895 export.json is not a Hashnode export" in err


def test_a_cut_zip(tmp_path, capsys):
    export = zipped(EXPORTS / "medium", tmp_path / "medium.zip")
    data = export.read_bytes()
    export.write_bytes(data[: len(data) // 2])
    status, essays, err, _ = imported(tmp_path, capsys, export)
    assert status == 1 and essays == {} and "N805 cannot import medium.zip: it is a zip " \
        "archive" in err


def test_notion_pages_that_link_out_of_the_export(tmp_path, capsys):
    notion = copy_export("notion", tmp_path)
    page = next(notion.rglob("Type Case *.md"))
    page.write_text(page.read_text() + "\n![secret](../../../../../../etc/passwd)\n"
                    "[up](../../../../outside.md)\n")
    status, essays, err, project = imported(tmp_path, capsys, notion)
    assert "N815 warning: image ../../../../../../etc/passwd cannot be found in the export" in err
    assert "N897 warning: a link to ../../../../outside.md, which is no imported essay" in err
    assert not any("root:" in p.read_text(errors="replace")
                   for p in (project / "source").rglob("*") if p.is_file())
    shutil.rmtree(notion)


def test_addresses_that_are_no_addresses(tmp_path, capsys):
    substack = copy_export("substack", tmp_path)
    post = substack / "posts" / "140598765.setting-type-by-hand.html"
    post.write_text(post.read_text() + '<p>A <a href="http://[">broken</a> link and a '
                    '<img src="http://[x.jpg" alt="broken picture"> picture.</p>')
    status, essays, err, _ = imported(tmp_path, capsys, substack)
    assert status == 0 and "N849" not in err
    assert "A [broken](http://[) link" in essays["setting-type-by-hand"].body
