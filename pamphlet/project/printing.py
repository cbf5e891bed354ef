"""Print settings (the spec's [print] table), paper sizes, lengths, and the print plan.

Diagnostic codes: P120 a length that cannot be read (or a paper too thick to fold), P121 a
signature that is not a multiple of 4 or a range "16-32" within 4 to 256 pages, P122 a paper
size pamphlet does not know; P170 a bleed that cannot be read or is over 20mm, P171 a
paper (for the spine) that cannot be read, P178 a page multiple that is not an even number
from 2 to 256.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..diagnostics import Diagnostics, shorten
from ..locale.words import Words

_MM = 72 / 25.4
SHEETS = {  # portrait width, height in points
    "A3": (297 * _MM, 420 * _MM), "A4": (210 * _MM, 297 * _MM), "A5": (148 * _MM, 210 * _MM),
    "letter": (612.0, 792.0), "legal": (612.0, 1008.0), "tabloid": (792.0, 1224.0),
}
# The sheet a page size is usually printed on, per scheme family.
DEFAULT_SHEETS = {"A5": "A4", "A6": "A4", "half-letter": "letter", "quarter-letter": "letter"}
_UNITS = {"pt": 1.0, "mm": _MM, "cm": 10 * _MM, "in": 72.0}
VARIANTS = ("read", "print", "print-bw", "press")


@dataclass(frozen=True)
class Paper:
    """What the spine's width is worked out from: a sheet's thickness, or pages per inch."""

    thickness: float | None = None  # points, one sheet (two pages)
    ppi: float | None = None  # pages per inch, as paper merchants quote it

    def spine(self, pages: int) -> float:
        """The spine's width in points for a block of `pages` pages (rounded up to even)."""
        leaves = math.ceil(pages / 2)
        return leaves * self.thickness if self.thickness is not None else 2 * leaves / self.ppi * 72


@dataclass(frozen=True)
class PrintSettings:
    """How to print: the scheme, the paper, the duplex flip, creep, marks and the job."""

    scheme: str = "saddle"
    sheet: str | None = None
    duplex: str = "short-edge"
    binding: str = "left"  # the spine's side, seen from the front cover
    signature: int | tuple[int, int] | None = None
    creep: float = 0.0  # paper thickness, in points
    marks: bool = False
    copies: int = 1
    variants: tuple[str, ...] = ("read", "print")
    instructions: bool = False
    fit: bool = False
    # Press-ready files (issue 16): the PDF/X flavour, the bleed in points, the paper for the
    # spine (a sheet's thickness in points, or pages per inch), and the printer test sheet.
    pdfx: str = "x-4"
    bleed: float = 3 * _MM
    paper: Paper | None = None
    test_sheet: bool = False
    page_multiple: int | None = None  # the printer's rule for a page-order file; None: the
    # scheme's own (MULTIPLES)


MAX_CREEP = 2 * _MM  # thicker than any card stock that still folds
MAX_SIGNATURE = 256  # pages folded together; for one signature of any length, leave it out


def parse_length(text: str) -> float | None:
    """'0.1mm', '0.004in', '2pt', '1cm' in points; None when it cannot be read."""
    match = re.fullmatch(r"\s*(\d{1,6}(?:\.\d{1,6})?|\.\d{1,6})\s*(mm|cm|in|pt)\s*", str(text))
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def parse_signature(value) -> int | tuple[int, int] | None | str:
    """An int multiple of 4, or 'low-high'; 'whole' or None for one signature; else the error."""
    if value in (None, "whole"):
        return None
    bounds = f"between 4 and {MAX_SIGNATURE}"
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 0 and value % 4 == 0:
            return value if value <= MAX_SIGNATURE else f"{bounds} pages"
        return f"a multiple of 4 {bounds}"
    match = re.fullmatch(r"\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?", str(value))
    low, high = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
    if match and match[2] is None and low % 4 == 0:  # "16", as written on a command line
        return parse_signature(low)
    if match and 4 <= low <= high <= MAX_SIGNATURE:
        return low, high
    return f"a multiple of 4, or a range like \"16-32\", {bounds}"


