"""Hashnode's backups: the GitHub backup (a folder or zip of `<cuid>.md` files with YAML
front matter: `title`, `subtitle`, `datePublished` in JavaScript's date form, `slug`, `cover`,
`tags` as one comma-separated line) and the JSON export (`{"posts": [...]}` with
`contentMarkdown`, `dateAdded`, `coverImage`, `tags`).

The essay is named from its title, never its cuid; its tags lose the stray commas Hashnode
leaves; its cover comes first. Hashnode's own Markdown is made plain: `align="center"` in an
image, `%[address]` embeds (made links) and callouts (made block quotes). Drafts
(`draft-…md`, or a post no longer active) are counted in N807.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

from ..locale.plural import ngettext
from .bundle import Bundle, single
from .article import Platform, post_key
from .draft import Draft, Run, markdown_image, prose
from .exports import guarded
from .markdown_export import ExportMarkdown, embed_link
from .records import iso_date, read_json
from .static_site import _front_matter

MAX_TEXT_MB = 64
_ALIGN = re.compile(r"(!\[[^\[\]\n]*\]\([^()\s]+)(?:[ \t]+align=[\"'][^\"'\n]*[\"'])+"
                    r"([ \t]*(?:\"[^\"\n]*\")?[ \t]*\))")
_EMBED = re.compile(r"(?m)^[ \t]*%\[([^\]\s]+)\][ \t]*$")
_CALLOUT = re.compile(r'<div data-node-type="callout">\s*<div data-node-type="callout-emoji">'
                      r'(.*?)</div>\s*<div data-node-type="callout-text">(.*?)</div>\s*</div>',
                      re.S)
_HEX_ID = re.compile(r"[0-9a-f]{24}")
_POST_LINK = re.compile(r"https?://([a-z0-9.-]+\.[a-z]{2,})/([a-z0-9-]+)/?(?=[)\s\"'#?])", re.I)


@guarded
def read_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """One backup file (`<cuid>.md`) or the JSON export."""
    export = single(path, run.diagnostics)
    if path.suffix.lower() == ".json":
        return _from_json(export, path.name, run)
    return _from_markdown(export, [path.name], run)


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """A GitHub backup's folder (or zip): every post's Markdown file."""
    names = export.names(r"(?:^|/)(?:c[a-z0-9]{24}|draft-[0-9a-f]+)\.md$")
    return _from_markdown(export, names, run)


def _from_markdown(export: Bundle, names: list[str], run: Run) -> list[Draft]:
    platform = Platform("Hashnode", export, run)
    found = []
    for name in names:
        where = export.where(name)
        if posixpath.basename(name).startswith("draft-"):
            run.skip("draft", export.root)
            continue
        text = export.text(name, MAX_TEXT_MB)
        split = _front_matter(text, where, run) if text is not None else None
        if split is None:
            continue
        meta, lines, body = split
        draft = _draft(meta, where, run)
        if draft is not None:
            found.append((draft, _cover(meta), name, body, lines.get("title")))
            _register(platform, draft, meta)
    return _bodies(platform, found)


def _from_json(export: Bundle, name: str, run: Run) -> list[Draft]:
    where = export.where(name)
    text = export.text(name, MAX_TEXT_MB * 4)
    document = read_json(text, where, run.diagnostics) if text is not None else None
    if document is None:
        return []
    posts = document.get("posts") if isinstance(document, dict) else None
    if not isinstance(posts, list):
        run.diagnostics.error("N895", f"{name} is not a Hashnode export (no list of posts)",
                              where, hint="export again from Hashnode's dashboard")
        return []
    platform = Platform("Hashnode", export, run)
    found, ids = [], 0
    for item in (p for p in posts if isinstance(p, dict)):
        if item.get("isActive") is False or item.get("isDelisted") is True:
            run.skip("deleted" if item.get("isActive") is False else "delisted", where)
            continue
        meta = {**item, "datePublished": item.get("datePublished") or
                item.get("publishedAt") or item.get("dateAdded")}
        ids += len(_tag_ids(item.get("tags")))
        draft = _draft(meta, where, run)
        if draft is not None:
            found.append((draft, _cover(item), name, str(item.get("contentMarkdown") or ""),
                          None))
            _register(platform, draft, item)
    if ids:
        run.diagnostics.warning("N898", ngettext(
            "{n} tag is Hashnode's id, not a name; it was left out",
            "{n} tags are Hashnode's ids, not names; they were left out", ids), where,
            hint="add the tags to the essays by hand")
    return _bodies(platform, found)


def _draft(meta: dict, where: Path, run: Run) -> Draft | None:
    """A draft of the post's front matter, or None when it is no published post."""
    if meta.get("draft") is True or meta.get("ignorePost") is True:
        run.skip("draft", where)
        return None
    title = _text(meta.get("title")) or _text(meta.get("slug")).replace("-", " ") or \
        _text(meta.get("cuid"))
    url = next((u for k in ("canonical", "canonicalUrl", "originalArticleURL", "url")
                if isinstance(u := meta.get(k), str) and re.match(r"https?://\S+$", u.strip())),
               None)
    return Draft(title, "", _names(meta.get("author")), iso_date(meta.get("datePublished")),
                 _tags(meta.get("tags")), url, where, subtitle=_text(meta.get("subtitle")) or None)


