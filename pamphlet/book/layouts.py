"""Finding a layout (the project's `layouts/` before the built-in ones) and rendering it.

A layout is a folder `<name>/` holding `pamphlet.html` (a Jinja2 template) and `print.css`;
an optional `custom.css` in the project's `layouts/<name>/` is added after the layout's CSS.
Any file a project puts at the same path as a built-in one replaces it.

A layout's words come from the catalogs (locale/words.py): a template writes
`{{ pgettext("contents", "Contents") }}`, and a layout folder may carry catalogs of its own,
`messages/<language>.po`, over pamphlet's (`Layout.catalogs`).

Layouts may come from someone else, so they are data, never code: templates render in
Jinja's immutable sandbox, see only plain values (`context.py`), and load every template,
include, stylesheet and catalog through the project's path gate (`paths.py`). A word from a
catalog or a spec's [words] is text: escaped like any value (Jinja's own gettext would mark
it safe HTML).

Diagnostic codes: L401 unknown layout, L402 template syntax error, L403 template error,
L404 a template tried to leave the sandbox, L405 a layout's catalog cannot be read.
"""

from __future__ import annotations

import operator
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ..diagnostics import Diagnostics, fail
from ..locale.bidi import isolate
from ..locale.formats import number
from ..locale.tags import candidates
from ..locale.words import CatalogError, Words, compile_po, fill
from ..store.paths import BUILTIN_LAYOUTS, Gate, Refused, ignored, present
from ..project.schema import did_you_mean

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_PRIVATE = re.compile(r"attribute '_")  # Python's internals, which no layout needs
_SANDBOX_HINT = "a layout can use the pamphlet's values, not Python objects, files or commands"
MAX_OUTPUT = 20_000_000  # characters a template's string or list arithmetic may make


@dataclass(frozen=True)
class Layout:
    """A resolved layout: its name, the folders searched, the gate and the Jinja environment."""

    name: str
    search_path: tuple[Path, ...]
    env: jinja2.Environment
    gate: Gate

    def find(self, relative: str) -> Path | None:
        """The first file at `relative` along the search path, through the gate."""
        for folder in self.search_path:
            candidate = folder / relative
            if present(candidate):
                return self.gate.check(candidate, what="layout file")
        return None

    def read(self, path: Path) -> bytes:
        """A layout file's bytes, through the gate."""
        return self.gate.read_bytes(path, what="layout file")

    def stylesheets(self, kind: str = "print") -> list[Path]:
        """The CSS files for `print` or `ebook`, in cascade order."""
        names = ["fonts/fonts.css", f"{self.name}/{kind}.css"] if kind == "print" else [
            f"{self.name}/{kind}.css"]
        found = [self.find(name) for name in names]
        custom = self.search_path[0] / self.name / "custom.css"
        if kind == "print" and self.search_path[0] != BUILTIN_LAYOUTS and (
                present(custom)):
            found.append(self.gate.check(custom, what="layout file"))
        return [path for path in found if path is not None]

    def catalogs(self, lang: str, diagnostics: Diagnostics) -> tuple[bytes, ...]:
        """The layout's own catalogs for the language `lang`, compiled, the project's first:
        `<layout>/messages/<locale>.po` in the project's layouts (the built-in layouts'
        words are pamphlet's own catalogs). One that cannot be read is reported (L405)."""
        found = []
        for folder in self.search_path:
            if folder == BUILTIN_LAYOUTS:
                continue
            path = next((folder / self.name / "messages" / f"{name}.po"
                         for name in candidates(lang)
                         if present(folder / self.name / "messages" / f"{name}.po")), None)
            if path is None:
                continue
            try:
                found.append(compile_po(self.read(self.gate.check(path, what="catalog"))))
            except Refused as refused:
                diagnostics.extend(refused.diagnostics)
            except CatalogError as error:
                diagnostics.error("L405", f"the layout's catalog cannot be read: {_short(error)}",
                                  path, error.line, hint="write it as a gettext .po file, in "
                                  "UTF-8, as pamphlet's own catalogs are "
                                  "(pamphlet/locale/messages/)")
        return tuple(found)

    def render(self, template: str, words: Words | None = None, **context) -> str:
        """Render `<layout>/<template>` with the book's `words`; template mistakes become
        diagnostics."""
        name = f"{self.name}/{template}"
        self.env.globals.update(template_words(words or Words()))
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            path = self.find(error.name or name) if (error.name or name) else None
            raise fail("L402", f"template syntax error: {error.message}", path or Path(name),
                       error.lineno, hint="fix the Jinja syntax on that line") from None
        except jinja2.TemplateNotFound as error:
            path, line = self._template_frame(error)
            raise fail("L403", f"template not found: {error.name}", path or self.find(name),
                       line, hint="check the name in the {% include %} or {% extends %}; "
                       "templates are found only inside the layout folders") from None
        except SecurityError as error:
            path, line = self._template_frame(error)
            raise fail("L404", f"the template tried to leave its sandbox: {error}",
                       path or Path(name), line, hint=_SANDBOX_HINT) from None
        except jinja2.UndefinedError as error:
            path, line = self._template_frame(error)
            if _PRIVATE.search(str(error)):  # `x|attr('__class__')|attr(...)` ends here
                raise fail("L404", f"the template tried to leave its sandbox: {_short(error)}",
                           path or Path(name), line, hint=_SANDBOX_HINT) from None
            raise fail("L403", f"template error: {_short(error)}", path or Path(name), line,
                       hint="check the names the template uses") from None
        except (TypeError, ValueError, AttributeError, LookupError,
                ArithmeticError, RecursionError, MemoryError) as error:
            path, line = self._template_frame(error)
            raise fail("L403", f"template error: {_short(error)}", path or Path(name), line,
                       hint="check the names the template uses") from None

    def _template_frame(self, error: Exception) -> tuple[Path | None, int | None]:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            for folder in self.search_path:
                if frame.filename.startswith(str(folder)):
                    return Path(frame.filename), frame.lineno
        return None, None


