"""The WeasyPrint seam: the only code in pamphlet that imports WeasyPrint.

- `api`: its public API as pamphlet uses it (HTML, CSS, one font configuration a process),
  the URL fetcher that loads files only through the project's path gate, and its log turned
  into diagnostics.
- `boxes`: what a laid-out document's boxes say (reading `Page._page_box`): where each line of
  essay text stands, each page's top-level structure for the PDF/UA tags, and where each
  printed page and numbered line of an essay begins.
- `patches`: the parts engine's reaches into WeasyPrint's layout, each active only while a
  part of the reading PDF is laid out, numbered or written (`patches.part()`).
- `guard`: the tested version range and the signature of every reach, checked before the
  patches are installed; on another WeasyPrint, books are laid out whole (O514).

Seven things are replaced, each because a part is laid out as a document of its own but must
come out as that stretch of the whole book would:

| replaced | by | why |
|---|---|---|
| `layout.make_margin_boxes` | `_deferred_margin_boxes` | a part's running heads and page numbers wait until its true first page and the book's page count are known, so a part that moved is numbered again without being laid out again |
| `css.StyleFor._page_type_match` | `_page_type_match` | `@page :first` matches only the book's first page and `:nth(N)` its page N, not each part's |
| `formatting_structure.build.element_to_box` | `_element_to_box` | the CSS counters' values where the part's own content begins and ends |
| `formatting_structure.build.update_counters` | `_update_counters` | which counters the part sets, and which it reads before setting them (a counter running across essays makes the book be laid out whole, O513) |
| `formatting_structure.build.compute_content_list` | `_content_list` | the counters that `counter()` in `content` reads, likewise |
| `document.TargetCollector` | `_PartTargets` | `target-counter()` to an anchor in another part answers the page given for it; `target-text()` of one is noted (O513) |
| `pdf.resolve_links` | `_resolve_links` | a part keeps its links to other parts' anchors, as named destinations the stitched PDF defines |

Used as they are, and checked by the guard all the same: `pdf._w3c_date_to_pdf` (a cached
first part dated again as WeasyPrint dates it); `layout.page.PageType`, `page_width`,
`page_height`, `set_page_type_computed_styles`, `layout.percent.resolve_percentages`,
`layout.background.layout_box_backgrounds`, `formatting_structure.boxes.PageBox` and
`document.Page` (a part's margin boxes made apart from its body); `css.targets.TargetLookupItem`,
`anchor_name_from_token`, `urls.get_url_tuple` (the lookups above); `LayoutContext`'s
`get_string_set_for` and `get_running_element_for` (named strings and running elements carried
from the parts before); `logger.LOGGER`. And attributes: a `Document`'s `_html`, a `Page`'s
`_page_box`, the layout context's `string_set`, `running_elements`, `current_page`; and
a font configuration's `_folder`, set before WeasyPrint makes one (`api._font_folder`: a
folder that is removed even when the process is killed).

May import: `engine`'s own modules below it (`pagebreaks`, `linenumbers`), `store`,
`diagnostics`; nothing in pamphlet but `engine` imports it.
"""
