"""The web app's trust boundary without a server: which file a request may have, which Host a
request may name, and which outputs a download may send (pamphlet/serve/guard.py, app.py).
tests/test_serve_http.py asks the same of a running server; these are fast enough for
mutation testing (bench/mutation.py serve/guard)."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from pamphlet.serve import app
from pamphlet.serve.guard import (CSP, Guard, host_allowed, is_loopback, new_token, safe_file,
                                  served_hosts)
from pamphlet.serve.jobs import Job

IMAGES = frozenset({".png", ".jpg"})


def run(coroutine):
    """asyncio.run in a thread of its own: the session's Playwright browser (conftest's
    `browser`, sync API) keeps an event loop running in the main thread, and asyncio.run there
    raises RuntimeError when a browser test ran earlier in the same worker (as under -n auto)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # raised again in the test's own thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def root(tmp_path) -> Path:
    """A project folder with images to serve, and much that must not be served."""
    project = tmp_path / "project"
    images = project / "source" / "images"
    images.mkdir(parents=True)
    (images / "dot.png").write_bytes(b"png")
    (images / "Photo.JPG").write_bytes(b"jpg")
    (images / "sub").mkdir()
    (images / "sub" / "deep.png").write_bytes(b"deep")
    (images / ".hidden.png").write_bytes(b"hidden")
    (images / "#autosave#.png").write_bytes(b"emacs")
    (images / "backup.png~").write_bytes(b"backup")
    (project / ".git" / "objects").mkdir(parents=True)
    (project / ".git" / "objects" / "secret.png").write_bytes(b"in a hidden folder")
    (images / ".cache").mkdir()
    (images / ".cache" / "thumb.png").write_bytes(b"in a hidden folder")
    (project / "notes.md").write_text("not an image")
    (images / "folder.png").mkdir()
    os.mkfifo(images / "pipe.png")
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"outside")
    (images / "out.png").symlink_to(outside)
    (images / "in.png").symlink_to(images / "dot.png")
    (images / "linked").symlink_to(tmp_path)
    return project


@pytest.mark.parametrize("relative, content", [
    ("source/images/dot.png", b"png"), ("source/images/Photo.JPG", b"jpg"),
    ("source/images/sub/deep.png", b"deep"), ("source/images/in.png", b"png")])
def test_a_file_inside_with_a_served_suffix_is_sent(root, relative, content):
    found = safe_file(root, relative, IMAGES)
    assert found is not None and found.read_bytes() == content


@pytest.mark.parametrize("relative", [
    "source/images/.hidden.png", "source/images/#autosave#.png", "source/images/backup.png~",
    ".git/objects/secret.png", "source/images/.cache/thumb.png",  # a hidden folder, any depth
    "notes.md", "source/images/folder.png", "source/images/pipe.png", "source/images/none.png",
    "source/images/out.png", "source/images/linked/outside.png",
    "../outside.png", "source/../../outside.png", "source/images/../images/dot.png",
    "source/./images/dot.png", "source//images/dot.png", "/etc/passwd.png",
    "source\\images\\dot.png", "source/images/dot.png\x00.png", "", "source/images/"])
def test_anything_else_is_no_file(root, relative):
    assert safe_file(root, relative, IMAGES) is None


def test_a_backslash_is_no_file_even_where_one_is_named_so(root):
    """On POSIX a backslash is a letter of a name, elsewhere a folder's end: never sent."""
    (root / "source" / "images" / "a\\b.png").write_bytes(b"png")
    assert safe_file(root, "source/images/a\\b.png", IMAGES) is None


def test_a_large_output_is_sent_whatever_its_size(root):
    """Downloads are the build's own outputs: no size limit, unlike a file a build reads."""
    from pamphlet.store.paths import DEFAULT_LIMIT_MB

    large = root / "book.png"
    with open(large, "wb") as stream:  # sparse: it takes no room on the disk
        stream.truncate(int(DEFAULT_LIMIT_MB * 1_000_000) * 3)
    assert safe_file(root, "book.png", IMAGES) == large.resolve()


def test_without_suffixes_any_plain_file_inside_is_sent_but_never_a_hidden_one(root):
    assert safe_file(root, "notes.md").read_text() == "not an image"
    assert safe_file(root, ".git/objects/secret.png") is None


# -- the Host header ---------------------------------------------------------------------------

def test_the_loopback_address_answers_to_its_own_names_and_no_other():
    hosts = served_hosts("127.0.0.1", 8765)
    assert hosts == {"127.0.0.1:8765", "localhost:8765"}
    for header in ("127.0.0.1:8765", "LOCALHOST:8765"):
        assert host_allowed(header, hosts), header
    for header in ("127.0.0.1:8766", "evil.example:8765", "localhost", "", "127.0.0.1",
                   "localhost.:8765", "[::1]:8765"):
        assert not host_allowed(header, hosts), header


def test_an_ipv6_address_is_named_in_brackets():
    assert served_hosts("::1", 80) == {"[::1]:80", "localhost:80", "127.0.0.1:80"}
    assert served_hosts("192.168.1.5", 80) == {"192.168.1.5:80"}


