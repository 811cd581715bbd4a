"""The release steps that talk HTTP, against hostile loopback servers: no token leaves for another host,
nothing crashes or hangs, and every unusable answer gives the step's documented fail-closed verdict.

The candidate check (which holds the job's token) and the index check are taken out of the generated
workflow and run as the runner runs them. A second server stands for "another host" and records whatever
reaches it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEMPLATE, TOKEN
from tests.workflows.runner import generate, load, run_step, step_env

Behaviour = Callable[[BaseHTTPRequestHandler, "Server"], None]
PRODUCTION = "a" * 40


class Server:
    """A loopback server answering every GET with ``behaviour``; records (path, Authorization)."""

    def __init__(self) -> None:
        self.behaviour: Behaviour = lambda handler, server: None
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Authorization", "")))
                try:
                    server.behaviour(self, server)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up, as it should

            def log_message(self, *_: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def hostile() -> Iterator[Server]:
    server = Server()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def elsewhere() -> Iterator[Server]:
    server = Server()
    server.behaviour = lambda handler, _: send(handler, 200, b"[]")
    yield server
    server.httpd.shutdown()


def send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(code: int, target: Callable[[Server], str]) -> Behaviour:
    def behaviour(handler: BaseHTTPRequestHandler, server: Server) -> None:
        send(handler, code, b"", {"Location": target(server)})

    return behaviour


def next_link(target: str) -> Behaviour:
    def behaviour(handler: BaseHTTPRequestHandler, server: Server) -> None:
        send(handler, 200, b'{"total_count": 0, "workflow_runs": []}', {"Link": f'<{target}>; rel="next"'})

    return behaviour


def body(text: bytes) -> Behaviour:
    return lambda handler, _: send(handler, 200, text)


def gigabytes(announce: bool) -> Behaviour:
    """A 1.2 GB body, announced by Content-Length or not (then delimited by closing the connection)."""

    def behaviour(handler: BaseHTTPRequestHandler, server: Server) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if announce:
            handler.send_header("Content-Length", str(1_200_000_000))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"[" + b" " * (1 << 20)
        for _ in range(1200):
            handler.wfile.write(chunk)
        handler.close_connection = True

    return behaviour


def trickle(headers_too: bool) -> Behaviour:
    """One byte a second: of the body, or of the status line and headers too."""

    def behaviour(handler: BaseHTTPRequestHandler, server: Server) -> None:
        payload = b'{"total_count": 0, "workflow_runs": []}'
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
        if not headers_too:
            handler.wfile.write(head)
            head = b""
        for byte in head + payload:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(1)

    return behaviour


HOSTILE: dict[str, tuple[Behaviour, str]] = {
    "302 to another host": (redirect(302, lambda s: "OTHER/steal"), "HTTP 302 redirect (not followed"),
    "307 to another host": (redirect(307, lambda s: "OTHER/steal"), "HTTP 307 redirect (not followed"),
    "301 on the same host": (redirect(301, lambda s: f"{s.base}/moved"), "HTTP 301 redirect (not followed"),
    "next page on another host": (next_link("OTHER/page2"), "next page is on another scheme or host"),
    "next page on another scheme": (next_link("https://127.0.0.1:1/page2"), "another scheme or host"),
    "Infinity": (body(b'{"total_count": 1, "workflow_runs": [{"id": Infinity}]}'), "not JSON (Infinity"),
    "NaN": (body(b'{"total_count": NaN, "workflow_runs": []}'), "not JSON (NaN"),
    "deep nesting": (body(b"[" * 100_000 + b"]" * 100_000), "JSON nested deeper than 64"),
    "a huge number": (body(b'{"workflow_runs": [], "total_count": ' + b"9" * 5000 + b"}"), "not JSON"),
    "not UTF-8": (body(b'{"workflow_runs": ["\xff"]}'), "not JSON"),
    "1.2 GB announced": (gigabytes(announce=True), "the answer announces 1200000000 bytes"),
    "1.2 GB unannounced": (gigabytes(announce=False), "the answer is larger than 16777216 bytes"),
    "a body trickled 1 byte/s": (trickle(headers_too=False), "no complete answer before the deadline"),
    "headers trickled 1 byte/s": (trickle(headers_too=True), "no complete answer before the deadline"),
    "a server error": (lambda handler, _: send(handler, 502, b"<html>bad gateway</html>"), "HTTP 502"),
}


def release_job(capsys: pytest.CaptureFixture[str], job: str) -> dict[str, Any]:
    code, out, err = generate(capsys, "release", str(TEMPLATE))
    assert code == 0, err
    found: dict[str, Any] = load(out)["jobs"][job]
    return found


def arm(hostile: Server, elsewhere: Server, behaviour: Behaviour) -> None:
    def armed(handler: BaseHTTPRequestHandler, server: Server) -> None:
        original = handler.send_header

        def rewrite(name: str, value: str) -> None:
            original(name, value.replace("OTHER", elsewhere.base))

        handler.send_header = rewrite  # type: ignore[method-assign,assignment]
        behaviour(handler, server)

    hostile.behaviour = armed


@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_candidate_check_fails_closed_and_keeps_its_token(
    capsys: pytest.CaptureFixture[str], hostile: Server, elsewhere: Server, tmp_path: Path, case: str
) -> None:
    behaviour, cause = HOSTILE[case]
    arm(hostile, elsewhere, behaviour)
    [step] = [step for step in release_job(capsys, "candidate")["steps"] if step.get("id") == "candidate"]
    output = tmp_path / "output"
    output.write_text("")
    env = step_env(
        step,
        {
            "${{ github.token }}": TOKEN,
            "${{ github.ref_name }}": "v1.2.3",
            "${{ needs.build.outputs.version_file }}": "",
        },
    )
    env |= {
        "GITHUB_API_URL": hostile.base,
        "GITHUB_REPOSITORY": "acme/widgets",
        "GITHUB_SHA": PRODUCTION,
        "GITHUB_WORKFLOW_REF": "acme/widgets/.github/workflows/release.yaml@refs/tags/v1.2.3",
        "GITHUB_OUTPUT": str(output),
        "REQUEST_SECONDS": "2",  # the per-request deadline (30 s in a run), short for the suite
    }
    started = time.monotonic()
    done = run_step(step, tmp_path, env, timeout=60)
    elapsed = time.monotonic() - started
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed  # a verdict, not a crash
    assert "Traceback" not in printed
    assert dict(line.split("=", 1) for line in output.read_text().splitlines())["approved"] == "false"
    [warning] = [line for line in printed.splitlines() if line.startswith("::warning::")]
    assert cause in warning
    assert warning.endswith("v1.2.3 passes qa and production-release itself")
    assert elapsed < 20
    assert elsewhere.requests == []  # nothing, and so no token, reached another host
    assert TOKEN not in printed


@pytest.mark.parametrize(
    ("case", "cause"),
    [
        ("302 to another host", "(HTTP 302 redirect, not followed)"),
        ("1.2 GB unannounced", "the answer is larger than 16777216 bytes"),
        ("a body trickled 1 byte/s", "s are over"),  # each attempt hit its deadline, then the step's
        ("Infinity", "already exists"),  # 200 means the version exists: the body does not matter
    ],
)
def test_the_index_check_stops_the_release_on_an_unusable_answer(
    capsys: pytest.CaptureFixture[str],
    hostile: Server,
    elsewhere: Server,
    tmp_path: Path,
    case: str,
    cause: str,
) -> None:
    behaviour, _ = HOSTILE[case]
    arm(hostile, elsewhere, behaviour)
    [step] = [step for step in release_job(capsys, "build")["steps"] if step.get("shell") == "python"][1:2]
    values = {
        "${{ steps.version.outputs.project }}": "demo",
        "${{ steps.version.outputs.version }}": "1.2.3",
        step["env"]["INDEX_URL"]: hostile.base,  # the expression choosing the index, as a variable could
    }
    env = step_env(step, values) | {"REQUEST_SECONDS": "2", "STEP_SECONDS": "6"}
    started = time.monotonic()
    done = run_step(step, tmp_path, env, timeout=60)
    printed = done.stdout + done.stderr
    assert done.returncode == 1
    assert "Traceback" not in printed
    [line] = printed.splitlines()
    assert line.startswith("::error::")
    assert cause in line
    assert time.monotonic() - started < 20
    assert elsewhere.requests == []
