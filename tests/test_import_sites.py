"""pamphlet import of static sites: real Jekyll (Minimal Mistakes), Hugo (the Kubernetes blog)
and Zola (Abridge) posts; front matter in YAML or TOML whatever the line ends; drafts and
future posts skipped; template tags, shortcodes and attribute lists translated; site-root
images copied with --site or framed without; front-matter errors as diagnostics."""

from __future__ import annotations

import os
import re
import shutil
import struct
import time
import zlib

import pytest

from conftest import PROJECTS
from test_import_wxr import LEFTOVERS, assert_clean, build_and_check, prose, run_import

IMPORTS = PROJECTS / "imports"
JEKYLL = IMPORTS / "jekyll-minimal-mistakes" / "_posts"
HUGO = IMPORTS / "hugo-kubernetes-blog" / "content"
ZOLA = IMPORTS / "zola-abridge" / "content"
K8S_SLUG = "kubernetes-1-28-a-new-alpha-mechanism-for-safer-cluster-upgrades"
K8S_IMAGE = ("images/blog/2023-08-28-a-new-alpha-mechanism-for-safer-cluster-upgrades/"
             "mvp-flow-diagram.svg")
EXPECTED = {  # slug: (title, date, authors, tags)
    "post-notice": ("Post: Notice", "2010-02-05", (), ("Post Formats", "notice")),
    "post-video-youtube": ("Post: Video (YouTube)", "2010-06-02", (), ("Post Formats",)),
    "post-image-standard": ("Post: Image (Standard)", "2010-08-05", (), ("image", "Post Formats")),
    "markup-syntax-highlighting": ("Markup: Syntax Highlighting", "2013-08-16", (),
                                   ("code", "syntax highlighting")),
    K8S_SLUG: ("Kubernetes 1.28: A New (alpha) Mechanism For Safer Cluster Upgrades",
               "2023-08-28", ("Richa Banker (Google)",), ()),
    "embed-youtube-video": ("Embed Youtube Video", "2021-05-08", (),
                            ("Features", "Shortcodes", "Video")),
    "embed-vimeo-video": ("Embed Vimeo Video", "2021-05-07", (),
                          ("Features", "Shortcodes", "Video")),
}


def jpeg(width: int = 2) -> bytes:
    """A small valid JPEG, for the photographs a site checkout holds."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, 2), (200, 120, 0)).save(out, "JPEG")
    return out.getvalue()


def youtube(video: str) -> str:
    """The Markdown link a YouTube shortcode becomes."""
    return f"[https://www.youtube.com/watch?v={video}](https://www.youtube.com/watch?v={video})"


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG, for the images a site checkout holds."""
    raw = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                                0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def site_checkout(tmp_path):
    """A checkout of the three sites together, with the images their posts name."""
    site = tmp_path / "site"
    shutil.copytree(JEKYLL, site / "_posts")
    shutil.copytree(HUGO, site / "content")
    shutil.copytree(ZOLA, site / "zola")
    for name in ("unsplash-image-9.jpg", "unsplash-image-10.jpg"):
        (site / "assets" / "images").mkdir(parents=True, exist_ok=True)
        (site / "assets" / "images" / name).write_bytes(jpeg())
    svg = site / "static" / K8S_IMAGE
    svg.parent.mkdir(parents=True)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
                   '<rect width="20" height="10" fill="#369"/></svg>')
    return site


def test_real_sites_import_with_their_titles_dates_authors_and_tags(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL, HUGO, ZOLA)
    assert status == 0 and set(essays) == set(EXPECTED)
    for slug, (title, date, authors, tags) in EXPECTED.items():
        essay = essays[slug]
        assert (essay.title, essay.date, essay.authors, essay.tags) == (title, date, authors, tags)
        assert essay.source is None  # none of these posts records an address
    assert_clean(essays)
    assert "N807" not in err


def test_liquid_highlight_and_raw_become_code_and_literal_text(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys,
                                     JEKYLL / "2013-08-16-markup-syntax-highlighting.md")
    body = essays["markup-syntax-highlighting"].body
    assert "```scss\n.highlight {\n  margin: 0;" in body
    assert "```javascript\n// 'gulp html' -- does nothing" in body and "```wl\nModule[{}," in body
    # {% raw %} keeps its text, which is Liquid the post shows as an example.
    assert '<a href="{{ site.url }}{{ page.previous.url }}" class="btn"' in body
    assert "Jekyll's [`{% highlight %}` tag](https://jekyllrb.com/docs/templates/" in body
    assert "{% raw %}" not in body and "endhighlight" not in body


