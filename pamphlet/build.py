"""One linear `build()`: spec → selection → pamphlet → outputs, written atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .assemble import Pamphlet, assemble
from .diagnostics import Diagnostics, PamphletError
from .layouts import find_layout
from .outputs.pdf import write_pdf
from .project import Spec, load_spec
from .select import select


@dataclass
class BuildResult:
    """What a build made, and everything it had to say."""

    spec: Spec | None = None
    outputs: list[Path] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    pages: int | None = None

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def build(target: Path, out_dir: Path | None = None) -> BuildResult:
    """Build the spec at `target` (a project folder or a spec file) into `out_dir`."""
    result = BuildResult()
    try:
        result.spec = spec = load_spec(target)
        pamphlet = _pamphlet(spec, result.diagnostics)
        layout = find_layout(spec.layout, spec.layouts_dir, spec.path, spec.line_of("layout"))
        out = Path(out_dir) if out_dir else spec.root / "build"
        pdf = write_pdf(pamphlet, layout, out / f"{spec.stem}.pdf", result.diagnostics)
        result.outputs.append(pdf.path)
        result.pages = pdf.pages
    except PamphletError as error:
        result.diagnostics.extend(error.diagnostics)
    return result


def _pamphlet(spec: Spec, diagnostics: Diagnostics) -> Pamphlet:
    essays = select(spec, diagnostics)
    diagnostics.raise_if_errors()
    pamphlet = assemble(spec, essays, diagnostics)
    diagnostics.raise_if_errors()
    return pamphlet
