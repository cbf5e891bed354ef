"""`pamphlet serve`: the bookbuilder and live preview, served on this machine."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..project.clock import source_date_epoch
from ..project.schema import Field
from .common import EXIT_OK, relative, show, within


def add_parser(commands) -> None:
    serve_cmd = commands.add_parser(
        "serve", help="the bookbuilder and live preview in the browser",
        description="Serve the project at http://127.0.0.1:8765/: the library, each essay's "
        "reading view, and the bookbuilder (pick and order essays, set the spec, build, save). "
        "Pages update themselves when files change.")
    serve_cmd.add_argument("path", nargs="?", default=Path("."), type=Path, metavar="PATH",
                           help="the project folder (default: this folder)")
    serve_cmd.add_argument("--port", type=within(Field((int,), minimum=1, maximum=65535)),
                           default=8765, metavar="N", help="the port (default: 8765, or the "
                           "next free one)")
    serve_cmd.add_argument("--host", default="127.0.0.1", metavar="H",
                           help="the address to serve on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--no-open", action="store_true", help="do not open a browser")
    serve_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import threading
    import webbrowser

    import uvicorn

    from ..serve import address, bind, project_folder
    from ..serve.app import create_app
    from ..serve.guard import is_loopback

    root = project_folder(args.path)
    source_date_epoch()  # a malformed value is said now, not at each build
    sock, port = bind(args.host, args.port)
    url = address(args.host, port)
    print(f"serving {relative(root)} at {url}", flush=True)
    if port != args.port:
        print(f"  port {args.port} was taken, so pamphlet serves at port {port}", flush=True)
    if not is_loopback(args.host):
        show([Diagnostic("V102", Severity.WARNING, f"serving on {args.host}: anyone who can "
                          "reach this machine can read the project and build it", None, None,
                          "serve on 127.0.0.1 (the default) unless you mean to share it")])
    print("  press Ctrl+C to stop", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(root, args.host, port), log_level="warning",
                                           timeout_graceful_shutdown=2, lifespan="on"))
    if not args.no_open:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return EXIT_OK
