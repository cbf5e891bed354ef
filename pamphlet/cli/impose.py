"""`pamphlet impose`: any PDF imposed for printing and folding, or a printer's test sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostics
from ..project.imposition import SCHEMES
from ..project.printing import SHEETS, print_plan, settings_from_table
from ..project.schema import Field
from ..project.spec import PRINT_FIELDS
from .common import EXIT_OK, EXIT_USAGE, relative, sheets_and_sides, show, within


def add_parser(commands) -> None:
    impose_cmd = commands.add_parser(
        "impose", help="impose any PDF for printing and folding",
        description="Impose a PDF: place its pages on sheets to print, fold and staple.")
    impose_cmd.add_argument("source", type=Path, metavar="IN.pdf", nargs="?")
    impose_cmd.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    impose_cmd.add_argument("--scheme", choices=SCHEMES, default="saddle")
    impose_cmd.add_argument("--sheet", choices=sorted(SHEETS),
                            help="paper size (default: from the page size)")
    impose_cmd.add_argument("--duplex", choices=("short-edge", "long-edge"), default="short-edge")
    impose_cmd.add_argument("--binding", choices=("left", "right"), default="left",
                            help="the spine's side: right for a right-to-left booklet")
    impose_cmd.add_argument("--signature", metavar="N|LOW-HIGH",
                            help='pages per signature (a multiple of 4), or a range like 16-32')
    impose_cmd.add_argument("--creep", metavar="LENGTH", help="paper thickness, e.g. 0.1mm")
    impose_cmd.add_argument("--marks", action="store_true", help="crop and fold marks")
    impose_cmd.add_argument("--copies", type=within(PRINT_FIELDS["copies"]), default=1,
                            help="copies, for the print plan")
    impose_cmd.add_argument("--keep-last", type=within(Field((int,), minimum=0, maximum=999)),
                            default=1, metavar="N",
                            help="pages that stay at the end, after any blanks (default: 1)")
    impose_cmd.add_argument("--test-sheet", action="store_true",
                            help="write a one-sheet printer test (flip, page order, scale) for "
                            "these settings to OUT.pdf instead of imposing a PDF")
    impose_cmd.add_argument("--lang", metavar="LANG", default="en",
                            help="the test sheet's language, as a spec's lang (default: en)")
    impose_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..outputs.impose import impose_pdf

    problems = Diagnostics()
    def report(code: str, key: str, message: str, hint: str) -> None:
        problems.error(code, f"--{key}: {message}", hint=hint)
    settings = settings_from_table({
        "scheme": args.scheme, "sheet": args.sheet, "duplex": args.duplex,
        "binding": args.binding, "signature": args.signature,
        "creep": args.creep, "marks": args.marks, "copies": args.copies,
        "variants": ["print"], "instructions": False, "fit": False}, report)
    if args.source is None and not args.test_sheet:
        problems.error("O563", "name the PDF to impose, or ask for --test-sheet",
                       hint="pamphlet impose IN.pdf -o OUT.pdf, or pamphlet impose --test-sheet "
                            "-o test.pdf")
    if problems.has_errors:
        show(problems)
        return EXIT_USAGE
    if args.test_sheet:
        from ..locale.words import Words, languages
        from ..outputs.testsheet import write_test_sheet

        words = Words.for_language(args.lang)
        if words.missing:
            problems.warning("P180", f"--lang: pamphlet has no words in the language "
                             f"'{args.lang}', so the test sheet is in English",
                             hint="use one of: " + ", ".join(languages()))
            show(problems)
        write_test_sheet(settings, "A5", args.output, words)
        print(f"wrote {relative(args.output)} (printer test sheet, duplex, "
              f"flip on the {settings.duplex.removesuffix('-edge')} edge)")
        return EXIT_OK
    result = impose_pdf(args.source, settings, args.output, args.keep_last)
    print(f"wrote {relative(result.path)} ({sheets_and_sides(result.sheets, result.sides)})")
    print("  " + print_plan(result.pages, result.padded, result.sheets, result.sides,
                            result.sheet_name, settings))
    return EXIT_OK
