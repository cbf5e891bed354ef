"""Whether the installed WeasyPrint is one the parts engine was written and tested for: its
version within the tested range, and every function that patches.py replaces or reaches
present with the parameters it was written for. Only then are the replacements installed;
otherwise the reading PDF is laid out whole, and the build says why (O514, in pdf.py).

The range is pyproject.toml's requirement too; bench/weasyprint_canary.py tries the newest
release against the parts-equal-whole tests before the range is widened.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys
from dataclasses import dataclass

LOWEST, ABOVE = (70, 0), (71, 0)  # tested: 70.0 up to, not including, 71
TESTED = "70.x"


@dataclass(frozen=True)
class Reach:
    """One thing of WeasyPrint's that the seam replaces or uses, and what it expects of it."""

    module: str
    name: str  # an attribute of the module, dotted for a class's member
    parameters: tuple[str, ...] | None = None  # the names it is called with; None: any


REACHES = (
    # replaced (patches.install)
    Reach("weasyprint.layout", "make_margin_boxes", ("context", "page", "state")),
    Reach("weasyprint.css", "StyleFor._page_type_match", ("page_selector_type", "page_type")),
    Reach("weasyprint.formatting_structure.build", "element_to_box",
          ("element", "style_for", "get_image_from_uri", "base_url", "target_collector",
           "counter_style", "footnotes", "state")),
    Reach("weasyprint.formatting_structure.build", "update_counters", ("state", "style")),
    Reach("weasyprint.formatting_structure.build", "compute_content_list",
          ("content_list", "parent_box", "counter_values", "css_token", "parse_again",
           "target_collector", "counter_style", "get_image_from_uri", "quote_depth",
           "quote_style", "lang", "context", "page", "element")),
    Reach("weasyprint.document", "TargetCollector.lookup_target",
          ("self", "anchor_token", "source_box", "css_token", "parse_again")),
    Reach("weasyprint.pdf", "resolve_links", ("pages",)),
    # used as they are
    Reach("weasyprint.pdf", "_w3c_date_to_pdf", ("string", "attr_name")),
    Reach("weasyprint.css.targets", "TargetLookupItem", ("state",)),
    Reach("weasyprint.css.targets", "anchor_name_from_token", ("anchor_token",)),
    Reach("weasyprint.urls", "get_url_tuple", ("url", "base_url")),
    Reach("weasyprint.document", "Page", ("page_box",)),
    Reach("weasyprint.formatting_structure.boxes", "PageBox", ("page_type", "style")),
    Reach("weasyprint.layout.page", "PageType"),
    Reach("weasyprint.layout.page", "page_width", ("box", "context", "containing_block_width")),
    Reach("weasyprint.layout.page", "page_height",
          ("box", "context", "containing_block_height")),
    Reach("weasyprint.layout.page", "set_page_type_computed_styles",
          ("page_type", "html", "style_for")),
    Reach("weasyprint.layout.percent", "resolve_percentages", ("box", "containing_block")),
    Reach("weasyprint.layout.background", "layout_box_backgrounds",
          ("page", "box", "get_image_from_uri", "layout_children", "style")),
    Reach("weasyprint.layout", "LayoutContext.get_string_set_for",
          ("self", "page", "name", "keyword")),
    Reach("weasyprint.layout", "LayoutContext.get_running_element_for",
          ("self", "page", "name", "keyword")),
    Reach("weasyprint.logger", "LOGGER"),
)
PAGE_TYPE_FIELDS = ("side", "blank", "name", "index", "groups")


def version_tuple(text: str) -> tuple[int, int]:
    """(major, minor) of a version string such as '70.0', '71.0b1' or '52' ((0, 0) if none)."""
    major, minor = ([int(n) for n in re.findall(r"\d+", text.split("+")[0])[:2]] + [0, 0])[:2]
    return major, minor


def problems(version: str, check_version: bool = True) -> list[str]:
    """What stops the replacements on this WeasyPrint: its version outside the tested range
    (unless not `check_version`), a reach missing or with other parameters. Empty: they
    fit."""
    found = []
    if check_version and not LOWEST <= version_tuple(version) < ABOVE:
        found.append(f"WeasyPrint {version} is not a version the parts engine was tested with "
                     f"({TESTED})")
    for reach in REACHES:
        target = _find(reach)
        if target is None:
            found.append(f"{reach.module}.{reach.name} is missing")
        elif reach.parameters is not None and _parameters(target) != reach.parameters:
            found.append(f"{reach.module}.{reach.name} takes other parameters")
    page_type = _find(Reach("weasyprint.layout.page", "PageType"))
    if page_type is not None and getattr(page_type, "_fields", None) != PAGE_TYPE_FIELDS:
        found.append("weasyprint.layout.page.PageType has other fields")
    return found


def _find(reach: Reach):
    installed = sys.modules.get(f"{__package__}.patches")
    if installed is not None and installed.installed() \
            and (reach.module, reach.name) in installed.ORIGINALS:
        return installed.ORIGINALS[reach.module, reach.name]  # WeasyPrint's, not ours
    try:
        target = importlib.import_module(reach.module)
    except ImportError:
        return None
    for part in reach.name.split("."):
        target = inspect.getattr_static(target, part, None) if inspect.isclass(target) \
            else getattr(target, part, None)
        if isinstance(target, (staticmethod, classmethod)):
            target = target.__func__
        if target is None:
            return None
    return target


def _parameters(target) -> tuple[str, ...] | None:
    try:
        names = tuple(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return None
    return names[1:] if inspect.isclass(target) and names[:1] == ("self",) else names


_verdict: list[str] | None = None  # once a process


def unready() -> str | None:
    """None when the replacements are installed (this call installs them, once a
    process); else why they are not, for O514."""
    global _verdict
    if _verdict is None:
        import weasyprint

        # bench/weasyprint_canary.py tries an untested release on purpose: signatures only.
        canary = os.environ.get("PAMPHLET_WEASYPRINT_CANARY") == "1"
        _verdict = problems(weasyprint.__version__, check_version=not canary)
        if not _verdict:
            from . import patches

            patches.install()
    if not _verdict:
        return None
    more = len(_verdict) - 1
    return _verdict[0] + (f" (and {more} more change{'s' * (more != 1)} the parts engine "
                          "was not written for)" if more else "")


def installed_patches():
    """The replacements, installed: for the parts engine, which runs only once `unready()`
    said None (a worker process started afresh decides again here)."""
    reason = unready()
    if reason is not None:
        raise RuntimeError(f"the parts engine cannot run on this WeasyPrint: {reason}")
    from . import patches

    return patches


def forget() -> None:
    """Decide again at the next `unready()` (for tests that fake another WeasyPrint)."""
    global _verdict
    _verdict = None
