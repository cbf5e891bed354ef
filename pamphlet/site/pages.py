"""The site's HTML pages, from the package's own Jinja templates (autoescaped), in the
site's language (its pamphlet.toml's, with its [words]).

Every link is relative (`root` is the way up from a page to the site's top), so the site
works from file://, from a sub-folder and on any static host.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..book.layouts import template_words
from ..locale.formats import file_size
from ..locale.scripts import direction
from ..locale.words import Words
from .model import Site

PAGES = (("index.html", "home.html"), ("essays/index.html", "essays.html"),
         ("tags/index.html", "tags.html"))


def environment(words: Words = Words()) -> jinja2.Environment:
    """The templates' environment, with the site's words (escaped, as in layouts)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("pamphlet.site", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(template_words(words), site_lang=words.lang,
                       site_dir=direction(words.lang))
    env.filters["size"] = lambda size: file_size(size, words.lang)
    # The formats' own names, in every language.
    env.filters["kind"] = lambda media: {"application/pdf": "PDF",
                                         "application/epub+zip": "EPUB",
                                         "application/kepub+zip": "Kobo EPUB",
                                         "text/calendar": "iCalendar"}.get(media, media)
    return env


def write_pages(site: Site, folder: Path) -> int:
    """Write every page of `site` into `folder`; return how many."""
    env = environment(site.words)
    def page(path: str, template: str, **context) -> None:
        root = "../" * path.count("/")
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(template).render(site=site, root=root, **context))
    for path, template in PAGES:
        page(path, template)
    for pamphlet in site.pamphlets:
        page(_path(pamphlet["page"]), "pamphlet.html", p=pamphlet)
    for essay in site.essays:
        page(_path(essay["page"]), "essay.html", e=essay, body=Markup(essay["html"]))
    for tag in site.tags:
        page(_path(tag.page), "tag.html", tag=tag)
    (folder / "style.css").write_bytes(
        resources.files("pamphlet.site").joinpath("static/site.css").read_bytes())
    return len(PAGES) + len(site.pamphlets) + len(site.essays) + len(site.tags)


def _path(page: str) -> str:
    from urllib.parse import unquote

    return "/".join(unquote(part) for part in page.split("/"))