def test_kramdown_attribute_lists_are_dropped_from_prose_but_kept_in_code(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL / "2010-02-05-post-notice.md",
                                     JEKYLL / "2010-08-05-post-image-standard.md")
    notice, image = essays["post-notice"].body, essays["post-image-standard"].body
    assert "{:" not in prose(notice) and "{:" not in prose(image)
    assert "When using Kramdown `{: .notice}` can be added" in notice  # a code span
    assert "filename.jpg)\n{: .full}\n```" in image  # a code block
    assert "We recommend reviewing the changes.\n\n**Primary Notice:**" in notice
    assert re.search(r"2010-02-05-post-notice\.md:15: N814 warning: Kramdown/Pandoc attribute "
                     r"lists", err)
    # Once per essay: the same warning in the second essay is named on the first one's line.
    assert err.count("N814") == 1
    assert re.search(r"N814 .*also in 1 other file: \S*2010-08-05-post-image-standard\.md:\d+", err)


def test_template_tags_are_removed_and_warned_once_per_essay(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL / "2010-02-05-post-notice.md",
                                     JEKYLL / "2010-08-05-post-image-standard.md")
    assert "post-notice.md:55: N813 warning: template tag {% capture %} removed" in err
    assert "post-notice.md:63: N813 warning: template tag {{ notice-2 }} removed" in err
    # {{ site.url }} appears four times in image-standard, outside raw twice: one warning.
    assert err.count("{{ site.url }} removed") == 1
    assert "#### New Site Features\n\n* You can now have cover images" in prose(
        essays["post-notice"].body)


def test_site_root_images_without_site_are_framed_alt_text(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL / "2010-08-05-post-image-standard.md",
                                     HUGO)
    framed = '<span class="missing-image">Unsplash image 9</span>'
    assert framed in essays["post-image-standard"].body
    assert '<span class="missing-image">mvp-flow-diagram.svg</span>' in essays[K8S_SLUG].body
    assert re.search(r"2010-08-05-post-image-standard\.md:26: N815 warning: image "
                     r"/assets/images/unsplash-image-9\.jpg cannot be found \(a path from the "
                     r"site's root: import with --site DIR to copy it\)", err)
    assert status == 0


@pytest.mark.slow("imports three static sites with their images and builds the book they make")
def test_site_images_are_copied_beside_the_essay_and_the_sites_build(tmp_path, capsys):
    site = site_checkout(tmp_path)
    status, essays, err = run_import(tmp_path, capsys, site / "_posts", site / "content",
                                     site / "zola", extra=["--site", str(site)])
    assert status == 0 and set(essays) == set(EXPECTED) and "N815" not in err
    source = tmp_path / "project" / "source"
    assert "![Unsplash image 9](post-image-standard/unsplash-image-9.jpg)" in essays[
        "post-image-standard"].body
    assert f"![]({K8S_SLUG}/mvp-flow-diagram.svg)" in essays[K8S_SLUG].body
    assert (source / "post-image-standard" / "unsplash-image-10.jpg").read_bytes() == jpeg()
    assert (source / K8S_SLUG / "mvp-flow-diagram.svg").read_bytes() == (
        site / "static" / K8S_IMAGE).read_bytes()
    build_err, text = build_and_check(tmp_path / "project", sorted(EXPECTED), capsys)
    assert "M301" not in build_err and "M302" not in build_err
    for leftover in LEFTOVERS:
        assert leftover not in text, leftover
    for title, *_ in EXPECTED.values():
        assert title.replace("'", "’") in text
    # No lost characters: curly quotes and dashes of the Kubernetes post come through.
    assert "The new feature “Mixed Version Proxy” provides" in text
    assert "What’s missing?" in text


def test_without_site_the_imported_sites_still_build(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL, HUGO)
    build_err, text = build_and_check(tmp_path / "project", sorted(essays), capsys)
    assert "Unsplash image 9" in text and "mvp-flow-diagram.svg" in text


