"""`pamphlet serve`: the bookbuilder and live preview in the browser (Starlette + uvicorn).

Diagnostic codes: V101 no free port to serve on, V102 warning: serving beyond this machine
(the host is not a loopback address), V103 the path is not a pamphlet project.

May import: every stage (`build` and below); not `cli`, `site` or `importers`.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from ..diagnostics import fail
from ..project.spec import SPEC_NAME, is_project

PORTS_TRIED = 20  # the port asked for and the next ones, before giving up (V101)


def project_folder(path: Path) -> Path:
    """The project folder `path` names (a folder, or a spec file in one); V103 otherwise."""
    path = Path(path)
    folder = path.parent if path.is_file() else path
    if folder.name == "packets" and path.is_file():
        folder = folder.parent
    if not is_project(folder):
        raise fail("V103", f"{path} is not a pamphlet project (no {SPEC_NAME}, source/ or "
                   "packets/)", path, hint="run pamphlet serve in a project folder, or make "
                   "one with pamphlet init")
    return folder.resolve()


def bind(host: str, port: int) -> tuple[socket.socket, int]:
    """A listening socket on `host` at `port`, or at the next free port (V101 if none)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last = None
    for candidate in range(port, min(port + PORTS_TRIED, 65536)):
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.bind((host, candidate))
            sock.listen(128)
            return sock, candidate
        except OSError as error:
            sock.close()
            last = error
            if error.errno not in (errno.EADDRINUSE, errno.EACCES):
                break
    raise fail("V101", f"cannot serve on {host} at port {port} or the {PORTS_TRIED - 1} after "
               f"it: {last.strerror if last else 'no port left'}", None,
               hint="free a port, or choose one with --port N (and a host this machine has "
               "with --host)")


def address(host: str, port: int) -> str:
    """The URL the server answers at."""
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
