"""The web app's trust boundary, in one place: the Host check (DNS rebinding), the per-run
CSRF token, and the one function that finds a file to send (through the project's path gate).

A browser on the same machine can be pointed at the server by any web page: a hostile page
can make it send requests (CSRF), and a hostile DNS name can make the page look same-origin
(DNS rebinding). So every request must name the address we serve in its Host header (else
421), every request that changes something must carry the token the pages hold (else 403),
and files are sent only from a few folders, never through `..` or a link that leads out.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from pathlib import Path, PurePosixPath

from ..store.paths import Gate, Refused, ignored

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = "x-pamphlet-token"
# Pages hold only our own scripts and styles; images may be data: URLs from essays.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def new_token() -> str:
    """A fresh per-run CSRF token."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def served_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values a request may carry: the address we serve (and, when that is
    the loopback address, `localhost` too, which cannot be rebound to another machine). A
    wildcard host (0.0.0.0, ::) is reached by any of the machine's addresses: "*:port"."""
    shown = f"[{host}]" if ":" in host else host
    hosts = {f"{shown}:{port}"}
    if is_loopback(host):
        hosts |= {f"localhost:{port}", f"127.0.0.1:{port}"}
    if host in ("0.0.0.0", "::"):
        hosts |= {f"*:{port}", f"localhost:{port}"}
    return frozenset(hosts)


def host_allowed(header: str, hosts: frozenset[str]) -> bool:
    """Whether a Host header names the server: one of `hosts`, or, for a "*:port" entry, an
    IP address literal at that port (DNS rebinding needs a name; an address cannot be one)."""
    header = header.lower()
    if header in hosts and not header.startswith("*"):
        return True
    name, _, port = header.rpartition(":")
    if f"*:{port}" not in hosts:
        return False
    try:
        ipaddress.ip_address(name.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware: 421 for a foreign Host, 403 for a change without the token, and
    security headers on every answer."""

    def __init__(self, app, hosts: frozenset[str], token: str):
        self.app, self.hosts, self.token = app, hosts, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host", ""), self.hosts):
            return await _plain(send, 421, "This server answers only at its own address.")
        if scope["method"] not in SAFE_METHODS and not hmac.compare_digest(
                headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
            return await _plain(send, 403, "Missing or wrong token: reload the page.")

        async def secured(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      (b"content-security-policy", CSP.encode()),
                                      (b"x-content-type-options", b"nosniff"),
                                      (b"referrer-policy", b"no-referrer"),
                                      (b"cross-origin-resource-policy", b"same-origin")]
            await send(message)
        await self.app(scope, receive, secured)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def safe_file(root: Path, relative: str, suffixes: frozenset[str] | None = None) -> Path | None:
    """The file at `relative` under `root`, or None (a 404) for anything else: an absolute
    path, `..`, a hidden file, a suffix not in `suffixes`, a link leading out of `root`, a
    FIFO, a folder or a file that is not there. Read through the project's path gate."""
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    parts = PurePosixPath(relative)
    if parts.is_absolute() or any(part in ("..", ".", "") for part in relative.split("/")):
        return None
    if any(ignored(Path(part)) for part in parts.parts):
        return None
    if suffixes is not None and parts.suffix.lower() not in suffixes:
        return None
    try:
        return Gate((Path(root).resolve(),), limit_mb=1e6).check(Path(root) / relative)
    except (Refused, OSError, ValueError):
        return None