def settings_from_table(values: dict, report) -> PrintSettings:
    """PrintSettings from a checked [print] table; `report(code, key, message, hint)`."""
    creep = parse_length(values["creep"]) if values["creep"] else 0.0
    if creep is None:
        report("P120", "creep", f"cannot read the length '{shorten(values['creep'], 40)}'",
               'write a thickness with its unit, like "0.1mm" or "0.004in"')
    elif creep > MAX_CREEP:
        report("P120", "creep", f"a paper {values['creep']} thick cannot be folded",
               'the creep is the thickness of one sheet, like "0.1mm"; at most 2mm')
    signature = parse_signature(values["signature"])
    if isinstance(signature, str):
        report("P121", "signature", f"'print.signature' must be {signature}",
               'write 16, or "16-32" to let pamphlet choose the size with fewest blanks')
    if values["sheet"] and values["sheet"] not in SHEETS:
        report("P122", "sheet", f"unknown paper size '{values['sheet']}'",
               "choose one of " + ", ".join(SHEETS))
    return PrintSettings(
        **press_settings(values, report),
        scheme=values["scheme"], sheet=values["sheet"], duplex=values["duplex"],
        binding=values.get("binding") or "left",
        signature=None if isinstance(signature, str) else signature, creep=creep or 0.0,
        marks=values["marks"], copies=values["copies"], variants=tuple(values["variants"]),
        instructions=values["instructions"], fit=values["fit"])


def sheet_size(settings: PrintSettings, page_size: str) -> tuple[str, tuple[float, float]]:
    """The paper's name and (width, height) in points, portrait."""
    name = settings.sheet or DEFAULT_SHEETS.get(page_size, "A4")
    return name, SHEETS[name]


def print_plan(pages: int, padded: int, sheets: int, sides: int, sheet_name: str,
               settings: PrintSettings, words: Words = Words()) -> str:
    """One line a copy shop understands, in the book's language: what to print, how, and
    how much paper."""
    copies = settings.copies
    total = sheets * copies
    # TRANSLATORS: the print plan is one line for a copy shop: "28 pages (with 2 blank) → 7
    # sheets of A4, duplex, flip on short edge; fold, nest, staple; 30 copies = 210 sheets".
    how = {
        "minizine": lambda: words.pgettext(
            "plan_minizine", "one side; fold in half lengthwise, cut the middle of the fold, "
            "fold into a booklet"),
        "2up": lambda: words.pgettext("plan_2up", "one side, two pages a side; cut or fold as "
                                      "you like"),
        "cutstack": lambda: words.pgettext(
            "plan_cutstack", "duplex, %(flip)s; cut the pile across the middle, put the top "
            "halves on the bottom halves, fold, staple", flip=_flip(settings, words)),
    }.get(settings.scheme, lambda: words.pgettext(
        "plan_saddle", "duplex, %(flip)s; fold, nest, staple", flip=_flip(settings, words)))()
    shown = words.npgettext("plan_pages", "%(num)s page", "%(num)s pages", padded)
    if padded > pages:
        shown += " " + words.npgettext("plan_blank", "(with %(num)s blank)",
                                       "(with %(num)s blank)", padded - pages)
    return words.pgettext(
        "plan_line", "%(pages)s → %(paper)s, %(how)s; %(copies)s = %(total)s", pages=shown,
        paper=words.npgettext("plan_sheets", "%(num)s sheet of %(paper)s",
                              "%(num)s sheets of %(paper)s", sheets, paper=sheet_name),
        how=how, copies=words.npgettext("plan_copies", "%(num)s copy", "%(num)s copies", copies),
        total=words.npgettext("plan_total", "%(num)s sheet", "%(num)s sheets", total))


def _flip(settings: PrintSettings, words: Words) -> str:
    if settings.duplex == "short-edge":
        return words.pgettext("plan_flip_short", "flip on short edge")
    return words.pgettext("plan_flip_long", "flip on long edge")


def instructions(settings: PrintSettings, sheets: int, sheet_name: str,
                 words: Words = Words()) -> list[str]:
    """Plain steps for printing and folding this job, for the optional instruction page."""
    steps = [*{"saddle": _saddle_steps, "minizine": _minizine_steps,
               "cutstack": _cutstack_steps, "2up": _two_up_steps}[settings.scheme](
        settings, sheet_name, words)]
    return steps + [words.npgettext("step_job", "This job: %(num)s sheet a copy.",
                                    "This job: %(num)s sheets a copy.", sheets)]


def _both_sides(settings: PrintSettings, sheet_name: str, words: Words) -> str:
    flip = words.pgettext("step_flip_short", "on the short edge") \
        if settings.duplex == "short-edge" \
        else words.pgettext("step_flip_long", "on the long edge")
    return words.pgettext("step_print_both", "Print on %(paper)s, both sides, flipping "
                          "%(flip)s.", paper=sheet_name, flip=flip)


def _saddle_steps(settings: PrintSettings, sheet_name: str, words: Words):
    yield _both_sides(settings, sheet_name, words)
    yield words.pgettext("step_test_copy", "Print one copy first, fold it and check the "
                         "pages read 1, 2, 3.")
    yield words.pgettext("step_saddle_fold", "Fold each copy's sheets in half together, the "
                         "first sheet outside.")
    yield words.pgettext("step_saddle_staple", "Staple twice on the fold, from the outside.")