def test_a_wildcard_host_answers_any_address_at_its_port_but_no_name():
    assert served_hosts("0.0.0.0", 8000) == {"0.0.0.0:8000", "*:8000", "localhost:8000"}
    assert served_hosts("::", 8000) == {"[::]:8000", "*:8000", "localhost:8000"}
    assert host_allowed("[fe80::1]:8000", served_hosts("::", 8000))
    hosts = served_hosts("0.0.0.0", 8000)
    for header in ("192.168.1.5:8000", "[fe80::1]:8000", "localhost:8000", "0.0.0.0:8000"):
        assert host_allowed(header, hosts), header
    for header in ("evil.example:8000", "192.168.1.5:8001", "*:8000", "192.168.1.5.nip.io:8000"):
        assert not host_allowed(header, hosts), header


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("192.168.1.5", False), ("localhost.evil", False),
    ("evil", False)])
def test_loopback_is_this_machine_only(host, loopback):
    assert is_loopback(host) is loopback


# -- downloads ---------------------------------------------------------------------------------

def download(jobs: dict, job: int, name: str):
    state = SimpleNamespace(builds=SimpleNamespace(jobs=jobs))
    request = SimpleNamespace(path_params={"job": job, "name": name})
    return run(app._download(state, request))


def test_a_download_is_only_an_output_of_the_job_named(tmp_path):
    """The output folder is shared: another spec's outputs and the cache record are in it."""
    for name in ("book.pdf", "book.epub", "other.pdf", ".pamphlet-cache.json", "notes.txt"):
        (tmp_path / name).write_text(name)
    done = Job(1, "pamphlet.toml", "done", result={"outputs": ["book.pdf", "book.epub",
                                                                 "notes.txt"]},
               out=str(tmp_path))
    running = Job(2, "pamphlet.toml", "building", out=str(tmp_path))
    jobs = {1: done, 2: running}
    answer = download(jobs, 1, "book.pdf")
    assert answer.status_code == 200 and Path(answer.path) == tmp_path / "book.pdf"
    assert 'filename="book.pdf"' in answer.headers["content-disposition"]
    for job, name in [(1, "other.pdf"), (1, ".pamphlet-cache.json"), (1, "notes.txt"),
                      (2, "book.pdf"), (3, "book.pdf"), (1, "missing.pdf")]:
        assert download(jobs, job, name).status_code == 404, (job, name)


# -- the middleware ----------------------------------------------------------------------------

TOKEN = "t0ken"
HOSTS = served_hosts("127.0.0.1", 8765)


def through_guard(method: str = "GET", headers: dict | None = None, kind: str = "http",
                  own_headers: bool = True):
    """What the Guard sends for one request, and whether the app behind it was reached (with
    the request's own scope and receive)."""
    sent, reached = [], []

    async def receive():
        return {"type": "http.request"}

    async def behind(scope_seen, receive_seen, send):
        assert scope_seen is scope and receive_seen is receive
        reached.append(True)
        start = {"type": "http.response.start", "status": 200}
        if own_headers:
            start["headers"] = [(b"content-type", b"text/html")]
        await send(start)
        await send({"type": "http.response.body", "body": b"page"})

    async def send(message):
        sent.append(message)

    headers = {"host": "127.0.0.1:8765", **(headers or {})}
    scope = {"type": kind, "method": method,
             "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
                         if v is not None]}
    run(Guard(behind, HOSTS, TOKEN)(scope, receive, send))
    return sent, bool(reached)


def test_a_foreign_host_gets_421_and_never_reaches_the_app():
    for host in ("evil.example:8765", "127.0.0.1:1", ""):
        sent, reached = through_guard(headers={"host": host})
        body = b"This server answers only at its own address."
        assert not reached and sent == [
            {"type": "http.response.start", "status": 421,
             "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                         (b"content-length", str(len(body)).encode())]},
            {"type": "http.response.body", "body": body}], host
    assert through_guard(headers={"host": "LOCALHOST:8765"})[1]
    sent, reached = through_guard(headers={"host": None})  # no Host header at all
    assert not reached and sent[0]["status"] == 421


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_a_change_needs_the_token(method):
    for headers in ({}, {"x-pamphlet-token": "wrong"}, {"x-pamphlet-token": TOKEN + "x"},
                    {"x-pamphlet-token": ""}):
        sent, reached = through_guard(method, headers)
        assert not reached and sent[0]["status"] == 403, headers
        assert sent[1]["body"] == b"Missing or wrong token: reload the page."
    assert through_guard(method, {"X-Pamphlet-Token": TOKEN})[1]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reading_needs_no_token(method):
    assert through_guard(method)[1]


def test_every_answer_carries_the_security_headers_beside_the_apps_own():
    sent, reached = through_guard()
    assert reached and sent[0]["status"] == 200 and sent[1]["body"] == b"page"
    assert sent[0]["headers"] == [
        (b"content-type", b"text/html"),
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-resource-policy", b"same-origin")]
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    sent, reached = through_guard(own_headers=False)  # an answer with no headers of its own
    assert reached and [name for name, _ in sent[0]["headers"]] == [
        b"content-security-policy", b"x-content-type-options", b"referrer-policy",
        b"cross-origin-resource-policy"]


def test_what_is_not_a_request_passes_untouched():
    sent, reached = through_guard(headers={"host": "evil.example"}, kind="lifespan")
    assert reached and sent[0]["headers"] == [(b"content-type", b"text/html")]


def test_each_run_has_a_token_of_its_own_hard_to_guess():
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20 and all(len(token) >= 40 for token in tokens)
