"""Finding a layout (the project's `layouts/` before the built-in ones) and rendering it.

A layout is a folder `<name>/` holding `pamphlet.html` (a Jinja2 template) and `print.css`;
an optional `custom.css` in the project's `layouts/<name>/` is added after the layout's CSS.
Any file a project puts at the same path as a built-in one replaces it.

Diagnostic codes: L401 unknown layout, L402 template syntax error, L403 template error.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .diagnostics import fail
from .schema import did_you_mean

_PACKAGED = Path(__file__).parent / "layouts"
BUILTIN_LAYOUTS = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).parent.parent / "layouts"


@dataclass(frozen=True)
class Layout:
    """A resolved layout: its name, the folders searched, and the Jinja environment."""

    name: str
    search_path: tuple[Path, ...]
    env: jinja2.Environment

    def find(self, relative: str) -> Path | None:
        """The first file at `relative` along the search path."""
        for folder in self.search_path:
            if (folder / relative).is_file():
                return (folder / relative).resolve()
        return None

    def stylesheets(self, kind: str = "print") -> list[Path]:
        """The CSS files for `print` or `ebook`, in cascade order."""
        names = ["fonts/fonts.css", f"{self.name}/{kind}.css"] if kind == "print" else [
            f"{self.name}/{kind}.css"]
        found = [self.find(name) for name in names]
        custom = self.search_path[0] / self.name / "custom.css"
        if kind == "print" and len(self.search_path) > 1 and custom.is_file():
            found.append(custom.resolve())
        return [path for path in found if path is not None]

    def render(self, template: str, **context) -> str:
        """Render `<layout>/<template>`; template mistakes become diagnostics."""
        name = f"{self.name}/{template}"
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            path = self.find(error.name or name) if (error.name or name) else None
            raise fail("L402", f"template syntax error: {error.message}", path or Path(name),
                       error.lineno, hint="fix the Jinja syntax on that line") from None
        except jinja2.TemplateNotFound as error:
            raise fail("L403", f"template not found: {error.name}", self.find(name),
                       hint="check the name in the {% include %} or {% extends %}") from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as error:
            path, line = self._template_frame(error)
            raise fail("L403", f"template error: {error}", path or Path(name), line,
                       hint="check the names the template uses") from None

    def _template_frame(self, error: Exception) -> tuple[Path | None, int | None]:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            for folder in self.search_path:
                if frame.filename.startswith(str(folder)):
                    return Path(frame.filename), frame.lineno
        return None, None


def find_layout(name: str, project_layouts: Path, spec_path: Path | None = None,
                line: int | None = None) -> Layout:
    """The layout `name`, searched in the project's folder, then the built-in one."""
    search_path = tuple(dict.fromkeys(
        folder.resolve() for folder in (project_layouts, BUILTIN_LAYOUTS) if folder.is_dir()))
    if not any((folder / name / "pamphlet.html").is_file() for folder in search_path):
        known = available_layouts(project_layouts)
        raise fail("L401", f"no layout named '{name}'", spec_path, line,
                   hint=did_you_mean(name, known) or "layouts: " + ", ".join(known))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in search_path]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    return Layout(name, search_path, env)


def available_layouts(project_layouts: Path) -> list[str]:
    """The names of every layout a project can use."""
    names = {path.parent.name for folder in (project_layouts, BUILTIN_LAYOUTS)
             if folder.is_dir() for path in folder.glob("*/pamphlet.html")}
    return sorted(names)
