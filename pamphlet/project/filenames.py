"""What a spec's build writes and where, from the spec alone: the output folder, the
names of the outputs in the order they are made, and whether the project asks for booklets. Light on purpose: deciding that a spec is
up to date needs these, and must not import the layout engine."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import fail
from .eventkit import event_day
from .spec import SPEC_NAME, Spec, load_spec, project_root


def output_folder(spec_path: Path, out_dir: Path | None = None) -> Path:
    """`out_dir`, or else the project's build/, which must not lead out of the project (O512):
    a shared project cannot make a build write into the builder's other folders."""
    if out_dir is not None:
        return Path(out_dir)
    root = project_root(spec_path)
    out = root / "build"
    if not out.resolve().is_relative_to(root.resolve()):
        raise fail("O512", f"{out} is a link to {out.resolve()}, outside the project, so "
                   "nothing is built there", out,
                   hint="remove the link, or name that folder on purpose with --out")
    return out


def output_names(spec: Spec) -> list[str]:
    """The files a spec's build writes into its output folder, in the order they are made."""
    variants = spec.printing.variants if spec.printing else ("read",)
    names = [f"{spec.stem}.pdf"] if "read" in variants else []
    names += [f"{spec.stem}-{variant}.pdf" for variant in ("print", "print-bw", "press")
              if variant in variants]
    names = [*names, *kit_names(spec), f"{spec.stem}.epub"]
    return [*names, f"{spec.stem}.kepub.epub"] if spec.ebook.kobo else names


def kit_names(spec: Spec) -> list[str]:
    """The files of the kit a spec asks for, in the order they are made."""
    settings, names = spec.printing, []
    if settings and settings.scheme == "perfect":
        names.append(f"{spec.stem}-cover.pdf")
    if settings and settings.test_sheet:
        names.append(f"{spec.stem}-test-sheet.pdf")
    if spec.event and event_day(spec.event.date):
        names.append(f"{spec.stem}.ics")
    return names


def booklets_wanted(project_root: Path) -> bool:
    """Whether the project's pamphlet.toml asks for booklets (`[site] each_essay = true`)."""
    spec = Path(project_root) / SPEC_NAME
    return spec.is_file() and load_spec(spec).site.each_essay