def test_copied_images_never_collide(tmp_path, capsys):
    site = tmp_path / "site"
    for folder in ("a", "b"):
        (site / folder).mkdir(parents=True)
        (site / folder / "x.png").write_bytes(png(1 + len(folder)))
    post = site / "post.md"
    post.write_text("---\ntitle: Two\n---\n\n![A](/a/x.png)\n\n![B](/b/x.png)\n\n![A](/a/x.png)\n")
    other = site / "other.md"
    other.write_text("---\ntitle: Two\n---\n\n![A](/a/x.png)\n")
    status, essays, err = run_import(tmp_path, capsys, post, other, extra=["--site", str(site)])
    # the same file shown twice is copied once
    assert essays["two"].body.strip() == ("![A](two/x.png)\n\n![B](two/x-2.png)\n\n"
                                          "![A](two/x.png)")
    assert essays["two-2"].body.strip() == "![A](two-2/x.png)"
    assert sorted(p.relative_to(tmp_path / "project").as_posix()
                  for p in (tmp_path / "project").rglob("*.png")) == [
        "source/two-2/x.png", "source/two/x-2.png", "source/two/x.png"]


def test_relative_images_beside_a_post_are_copied_too(tmp_path, capsys):
    bundle = tmp_path / "content" / "posts" / "2022-05-06-bundle"
    bundle.mkdir(parents=True)
    (bundle / "pic.png").write_bytes(png())
    (bundle / "index.md").write_text('+++\ntitle = "Bundle"\n+++\n\n{{< figure src="pic.png" '
                                     'caption="Beside it" >}}\n\n![Up](../../shared.png)\n')
    (tmp_path / "content" / "shared.png").write_bytes(png(3))
    status, essays, err = run_import(tmp_path, capsys, bundle / "index.md",
                                     extra=["--site", str(tmp_path)])
    assert essays["bundle"].date == "2022-05-06"
    assert essays["bundle"].body.strip() == ('![Beside it](bundle/pic.png "Beside it")\n\n'
                                             "![Up](bundle/shared.png)")
    assert (tmp_path / "project" / "source" / "bundle" / "shared.png").read_bytes() == png(3)


@pytest.mark.parametrize("link, setup", [
    ("/../secret.png", None),
    ("/../../../../../../etc/hostname", None),
    ("/linked.png", "link"),
    ("/pipe.png", "fifo"),
    ("../secret.png", None),
])
def test_an_image_outside_the_site_is_never_copied(tmp_path, capsys, link, setup):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.png").write_bytes(b"SECRET")
    if setup == "link":
        (site / "linked.png").symlink_to(tmp_path / "secret.png")
    if setup == "fifo":
        os.mkfifo(site / "pipe.png")
    post = site / "post.md"
    post.write_text(f"---\ntitle: Hostile\n---\n\n![Secret]({link})\n")
    status, essays, err = run_import(tmp_path, capsys, post, extra=["--site", str(site)])
    assert essays["hostile"].body.strip() == '<span class="missing-image">Secret</span>'
    assert re.search(r"post\.md:5: N81[58] warning: image", err)
    copied = [p for p in (tmp_path / "project").rglob("*") if p.is_file()]
    assert [p.name for p in copied] == ["hostile.md"]


def test_obsidian_embeds_are_found_in_the_vault_and_wiki_links_become_text(tmp_path, capsys):
    vault = tmp_path / "vault"
    (vault / "notes").mkdir(parents=True)
    (vault / "attachments").mkdir()
    (vault / "attachments" / "pic.png").write_bytes(png())
    note = vault / "notes" / "note.md"
    note.write_text("---\ntags: [\"#notes\"]\n---\n# Note\n\nSee [[Other note|the other]] and "
                    "[[Plain#Part]].\n\n![[pic.png|A picture]]\n\n![[gone.png]]\n")
    status, essays, err = run_import(tmp_path, capsys, note, extra=["--site", str(vault)])
    assert essays["note"].body.strip() == (
        "See the other and Plain.\n\n![A picture](note/pic.png)\n\n"
        '<span class="missing-image">gone.png</span>')
    assert (tmp_path / "project" / "source" / "note" / "pic.png").read_bytes() == png()
    assert "note.md:10: N815 warning: image /gone.png cannot be found" in err


