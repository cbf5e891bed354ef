"""Plain text: one essay, or several split at a marker line or at underlined titles."""

from __future__ import annotations

import re
from pathlib import Path

from . import Draft


def from_text(text: str, path: Path, split_at: str | None = None) -> list[Draft]:
    """Plain text: one essay, or several split at a marker line or at underlined titles.

    A title is the first line when a blank line follows it, or a line underlined with `===`.
    """
    if split_at is not None:
        parts = re.split(rf"(?m)^{re.escape(split_at)}[ \t]*$", text)
    else:
        parts = re.split(r"(?m)^(?=.+\n=+[ \t]*$)", text)
    drafts = []
    for part in (p.strip("\n") for p in parts):
        if not part.strip():
            continue
        lines = part.split("\n")
        underlined = len(lines) > 1 and re.fullmatch(r"=+[ \t]*", lines[1])
        if underlined or (len(lines) > 2 and not lines[1].strip() and len(lines[0]) < 120):
            title, body = lines[0].strip(" \t"), "\n".join(lines[2:])
        else:
            title, body = path.stem.replace("-", " ").replace("_", " "), part
        drafts.append(Draft(title, body, origin=path))
    return drafts