class _GatedLoader(jinja2.BaseLoader):
    """Templates, includes and imports by name, found along the search path, read through
    the gate: `..`, absolute names and symlinks that lead outside are refused."""

    def __init__(self, search_path: tuple[Path, ...], gate: Gate):
        self.search_path, self.gate = search_path, gate

    def get_source(self, environment, template: str):
        parts = jinja2.loaders.split_template_path(template)  # refuses '..'
        if any(ignored(Path(part)) for part in parts):
            raise jinja2.TemplateNotFound(template)
        for folder in self.search_path:
            candidate = folder.joinpath(*parts)
            if present(candidate):
                resolved = self.gate.check(candidate, what="template")
                source = self.gate.read_bytes(resolved, what="template").decode(
                    "utf-8", errors="replace")
                return source, str(candidate), lambda: True
        raise jinja2.TemplateNotFound(template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, which also refuses arithmetic that would build a string
    or list of many millions of items (`'x' * 10**10`) or a huge power."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError("a power larger than 1000 is not allowed in a template")
        if operator_name == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_OUTPUT:
                    raise SecurityError("the template would build a value of over "
                                        f"{MAX_OUTPUT:,} items")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def template_words(words: Words) -> dict:
    """The functions a template calls for its words: `pgettext(key, english, **values)` and
    `npgettext(key, singular, plural, n, **values)`, which escape the text and its values
    (a value already marked safe, such as a link, stays as it is); and `page_reference()`,
    CSS content for "(page N)" after a cross-reference; `isolated(values)`, the values each
    isolated where they run the other way than the book's language, for a template to join."""
    def pgettext(key: str, message: str, **values) -> Markup:
        return _escaped(words.text(key, message), words.isolated(values))

    def npgettext(key: str, singular: str, plural: str, n: int, **values) -> Markup:
        values.setdefault("num", number(n, words.lang))
        return _escaped(words.ntext(key, singular, plural, n), words.isolated(values))

    def page_reference() -> Markup:
        # TRANSLATORS: after a link to another essay, in print: "(page 12)".
        text = words.pgettext("page_ref", "(page %(page)s)", page="%(page)s")
        before, _, after = text.partition("%(page)s")
        before = before[:-1] + "\u00a0" if before.endswith(" ") else before  # kept with N
        return Markup(f"{_css_string(' ' + before)} target-counter(attr(href), page, "
                      f"pamphlet-digits) "
                      f"{_css_string(after)}")
    def isolated(values) -> list:
        # Items joined into a run ("Tlön، ۸ دسمبر، Orbis 3"), each in its own direction.
        return [isolate(value, words.lang) for value in values]
    return {"pgettext": pgettext, "npgettext": npgettext, "page_reference": page_reference,
            "isolated": isolated}


def _escaped(text: str, values: dict) -> Markup:
    return Markup(fill(str(escape(text)), {name: escape(value) for name, value in values.items()}))


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string that nothing in it can end, inside a <style> too."""
    return '"' + "".join(ch if ch.isalnum() or ch in " .,:;()[]-" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


def find_layout(name: str, project_layouts: Path, spec_path: Path | None = None,
                line: int | None = None, gate: Gate | None = None) -> Layout:
    """The layout `name`, searched in the project's folder, then the built-in one."""
    gate = gate or Gate.for_project(project_layouts.parent)
    search_path = tuple(dict.fromkeys(
        folder for folder in (project_layouts.absolute(), BUILTIN_LAYOUTS) if folder.is_dir()))
    if not _NAME.match(name) or not any(
            (folder / name / "pamphlet.html").is_file() for folder in search_path):
        known = available_layouts(project_layouts)
        raise fail("L401", f"no layout named '{name[:80]}'", spec_path, line,
                   hint=did_you_mean(name, known) or "layouts: " + ", ".join(known))
    env = _Sandbox(
        loader=_GatedLoader(search_path, gate), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.globals.pop("lipsum", None)  # nothing a layout needs, and a favourite of exploits
    return Layout(name, search_path, env, gate)


def available_layouts(project_layouts: Path) -> list[str]:
    """The names of every layout a project can use."""
    names = {path.parent.name for folder in (project_layouts, BUILTIN_LAYOUTS)
             if folder.is_dir() for path in folder.glob("*/pamphlet.html")
             if not ignored(path.parent) and _NAME.match(path.parent.name)}
    return sorted(names)


def _short(error: Exception, width: int = 200) -> str:
    text = str(error)
    return text if len(text) <= width else text[:width - 1] + "…"