N = 20_000
CRAFTED = {  # bodies that make a backtracking pattern take minutes, if it is written badly
    "unclosed raw": "{% raw %}" * N, "unclosed comment": "{% comment %}" * N,
    "unclosed highlight": "{% highlight x %}\n" * N, "unclosed tags": "{{ {{< {% " * N,
    "spaces in an attribute list": "{: " + " " * N * 5 + "x",
    "attribute values": "{: a=" + "b." * N, "wiki links": "[[" * N, "wiki images": "![[" * N,
    "brackets": "[" * N + "]{", "images": "![a](" * N, "html images": '<img src="' * N,
    "fences": "".join("`" * (3 + n % 50) + "\n" for n in range(N)),
}


@pytest.mark.parametrize("body", CRAFTED.values(), ids=CRAFTED.keys())
def test_a_crafted_post_imports_in_linear_time(tmp_path, capsys, body):
    post = tmp_path / "crafted.md"
    post.write_text(f"---\ntitle: Crafted\n---\n{body}\n")
    start = time.process_time()  # CPU time, which load does not stretch
    status, essays, err = run_import(tmp_path, capsys, post)
    assert time.process_time() - start < 5 and list(essays) == ["crafted"]


def test_a_link_in_source_cannot_take_the_images_outside(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    source = tmp_path / "project" / "source"
    source.mkdir(parents=True)
    (source / "two").symlink_to(outside)  # a folder a hostile project holds, named as a slug
    site = tmp_path / "site"
    site.mkdir()
    (site / "x.png").write_bytes(png())
    (site / "post.md").write_text("---\ntitle: Two\n---\n\n![A](/x.png)\n")
    status, essays, err = run_import(tmp_path, capsys, site / "post.md",
                                     extra=["--site", str(site)])
    assert status == 1 and list(outside.iterdir()) == []
    assert "N821 cannot write source/two/x.png: two/ leads outside source/" in err
    assert essays["two"].body.strip() == '<span class="missing-image">A</span>'


def test_site_that_is_not_a_folder(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL,
                                     extra=["--site", str(tmp_path / "no")])
    assert status == 1 and essays == {} and "N820 --site" in err


def test_zola_shortcodes_and_escapes(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, ZOLA)
    youtube, vimeo = (essays[s].body.strip() for s in ("embed-youtube-video", "embed-vimeo-video"))
    assert youtube.endswith("```\n[https://www.youtube.com/watch?v=32gyFIWecuw]"
                            "(https://www.youtube.com/watch?v=32gyFIWecuw)")
    assert vimeo.endswith("[https://vimeo.com/514402648](https://vimeo.com/514402648)")
    # {{/* ... */}} is Zola's way of showing a shortcode: it stays, as text, in its code block.
    assert '```rs\n{{ youtube(id="32gyFIWecuw") }}\n```' in youtube
    assert "the &lt;div&gt; surrounding the iframe" in youtube
    assert "warning" not in err


def test_youtube_iframe_becomes_a_link(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, JEKYLL / "2010-06-02-post-video-youtube.md")
    assert essays["post-video-youtube"].body.strip() == (
        "YouTube video embed below.\n\n[https://www.youtube.com/watch?v=-PVofD2A9t8]"
        "(https://www.youtube.com/watch?v=-PVofD2A9t8)")


# Front matter whatever the line ends and trailing spaces.
@pytest.mark.parametrize("eol, trailing", [("\r\n", ""), ("\r\n", "  \t"), ("\n", "   "),
                                           ("\r", "")])
def test_front_matter_whatever_the_line_ends(tmp_path, capsys, eol, trailing):
    for original in (JEKYLL / "2010-08-05-post-image-standard.md",
                     ZOLA / "overview-embed-vimeo.md"):
        text = original.read_text()
        fence = text[:3]
        text = text.replace(f"{fence}\n", f"{fence}{trailing}\n").replace("\n", eol)
        (tmp_path / original.name).write_bytes(text.encode())
    status, essays, err = run_import(tmp_path, capsys, tmp_path / JEKYLL.joinpath(
        "2010-08-05-post-image-standard.md").name, tmp_path / "overview-embed-vimeo.md")
    assert (essays["post-image-standard"].title, essays["post-image-standard"].date,
            essays["post-image-standard"].tags) == ("Post: Image (Standard)", "2010-08-05",
                                                    ("image", "Post Formats"))
    assert (essays["embed-vimeo-video"].title, essays["embed-vimeo-video"].date) == (
        "Embed Vimeo Video", "2021-05-07")
    assert "\r" not in essays["post-image-standard"].body


SKIPS = {
    "2020-01-01-jekyll-draft.md": "---\ntitle: J\npublished: false\n---\nText.\n",
    "hugo-draft.md": '+++\ntitle = "H"\ndraft = true\n+++\nText.\n',
    "yaml-draft.md": "---\ntitle: Y\ndraft: yes\n---\nText.\n",
    "2030-01-01-future.md": "---\ntitle: Future\n---\nText.\n",
    "future-front.md": '+++\ntitle = "Later"\ndate = 2027-05-01T10:00:00Z\n+++\nText.\n',
    "2020-02-02-kept.md": "---\ntitle: Kept\ndraft: false\npublished: true\n---\nText.\n",
}


def test_drafts_unpublished_and_future_posts_are_skipped_with_one_summary(tmp_path, capsys):
    posts = tmp_path / "posts"
    posts.mkdir()
    for name, text in SKIPS.items():
        (posts / name).write_text(text)
    status, essays, err = run_import(tmp_path, capsys, posts)
    assert list(essays) == ["kept"] and essays["kept"].date == "2020-02-02"
    assert ("N807 warning: skipped 5 posts that are not published: 2 draft, 2 scheduled, "
            "1 unpublished") in err and err.count("N807") == 1


def test_a_post_dated_today_is_published_and_one_dated_tomorrow_scheduled(tmp_path, capsys,
                                                                       source_date_epoch):
    """Today is the build's day (SOURCE_DATE_EPOCH here: 1 January 2026, so that the test
    cannot straddle midnight)."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2026-01-01-today.md").write_text("---\ntitle: Today\n---\nText.\n")
    (posts / "later.md").write_text("---\ntitle: Later\ndate: 2026-01-02\n---\nText.\n")
    (posts / "earlier.md").write_text("---\ntitle: Earlier\ndate: 2025-12-31\n---\nText.\n")
    status, essays, err = run_import(tmp_path, capsys, posts)
    assert sorted(essays) == ["earlier", "today"]
    assert "skipped 1 post that is not published: 1 scheduled" in err, err


@pytest.mark.parametrize("name, text, date", [
    ("2021-03-04-title.md", "---\ntitle: T\n---\nx\n", "2021-03-04"),
    ("2021-03-04-title.md", "---\ntitle: T\ndate: 2019-01-02 10:00:00 +0000\n---\nx\n",
     "2019-01-02"),
    ("title.md", "---\ntitle: T\n---\nx\n", None),
    ("2021-02-30-bad.md", "---\ntitle: T\n---\nx\n", None),
    ("2021-03-04-bundle/index.md", "+++\ntitle = \"T\"\n+++\nx\n", "2021-03-04"),
])
def test_the_date_comes_from_the_file_name_when_the_front_matter_has_none(tmp_path, capsys, name,
                                                                         text, date):
    path = tmp_path / "posts" / name
    path.parent.mkdir(parents=True)
    path.write_text(text)
    status, essays, err = run_import(tmp_path, capsys, path)
    assert essays["t"].date == date


SHORTCODES = [
    ("{% highlight ruby %}\ndef x\n  1\nend\n{% endhighlight %}",
     "```ruby\ndef x\n  1\nend\n```", ""),
    ('{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}',
     "```go\nfunc main() {}\n```", ""),
    ("{{< youtube ZJthWmvUzzc >}}",
     youtube("ZJthWmvUzzc"), ""),
    ('{{< youtube id="w7Ft2ymGmfc" title="A talk" >}}',
     "[A talk](https://www.youtube.com/watch?v=w7Ft2ymGmfc)", ""),
    ("{{< vimeo 146022717 >}}", "[https://vimeo.com/146022717](https://vimeo.com/146022717)", ""),
    ("{% youtube dQw4w9WgXcQ %}",
     youtube("dQw4w9WgXcQ"), ""),
    ('{% include video id="XsxDH4HcOWA" provider="youtube" %}',
     youtube("XsxDH4HcOWA"), ""),
    ('{{ youtube(id="dCKeXuVHl1o") }}',
     youtube("dCKeXuVHl1o"), ""),
    ('{{< figure src="https://example.org/a.png" caption="A <em>caption</em>" alt="Alt" >}}',
     '![Alt](https://example.org/a.png "A caption")', ""),
    ("Title: {{ page.title }} on {{ site.title | upcase }}.\n\nAgain: {{page.title}}.",
     "Title:  on .\n\nAgain: .", "N813 warning: template tag {{ page.title }} removed"),
    ('{% include toc.html %}Text.', "Text.", "N813 warning: template tag {% include %} removed"),
    ("{{< notice warning >}}Careful now.{{< /notice >}}", "Careful now.",
     "N813 warning: template tag {{< notice >}} removed"),
    ("{% comment %}hidden{% endcomment %}Shown.", "Shown.",
     "N813 warning: template tag {% comment %} removed"),
    ("See [the post]({% post_url 2010-07-21-name %}).", "See the post.",
     "N813 warning: template tag {% post_url %} removed"),
    ("## A heading {#custom-id}\n\nText {: .lead}\n\n* TOC\n{:toc}\n\nA [span]{.smallcaps}.",
     "## A heading\n\nText\n\nA span.", "N814 warning"),
    ("```\n{{ site.url }} {: .x}\n```", "```\n {: .x}\n```",
     "N813 warning: template tag {{ site.url }} removed"),
]


@pytest.mark.parametrize("body, markdown, warning", SHORTCODES,
                         ids=[f"tag-{n}" for n in range(len(SHORTCODES))])
def test_template_tags_and_shortcodes_become_what_they_mean(tmp_path, capsys, body, markdown,
                                                           warning):
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: Post\n---\n\n{body}\n")
    status, essays, err = run_import(tmp_path, capsys, post)
    assert status == 0 and essays["post"].body.strip() == markdown
    if warning:
        assert err.count(warning) == 1 and re.search(r"post\.md:\d+: N81", err), err
    else:
        assert "warning" not in err, err


FRONT_MATTER_ERRORS = [
    ("---\ntitle: A\ntags: [a, b\n---\nx\n", "N816", 4, "not valid YAML"),
    ("---\ntitle: A: B: C\n---\nx\n", "N816", 2, "not valid YAML"),
    ('+++\ntitle = "A"\ndate = 2020-13-45\n+++\nx\n', "N816", 3, "not valid TOML"),
    ('+++\ntitle = "A\n+++\nx\n', "N816", 2, "not valid TOML"),
    ("---\n- a list\n---\nx\n", "N816", 2, "not a list of 'key: value' lines"),
    ("---\ntitle: A\nno end\n", "N816", 1, "never closed"),
]


@pytest.mark.parametrize("text, code, line, words", FRONT_MATTER_ERRORS,
                         ids=[f"front-{n}" for n in range(len(FRONT_MATTER_ERRORS))])
def test_front_matter_errors_are_diagnostics_with_file_and_line(tmp_path, capsys, text, code,
                                                                line, words):
    (tmp_path / "bad.md").write_text(text)
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\nText.\n")
    status, essays, err = run_import(tmp_path, capsys, tmp_path / "bad.md", tmp_path / "good.md")
    assert status == 1 and list(essays) == ["good"]  # the other files still come in
    assert re.search(rf"bad\.md:{line}: {code} .*{re.escape(words)}", err), err


WRONG_TYPES = [
    ("title: [a, b]", "title", 2, "text"),
    ("date: soon", "date", 2, "a date like 2024-03-01"),
    ("tags: {a: 1}", "tags", 2, "a list of names"),
    ("author: {first: Ann}", "author", 2, "a name or a list of names"),
    ("draft: maybe", "draft", 2, "true or false"),
]


@pytest.mark.parametrize("line_text, key, line, wanted", WRONG_TYPES,
                         ids=[f"type-{n}" for n in range(len(WRONG_TYPES))])
def test_front_matter_values_of_the_wrong_type_are_warned_and_left_out(tmp_path, capsys,
                                                                      line_text, key, line,
                                                                      wanted):
    post = tmp_path / "2021-01-02-the-post.md"
    post.write_text(f"---\n{line_text}\n---\n\n# The Heading\n\nText.\n")
    status, essays, err = run_import(tmp_path, capsys, post)
    assert status == 0 and len(essays) == 1
    assert f"the-post.md:{line}: N817 warning: '{key}' should be {wanted}; it was left out" in err
    essay = next(iter(essays.values()))
    assert (essay.title, essay.body.strip()) == ("The Heading", "Text.")
