"""The wheel's build hook: pamphlet's message catalogs compiled (`.mo`), so an installed
pamphlet loads each language's words as they are, without compiling them at its first
build (a checkout compiles them in memory; see pamphlet/locale/words.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MESSAGES = Path("pamphlet", "locale", "messages")


class CatalogsHook(BuildHookInterface):
    """Compile every pamphlet/locale/messages/<locale>.po into the wheel beside it."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the checkout, and compiles in memory
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._folder = tempfile.TemporaryDirectory(prefix="pamphlet-mo-")
        for source in sorted((Path(self.root) / MESSAGES).glob("*.po")):
            compiled = Path(self._folder.name) / f"{source.stem}.mo"
            with open(source, "rb") as po, open(compiled, "wb") as mo:
                write_mo(mo, read_po(po))
            build_data["force_include"][str(compiled)] = str(MESSAGES / compiled.name)

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            folder.cleanup()