def _cover(meta: dict) -> str | None:
    cover = meta.get("cover") or meta.get("coverImage")
    return cover.strip() if isinstance(cover, str) and cover.strip() else None


def _register(platform: Platform, draft: Draft, meta: dict) -> None:
    """The post's canonical address, for links from the other posts."""
    if isinstance(draft.source, str):
        platform.posts[post_key(draft.source)] = draft
    draft.extra["slug"] = _text(meta.get("slug"))  # until the blog's address is known


def _addresses(platform: Platform, found: list) -> None:
    """The blog's address, from the posts' links to each other (the backup does not say
    it); then each post's address, the essay's source unless it has a canonical one."""
    slugs = {draft.extra.get("slug") for draft, *_ in found} - {""}
    votes: Counter = Counter()
    for _, _, _, body, _ in found:
        votes.update(host.lower() for host, slug in _POST_LINK.findall(body) if slug in slugs)
    home = votes.most_common(1)[0][0] if votes else None
    for draft, *_ in found:
        slug = draft.extra.pop("slug", "")
        if home and slug:
            address = f"https://{home}/{slug}"
            platform.posts[post_key(address)] = draft
            draft.source = draft.source or address


def _bodies(platform: Platform, found: list) -> list[Draft]:
    _addresses(platform, found)
    drafts = []
    for draft, cover, name, body, line in found:
        body = prose(body, _plain)
        body = ExportMarkdown(draft, platform, name, body).markdown(body)
        if cover:
            body = markdown_image(cover) + "\n\n" + body
        draft.body = body
        drafts.append(draft)
    return drafts


def _plain(part: str) -> str:
    """Hashnode's own Markdown made plain, outside code."""
    part = _ALIGN.sub(r"\1\2", part)
    part = _EMBED.sub(lambda m: embed_link(m.group(1)), part)
    return _CALLOUT.sub(lambda m: "> " + " ".join(f"{m.group(1)} {m.group(2)}".split()), part)


def _text(value) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""


def _names(value) -> str | list[str] | None:
    if isinstance(value, dict):
        value = value.get("name")
    return _text(value) or None


def _tags(value) -> list[str]:
    """Tags from a comma-separated line (its stray commas dropped) or a list of names or
    {name} objects; bare ids (the JSON export's) name nothing and are left out."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    names = [_text(v.get("name") if isinstance(v, dict) else v) for v in value]
    return list(dict.fromkeys(n.lstrip("#") for n in names
                              if n.strip("# ") and not _HEX_ID.fullmatch(n)))


def _tag_ids(value) -> list[str]:
    return [v for v in value if isinstance(v, str) and _HEX_ID.fullmatch(v.strip())] \
        if isinstance(value, list) else []