def _minizine_steps(settings: PrintSettings, sheet_name: str, words: Words):
    yield words.pgettext("step_minizine_print", "Print on one side of %(paper)s, landscape.",
                         paper=sheet_name)
    yield words.pgettext("step_minizine_fold", "Fold in half lengthwise, printed side out, "
                         "and unfold.")
    yield words.pgettext("step_minizine_cut", "Fold in half the other way, then cut along the "
                         "middle fold from the folded edge to the centre.")
    yield words.pgettext("step_minizine_push", "Fold lengthwise again and push the ends "
                         "together so the cut opens; fold the pages around the cover.")


def _cutstack_steps(settings: PrintSettings, sheet_name: str, words: Words):
    yield _both_sides(settings, sheet_name, words)
    yield words.pgettext("step_cutstack_cut", "Keep the pile in order and cut it across the "
                         "middle.")
    yield words.pgettext("step_cutstack_stack", "Put the pile of top halves on the pile of "
                         "bottom halves.")
    yield words.pgettext("step_cutstack_fold", "Fold the whole stack in half and staple on "
                         "the fold.")


def _two_up_steps(settings: PrintSettings, sheet_name: str, words: Words):
    yield words.pgettext("step_2up_print", "Print on one side of %(paper)s.", paper=sheet_name)
    yield words.pgettext("step_2up_cut", "Cut each sheet in half, or fold it.")


def check_fits(settings: PrintSettings, page_size: str, diagnostics: Diagnostics, where) -> None:
    """A warning when the scheme's cell is much larger or smaller than the page."""
    family_a = page_size in ("A5", "A6")
    name = settings.sheet or DEFAULT_SHEETS.get(page_size, "A4")
    if family_a != name.startswith("A"):
        diagnostics.warning("I603", f"{page_size} pages on {name} paper will be scaled", *where,
                            hint="set print.sheet to match the page size, or change pdf.page_size")



# A page-order file for a printer (the press PDF, a perfect-bound book's block) holds a
# multiple of this many pages: a bound leaf has two sides, a folded sheet four. Blank pages
# make up the rest.
MULTIPLES = {"perfect": 2, "saddle": 4}
MAX_MULTIPLE = 256


def page_multiple(settings: PrintSettings) -> int:
    """The multiple a page-order file's pages are padded to: the spec's, else the scheme's."""
    return settings.page_multiple or MULTIPLES.get(settings.scheme, 1)


def padded(pages: int, multiple: int) -> int:
    """`pages` made up to a multiple of `multiple` (blank pages added)."""
    return pages + -pages % multiple


MAX_BLEED = 20 * _MM  # more than any printer asks for (3mm to 5mm is usual)
PPI = (100.0, 2000.0)  # pages per inch from board-like card to thin bible paper


def parse_paper(text: str) -> Paper | None:
    """'0.1mm' (a sheet's thickness) or 'ppi 444' (pages per inch); None when unreadable."""
    if match := re.fullmatch(r"\s*ppi\s*(\d{1,4}(?:\.\d{1,3})?)\s*", str(text), re.IGNORECASE):
        ppi = float(match[1])
        return Paper(ppi=ppi) if PPI[0] <= ppi <= PPI[1] else None
    thickness = parse_length(text)
    return Paper(thickness=thickness) if thickness and thickness <= MAX_CREEP else None


def press_settings(values: dict, report) -> dict:
    """The press keys of a checked [print] table (pdfx, bleed, paper, test_sheet)."""
    bleed = parse_length(values.get("bleed") or "3mm")
    if bleed is None or bleed > MAX_BLEED:
        report("P170", "bleed", f"cannot use the bleed '{shorten(str(values['bleed']), 40)}'",
               'write a length from 0 to 20mm with its unit, like "3mm" or "0.125in"')
        bleed = 3 * _MM
    paper = None
    if values.get("paper"):
        paper = parse_paper(values["paper"])
        if paper is None:
            report("P171", "paper", f"cannot read the paper '{shorten(str(values['paper']), 40)}'",
                   'write a sheet\'s thickness like "0.1mm" (at most 2mm), or pages per inch '
                   'like "ppi 444" (100 to 2000)')
    multiple = values.get("page_multiple")
    if multiple is not None and not (isinstance(multiple, int) and not isinstance(multiple, bool)
                                     and 2 <= multiple <= MAX_MULTIPLE and multiple % 2 == 0):
        report("P178", "page_multiple", f"'print.page_multiple' must be an even number from 2 "
               f"to {MAX_MULTIPLE}, not {shorten(str(multiple), 40)}",
               "write the multiple your printer asks for, like 2 (even), 4 or 16")
        multiple = None
    return {"pdfx": values.get("pdfx") or "x-4", "bleed": bleed, "paper": paper,
            "test_sheet": bool(values.get("test_sheet")), "page_multiple": multiple}
