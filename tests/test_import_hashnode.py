"""pamphlet import of Hashnode's backups: the GitHub backup's Markdown (datePublished in
JavaScript's date form, tags with stray commas, titles rather than cuids) and the JSON
export."""

from __future__ import annotations

import json

from exports_help import (EXPORTS, build_and_check, calls, imported, kept, markdown_words,
                          notes)

HASHNODE = EXPORTS / "hashnode"
POST = HASHNODE / "cluvq8w2k000108l4e3xa7b2d.md"


def test_backup_front_matter(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, HASHNODE)
    assert status == 0 and sorted(essays) == ["the-type-case",
                                              "why-printers-mind-their-p-s-and-q-s"]
    post = essays["why-printers-mind-their-p-s-and-q-s"]
    assert (post.title, post.date, post.tags) == ("Why Printers Mind Their P's and Q's",
                                                  "2021-10-07", ("printing", "type", "history"))
    assert essays["the-type-case"].tags == ("type",)
    assert post.source.url == "https://pressnotes.hashnode.dev/why-printers-mind-their-ps-and-qs"
    assert "skipped 1 post that is not published: 1 draft" in err


def test_hashnode_markdown_made_plain(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, HASHNODE)
    body = essays["why-printers-mind-their-p-s-and-q-s"].body
    assert body.startswith("![](https://cdn.hashnode.com/res/hashnode/image/upload/v1633592978318/"
                           "4f1c2e7a-cover.jpeg)\n\nA compositor sets type")
    assert "![A p and a q of metal type](https://cdn.hashnode.com/res/hashnode/image/upload/" \
        "v1633592978318/pq.jpeg)" in body
    assert "align=" not in body.split("```")[0]
    assert '// align="center" stays in code' in body
    assert "> 💡 The same goes for b and d." in body
    assert "[https://www.youtube.com/watch?v=dQw4w9WgXcQ](https://www.youtube.com/watch?v=" \
        "dQw4w9WgXcQ)" in body
    assert calls(body) == ["1"] and notes(body) == {
        "1": "In a type case, both sit in the lower case, a few boxes apart."}
    assert "[the post on the type case](the-type-case.md)" in body
    assert "[why printers mind their p's and q's](why-printers-mind-their-p-s-and-q-s.md)" in \
        essays["the-type-case"].body
    source = POST.read_text().split("\n---\n", 1)[1]
    assert kept(markdown_words(source.replace(' align="center")', ")")), body) >= 0.99


def test_one_backup_file_and_the_json_export(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path / "one", capsys, POST)
    assert list(essays) == ["why-printers-mind-their-p-s-and-q-s"]
    export = tmp_path / "hashnode-export.json"
    export.write_text(json.dumps({"posts": [
        {"_id": "6160a1b2c3d4e5f6a7b8c9d0", "cuid": "ckuge3w6u0b5xp4s1ghd5b0rj",
         "slug": "kerning", "title": "Kerning by Hand", "dateAdded": "2021-10-07T07:49:52.120Z",
         "contentMarkdown": "Kerning metal type means filing the sorts.[^1]\n\n[^1]: Carefully.",
         "tags": ["56744721958ef13879b94cad", {"name": "type", "slug": "type"}],
         "coverImage": "https://cdn.hashnode.com/kern.jpeg", "isActive": True},
        {"_id": "6160a1b2c3d4e5f6a7b8c9d1", "cuid": "ckuge3w6u0b5xp4s1ghd5b0rk", "slug": "gone",
         "title": "Gone", "dateAdded": "2021-09-01T00:00:00.000Z", "contentMarkdown": "x",
         "isActive": False}]}))
    _, essays, err, _ = imported(tmp_path / "json", capsys, export)
    assert list(essays) == ["kerning-by-hand"]
    essay = essays["kerning-by-hand"]
    assert (essay.date, essay.tags) == ("2021-10-07", ("type",))
    assert notes(essay.body) == {"1": "Carefully."}
    assert "N898 warning: 1 tag is Hashnode's id, not a name; it was left out" in err
    assert "skipped 1 post that is not published: 1 deleted" in err


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, HASHNODE)
    text = build_and_check(project, sorted(essays), capsys)
    assert "a few boxes apart" in text
