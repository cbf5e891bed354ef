"""Live preview: watch the project's inputs, tell every open page, and say which specs a
change affects (so only those rebuild, through the cache)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from ..diagnostics import Diagnostics, PamphletError
from ..project.spec import SPEC_NAME, load_spec
from ..project.select import select

WATCHED = ("source", "layouts", "packets")
PING = 15  # seconds between keep-alive comments on an idle event stream


class Hub:
    """Server-sent events: every open page holds a queue; `publish` fills them all."""

    def __init__(self):
        self.queues: set[asyncio.Queue] = set()
        self.closed = asyncio.Event()

    def publish(self, event: str, data: dict) -> None:
        for queue in list(self.queues):
            queue.put_nowait(f"event: {event}\ndata: {json.dumps(data)}\n\n")

    async def stream(self):
        """One page's events, as the text/event-stream body; ends when the server stops."""
        queue: asyncio.Queue = asyncio.Queue()
        self.queues.add(queue)
        try:
            yield "retry: 1000\n\n"
            while not self.closed.is_set():
                yield await self._next(queue)
        finally:
            self.queues.discard(queue)

    async def _next(self, queue: asyncio.Queue) -> str:
        """The next event, or a keep-alive comment after PING seconds, or "" at shutdown."""
        getter = asyncio.ensure_future(queue.get())
        closing = asyncio.ensure_future(self.closed.wait())
        try:
            done, _ = await asyncio.wait({getter, closing}, timeout=PING,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in (getter, closing):
                if not waiting.done():
                    waiting.cancel()
        return getter.result() if getter in done else ": ping\n\n"


def watched(root: Path):
    """A watchfiles filter: source/, layouts/, packets/ and pamphlet.toml, not build/ nor
    hidden files and editor leftovers."""
    root = root.resolve()

    def keep(change, path: str) -> bool:
        try:
            relative = Path(path).resolve().relative_to(root)
        except ValueError:
            return False
        parts = relative.parts
        if not parts or any(p.startswith((".", "#")) or p.endswith("~") for p in parts):
            return False
        return parts[0] in WATCHED or relative.as_posix() == SPEC_NAME
    return keep


async def watch(root: Path, stop: asyncio.Event, changed) -> None:
    """Call `await changed(relative paths)` for each batch of changes to the project's inputs."""
    from watchfiles import awatch

    root = root.resolve()
    async for batch in awatch(root, watch_filter=watched(root), stop_event=stop,
                              debounce=60, step=20, recursive=True):
        paths = sorted({Path(path).resolve().relative_to(root).as_posix() for _, path in batch})
        await changed(paths)


def selected_slugs(spec: Path) -> frozenset[str] | None:
    """The essays a spec selects now (or more), or None when that cannot be told (a broken
    spec). A spec that lists its essays and picks none by tag is read alone, not the library."""
    try:
        loaded = load_spec(spec)
        rules = loaded.selection
        if rules.slugs is not None and not rules.tags_any and not rules.tags_all:
            return frozenset(rules.slugs)
        return frozenset(essay.slug for essay in select(loaded, Diagnostics()))
    except (PamphletError, OSError, ValueError):
        return None


def affects(paths: list[str], spec_name: str, before: frozenset[str] | None,
            after: frozenset[str] | None) -> bool:
    """Whether changes to `paths` change the outputs of the spec (named as the browser names
    it) that selected `before` and selects `after`: its own file, a layout, an image, or an
    essay it selects (or selected: one it no longer takes)."""
    if before is None or after is None:
        return True
    for path in paths:
        if path == spec_name or path.startswith("layouts/"):
            return True
        if path.startswith("packets/") and not path.endswith(".toml"):
            return True  # an intro file
        if path.startswith("source/"):
            name = Path(path)
            if name.suffix != ".md" or name.parent != Path("source"):
                return True  # an image, or a file an essay names
            if name.stem in before | after:
                return True
    return False
