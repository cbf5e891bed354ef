"""`pamphlet serve` over plain HTTP: the real app under uvicorn on a free port, driven with
httpx. Host check (DNS rebinding), CSRF token, files only from where they may come, builds in
workers (serialised per spec, stopped at their time limit while the server answers), saving
(never over a changed file, never outside the specs' places) and the command's start."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import REPO, copy_project
from pamphlet.cli import main

sys.path.insert(0, str(REPO / "bench"))
from corpus import essay_text  # noqa: E402

TOKEN = "test-token"


class Served:
    """A project served by the real app under uvicorn in a thread."""

    def __init__(self, root: Path, port: int, server, thread):
        self.root, self.port, self.server, self.thread = root, port, server, thread
        self.url = f"http://127.0.0.1:{port}"
        self.client = httpx.Client(base_url=self.url, timeout=60)

    def post(self, path: str, data: dict, token: str | None = TOKEN) -> httpx.Response:
        headers = {"x-pamphlet-token": token} if token is not None else {}
        return self.client.post(path, json=data, headers=headers)

    def open(self, spec: str) -> dict:
        return self.client.get("/api/spec", params={"spec": spec}).json()

    def build(self, spec: str, form: dict, version: str = "") -> dict:
        return self.post("/api/build", {"spec": spec, "version": version, "form": form}).json()

    def wait(self, job: int, limit: float = 600) -> dict:  # a hang, not a loaded machine
        end = time.time() + limit
        while time.time() < end:
            answer = self.client.get(f"/api/job/{job}").json()
            if answer["state"] in ("done", "failed"):
                return answer
            time.sleep(0.1)
        raise AssertionError(f"job {job} did not finish")


@contextlib.contextmanager
def serving(root: Path, workers: int = 1, watching: bool = True):
    """Serve `root` on a free port until the block ends."""
    import uvicorn

    from pamphlet.serve import bind
    from pamphlet.serve.app import create_app

    sock, port = bind("127.0.0.1", free_port())
    app = create_app(root, "127.0.0.1", port, token=TOKEN, workers=workers, watching=watching)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    served = Served(root, port, server, thread)
    try:
        yield served
    finally:
        served.client.close()
        server.should_exit = True
        thread.join(20)
        sock.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """tests/projects/library, with 30 long essays and a packet of them that must stop after
    two seconds, served with two workers."""
    root = copy_project("library", tmp_path_factory.mktemp("serve"))
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "dot.png").write_bytes(_PNG)
    slugs = []
    for number in range(1, 31):
        slug = f"long-{number:02d}"
        (root / "source" / f"{slug}.md").write_text(essay_text(number, 2500), "utf-8")
        slugs.append(slug)
    (root / "packets" / "slow.toml").write_text(
        f'title = "Slow"\nessays = {slugs!r}\n\n[pdf]\ntime_limit = 2\n'.replace("'", '"'))
    with serving(root, workers=2) as server:
        yield server


_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


# --- the Host header ----------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1",
                                  "127.0.0.1.evil.example:{port}", "", "localhost.:{port}",
                                  "[::1]:{port}", "127.0.0.1:{port}.evil"])
def test_a_foreign_host_is_misdirected(served, host):
    for path, method in (("/", "GET"), ("/api/save", "POST"), ("/events", "GET")):
        answer = served.client.request(method, path, headers={
            "host": host.format(port=served.port), "x-pamphlet-token": TOKEN})
        assert answer.status_code == 421, (host, path)
        assert "pamphlet" not in answer.text.lower()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_served_address_is_answered(served, host):
    answer = served.client.get("/", headers={"host": host.format(port=served.port)})
    assert answer.status_code == 200
    assert "Library" in answer.text
    assert "default-src 'self'" in answer.headers["content-security-policy"]


# --- the CSRF token -----------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN[:-1]])
@pytest.mark.parametrize("path", ["/api/save", "/api/build", "/api/estimate"])
def test_a_change_without_the_token_is_forbidden(served, token, path):
    spec = served.root / "pamphlet.toml"
    before = spec.read_bytes()
    opened = served.open("pamphlet.toml")
    answer = served.post(path, {"spec": "pamphlet.toml", "version": opened["version"],
                                "form": {"title": "Taken over"}}, token=token)
    assert answer.status_code == 403
    assert spec.read_bytes() == before
    assert not (served.root / "build" / ".serve" / "drafts" / "pamphlet.toml").exists()


def test_the_token_is_in_every_page_and_only_post_needs_it(served):
    for path in ("/", "/builder", "/essay/quiet-hours"):
        page = served.client.get(path)
        assert page.status_code == 200
        assert f'<meta name="pamphlet-token" content="{TOKEN}">' in page.text
    assert served.client.put("/api/save", headers={"x-pamphlet-token": ""}).status_code == 403


# --- files --------------------------------------------------------------------------------

def test_files_come_only_from_assets_outputs_and_project_images(served, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(_PNG + b"secret")
    images = served.root / "source" / "images"
    with contextlib.suppress(FileExistsError):
        (images / "out.png").symlink_to(outside)
        (images / "etc.png").symlink_to("/etc/passwd")
        (images / "folder.png").symlink_to(tmp_path)
        (images / "inside.png").symlink_to(images / "dot.png")
        os.mkfifo(images / "pipe.png")
    assert served.client.get("/static/app.css").status_code == 200
    assert served.client.get("/files/source/images/dot.png").content == _PNG
    assert served.client.get("/files/source/images/inside.png").content == _PNG
    refused = [
        "/files/source/images/out.png", "/files/source/images/etc.png",
        "/files/source/images/folder.png", "/files/source/images/pipe.png",
        "/files/pamphlet.toml", "/files/source/quiet-hours.md", "/files/source/images/none.png",
        "/files/..%2f..%2f..%2fetc%2fpasswd", "/files/%2e%2e/%2e%2e/secret.png",
        "/files/source/images/%2e%2e/%2e%2e/pamphlet.toml", "/files//etc/passwd",
        "/files/source/images/%2e%2e/images/dot.png", "/files/source/%2e/images/dot.png",
        "/files/%2fetc%2fpasswd", "/files/source%5c..%5cpamphlet.toml",
        "/files/source/images/dot.png%00.png", "/files/.git/config.png",
        "/static/..%2fapp.py", "/static/%2e%2e/guard.py", "/static/../../cli.py",
        "/static/templates/base.html", "/preview/..%2f..%2f..%2fpamphlet.toml",
        "/preview/%2e%2e%2fdrafts.json", "/preview/..%2fpreviews%2fx.json", "/preview/x.png", "/out/1/..%2f..%2fpamphlet.toml", "/out/999/x.pdf",
        "/essay/..%2fpamphlet", "/essay/nothing-here", "/builder?spec=../pamphlet.toml",
        "/builder?spec=source/quiet-hours.md", "/api/spec?spec=/etc/passwd",
    ]
    for path in refused:
        answer = served.client.get(path)
        assert answer.status_code == 404, path
        assert b"secret" not in answer.content and b"root:" not in answer.content, path


def test_a_save_goes_only_to_a_spec_place(served):
    for place in ("source/evil.toml", "packets/../layouts/evil.toml", "build/evil.toml",
                  "packets/.hidden.toml", "packets/evil.md", "../evil.toml", "/tmp/evil.toml"):
        answer = served.post("/api/save", {"spec": "", "version": "", "path": place,
                                           "form": {"title": "Evil", "essays": ["quiet-hours"]}})
        codes = [d["code"] for d in answer.json().get("diagnostics", [])] \
            if answer.status_code == 200 else []
        assert answer.status_code == 400 or "V141" in codes, (place, answer.text)
        assert not answer.json().get("saved"), place
    for place in ("../evil.toml", "/tmp/evil.toml", "packets/../../evil.toml"):
        for path in ("/api/build", "/api/estimate"):
            answer = served.post(path, {"spec": "", "version": "", "path": place,
                                        "form": {"title": "Evil", "essays": ["quiet-hours"]}})
            assert answer.status_code == 400, (place, path)
    assert not list(served.root.rglob("evil*")) and not Path("/tmp/evil.toml").exists()


def test_saving_over_a_spec_changed_on_disk_is_refused(served):
    spec = served.root / "packets" / "excerpt.toml"
    opened = served.open("packets/excerpt.toml")
    spec.write_text(spec.read_text() + "# edited by hand\n")
    changed = spec.read_bytes()
    answer = served.post("/api/save", {"spec": "packets/excerpt.toml",
                                       "version": opened["version"], "form": {"title": "New"}})
    assert answer.json()["saved"] is False
    assert [d["code"] for d in answer.json()["diagnostics"]] == ["V140"]
    assert spec.read_bytes() == changed


def test_form_input_goes_through_the_spec_checks_and_the_sanitiser(served):
    form = {"title": "Packet", "essays": ["quiet-hours", "no-such-essay"],
            "event.name": "<img src=x onerror=alert(1)>Readers",
            "essay.quiet-hours.intro": "<script>alert(1)</script>Read *this*",
            "print.scheme": "folded-swan", "page_size": "B7"}
    answer = served.post("/api/estimate", {"spec": "", "version": "", "form": form,
                                           "path": "packets/checked.toml"}).json()
    assert sorted(d["code"] for d in answer["diagnostics"]) == ["P106", "P106"]
    assert all(d["path"] == "packets/checked.toml" and d["line"] for d in answer["diagnostics"])
    answer = served.post("/api/estimate", {"spec": "", "version": "", "path": "packets/x.toml",
                                           "form": {**form, "print.scheme": "saddle",
                                                    "page_size": "A5"}}).json()
    [missing] = [d for d in answer["diagnostics"] if d["code"] == "P104"]
    assert missing["path"] == "packets/x.toml" and missing["line"] == 3, missing  # after title, page_size
    job = served.build("", {**form, "essays": ["quiet-hours"], "print.scheme": "saddle",
                            "page_size": "A5"})
    done = served.wait(job["id"])
    assert done["state"] == "done", done["diagnostics"]
    assert "M305" in [d["code"] for d in done["diagnostics"]]
    # A new packet is named from its title ("Packet"), as Save as would name it.
    draft = served.root / "build" / ".serve" / "drafts" / "packets--packet.toml"
    assert not (served.root / "packets" / "packet.toml").exists()  # a build saves nothing
    assert "<script>" in next(draft.glob("*.toml")).read_text()  # kept as typed, as on disk
    epub = (draft / "out" / "packet.epub").read_bytes()
    assert b"<script" not in epub and b"onerror" not in epub


# --- builds -------------------------------------------------------------------------------

def test_two_builds_of_one_spec_never_run_at_once(served):
    opened = served.open("packets/printing.toml")
    form = {"title": "On Printing, serialised", "print.scheme": "saddle"}
    jobs = [served.build("packets/printing.toml", form, opened["version"]) for _ in range(3)]
    done = [served.wait(job["id"]) for job in jobs]
    assert all(job["state"] == "done" for job in done), [j["diagnostics"] for j in done]
    spans = sorted((job["started"], job["finished"]) for job in done)
    for (_, first_end), (second_start, _) in zip(spans, spans[1:]):
        assert second_start >= first_end, spans
    assert [job["cached"] for job in done].count(False) == 1  # the others found it current


def test_a_build_past_its_time_limit_is_stopped_while_the_server_answers(served):
    opened = served.open("packets/slow.toml")
    # A draft (the title is changed): its diagnostics name the spec the page edits.
    job = served.build("packets/slow.toml", {"title": "Slow draft"}, opened["version"])
    assert job["state"] in ("queued", "building")
    # The server answers while the build runs (in a worker, not on the event loop): several
    # answers come while the job is still building. Not how fast they come: load changes that.
    answered, state = [], job["state"]
    while state in ("queued", "building"):
        state = served.client.get(f"/api/job/{job['id']}").json()["state"]
        assert served.client.get("/static/app.css").status_code == 200
        answered.append(state)
    assert answered.count("building") >= 2, answered
    done = served.wait(job["id"])
    assert done["state"] == "failed"
    [stopped] = [d for d in done["diagnostics"] if d["code"] == "O504"]
    assert stopped["path"] == "packets/slow.toml" and stopped["line"] == 5, stopped
    assert not (served.root / "build" / "slow.pdf").exists()
    assert served.client.get("/").status_code == 200


def test_an_estimate_past_its_deadline_is_stopped_while_the_server_answers(tmp_path):
    """Essays too large to count at once (linear work, only huge) and a packet of them with a
    1 s limit: the form's checks and its estimate run in a worker process and end at their
    deadline, saying so; meanwhile the server answers every other request within a second."""
    root = copy_project("library", tmp_path)
    slugs = [f"huge-{number}" for number in range(4)]
    for slug in slugs:  # each some 7 MB, under the 8 MB an essay may have (E218)
        (root / "source" / f"{slug}.md").write_text(f"---\ntitle: {slug}\n---\n"
                                                    + "word ![ " * 900_000)
    (root / "packets" / "huge.toml").write_text(
        f'title = "Huge"\nessays = {slugs!r}\n\n[pdf]\ntime_limit = 1\n'.replace("'", '"'))
    with serving(root, watching=False) as served:
        version = served.open("packets/huge.toml")["version"]
        answers = []
        asking = threading.Thread(target=lambda: answers.append(httpx.post(
            f"{served.url}/api/estimate", headers={"x-pamphlet-token": TOKEN}, timeout=120,
            json={"spec": "packets/huge.toml", "version": version, "path": "",
                  "form": {"title": "Huge", "essays": slugs}})))
        asking.start()
        waits = []
        while asking.is_alive():
            start = time.monotonic()
            assert served.client.get("/static/app.css").status_code == 200
            waits.append(time.monotonic() - start)
            time.sleep(0.05)
    # Answered as quickly as ever (a loaded machine may hold one request a moment, so the
    # median says it); an estimate run in the server's own process held them for seconds.
    assert len(waits) >= 5 and statistics.median(waits) < 0.25 and max(waits) < 3, waits
    answer = answers[0].json()
    assert answer["estimate"] is None and "took longer than 1 s" in answer["text"], answer
    stopped = [d for d in answer["diagnostics"] if d["code"] == "S909"]
    assert [d["message"].split(" took")[0] for d in stopped] == ["checking the spec",
                                                                 "the estimate"], stopped
    assert all(d["path"] == "packets/huge.toml" and d["line"] == 5 for d in stopped), stopped


def test_a_build_shows_its_diagnostics_with_file_and_line(served):
    opened = served.open("packets/excerpt.toml")
    job = served.build("packets/excerpt.toml", {"title": "Excerpts", "essays": [
        "quiet-hours", "ink-and-toner"], "essay.ink-and-toner.sections": ["No such part"]},
        opened["version"])
    done = served.wait(job["id"])
    assert done["state"] == "failed"
    [missing] = [d for d in done["diagnostics"] if d["code"] == "P115"]
    assert missing["path"] == "packets/excerpt.toml" and missing["line"], missing


# --- the command --------------------------------------------------------------------------

def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pamphlet", "serve", "--no-open", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    process.terminate()
    out, err = process.communicate(timeout=120)
    return out, err


def test_serve_prints_its_address_first_and_takes_the_next_free_port(tmp_path):
    root = copy_project("library", tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _start(str(root), "--port", str(port))
        first, second = process.stdout.readline(), process.stdout.readline()
        try:
            assert first.startswith("serving ") and first.rstrip().endswith(
                f"at http://127.0.0.1:{port + 1}/"), first
            assert f"port {port} was taken" in second
            page = httpx.get(f"http://127.0.0.1:{port + 1}/", timeout=30)
            assert page.status_code == 200 and "A Stapler of One" in page.text
        finally:
            out, err = _stop(process)
    assert "Traceback" not in err


def test_a_wildcard_host_answers_its_addresses_but_no_name():
    from pamphlet.serve.guard import host_allowed, served_hosts

    anywhere, here = served_hosts("0.0.0.0", 8765), served_hosts("127.0.0.1", 8765)
    for header in ("192.168.1.20:8765", "[fe80::1]:8765", "localhost:8765", "0.0.0.0:8765"):
        assert host_allowed(header, anywhere), header
    for header in ("evil.example:8765", "192.168.1.20:8766", "192.168.1.20", "1.2.3:8765",
                   "*:8765", ":8765"):
        assert not host_allowed(header, anywhere), header
    assert not host_allowed("192.168.1.20:8765", here)
    assert host_allowed("127.0.0.1:8765", here) and host_allowed("LocalHost:8765", here)


def test_serve_warns_when_it_is_reachable_from_other_machines(tmp_path):
    root = copy_project("library", tmp_path)
    process = _start(str(root), "--host", "0.0.0.0", "--port", str(free_port()))
    first = process.stdout.readline()
    time.sleep(0.5)
    out, err = _stop(process)
    assert first.startswith("serving ") and "http://0.0.0.0:" in first
    assert "V102 warning: serving on 0.0.0.0" in err


def test_serve_refuses_a_folder_that_is_no_project(tmp_path, capsys):
    assert main(["serve", str(tmp_path), "--no-open"]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}: V103 " in err and "Traceback" not in err


# --- live preview: which specs a change rebuilds -----------------------------------------

@pytest.mark.parametrize("paths, rebuilt", [
    (["source/quiet-hours.md"], True),  # an essay it selects
    (["source/zines-at-school.md"], False),  # one it does not
    (["source/gone.md"], True),  # one it selected, and no longer does
    (["source/new.md"], True),  # one it selects now, and did not
    (["source/images/fold.png"], True),  # an image: any essay may show it
    (["source/quiet-hours/figure.svg"], True),
    (["layouts/zine/custom.css"], True),
    (["packets/groups.toml"], True),  # its own file
    (["packets/other.toml"], False),  # another spec
    (["pamphlet.toml"], False),
    (["packets/groups-intro.md"], True),  # an intro file beside the specs
])
def test_only_the_specs_a_change_affects_are_rebuilt(paths, rebuilt):
    from pamphlet.serve.live import affects

    before = frozenset({"quiet-hours", "gone"})
    after = frozenset({"quiet-hours", "new"})
    assert affects(paths, "packets/groups.toml", before, after) is rebuilt
    assert affects(paths, "packets/groups.toml", None, after) is True  # a broken spec


def test_the_watcher_sees_the_inputs_and_not_the_outputs(tmp_path):
    from pamphlet.serve.live import watched

    keep = watched(tmp_path)
    for name, kept in [("source/a.md", True), ("source/images/a.png", True),
                       ("layouts/zine/custom.css", True), ("packets/a.toml", True),
                       ("pamphlet.toml", True), ("build/a.pdf", False),
                       ("build/.serve/previews/x/page-001.png", False),
                       ("source/.a.md.swp", False), ("source/#a.md#", False),
                       ("source/a.md~", False), (".git/index", False), ("notes.txt", False)]:
        assert keep(None, str(tmp_path / name)) is kept, name
    assert keep(None, "/etc/passwd") is False


def test_the_first_pages_are_shown_first_and_then_every_page(served):
    job = served.build("", {"title": "Long", "essays": [f"long-{n:02d}" for n in range(1, 5)]})
    done = served.wait(job["id"])
    assert done["state"] == "done", done["diagnostics"]
    first = done["preview_index"]
    assert first["total_pages"] == done["pages"] > 24
    end = time.time() + 600  # a hang, not a loaded machine
    while not served.client.get(f"/api/job/{job['id']}").json()["preview_index"]["complete"]:
        assert time.time() < end
        time.sleep(0.1)
    index = served.client.get(f"/preview/{done['preview']}.json").json()
    assert len(index["pages"]) == done["pages"] and index["complete"]
    assert all(page.startswith("data:image/png;base64,iVBOR") for page in index["pages"])


def test_a_worker_that_dies_is_reported_and_replaced(served):
    builds = served.server.config.app.app.state.serve.builds
    job = served.build("", {"title": "Doomed", "essays": [f"long-{n:02d}" for n in range(1, 16)]})
    end = time.time() + 600  # a hang, not a loaded machine
    while served.client.get(f"/api/job/{job['id']}").json()["state"] != "building":
        assert time.time() < end
        time.sleep(0.05)
    time.sleep(0.5)
    for process in list(builds.pool._processes.values()):
        process.kill()
    done = served.wait(job["id"])
    assert done["state"] == "failed"
    assert [d["code"] for d in done["diagnostics"]] == ["O511"]
    assert served.client.get("/").status_code == 200
    again = served.wait(served.build("", {"title": "After", "essays": ["quiet-hours"]})["id"])
    assert again["state"] == "done", again["diagnostics"]
