"""QA gets what it approves: the install job's step, taken out of the generated workflow and run as the
runner runs it, installs exactly the built wheel — from a loopback package index (PEP 503) standing for
Test PyPI, or from the build — in a new virtual environment, checks its version, runs the smoke command,
and says so (and only so) in the job summary the `qa` reviewers read.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEMPLATE
from tests.workflows.runner import generate, load, run_step, step_env

WHEEL = "widgets-1.2.3rc1-py3-none-any.whl"


def make_wheel(path: Path, version: str = "1.2.3rc1", module_version: str | None = None) -> Path:
    """A pure-Python wheel of `widgets` (one module with ``__version__``)."""
    info = f"widgets-{version}.dist-info"
    files = {
        "widgets/__init__.py": f'__version__ = "{module_version or version}"\n',
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: widgets\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/top_level.txt": "widgets\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


class Index:
    """A PEP 503 simple index on 127.0.0.1 serving one wheel of `widgets` (pip trusts loopback)."""

    def __init__(self) -> None:
        self.wheel: Path | None = None
        self.asked: list[str] = []
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.asked.append(self.path)
                if self.path.rstrip("/") == "/simple/widgets" and index.wheel is not None:
                    digest = hashlib.sha256(index.wheel.read_bytes()).hexdigest()
                    body = (
                        f'<a href="/files/{index.wheel.name}#sha256={digest}">{index.wheel.name}</a>'.encode()
                    )
                    kind = "text/html"
                elif index.wheel is not None and self.path == f"/files/{index.wheel.name}":
                    body, kind = index.wheel.read_bytes(), "application/octet-stream"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"


@pytest.fixture
def index() -> Iterator[Index]:
    served = Index()
    yield served
    served.server.shutdown()


def install(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index: Index, source: str, smoke: str = ""
) -> tuple[int, str, str, dict[str, str]]:
    """Run the generated install step; exit code, output, summary, outputs."""
    code, out, err = generate(
        capsys, "release", str(TEMPLATE), *(["--smoke-command", smoke] if smoke else [])
    )
    assert code == 0, err
    [step] = [step for step in load(out)["jobs"]["install"]["steps"] if step.get("id") == "install"]
    env = step_env(
        step,
        {
            "${{ needs.build.outputs.project }}": "widgets",
            "${{ needs.build.outputs.version }}": "1.2.3rc1",
            step["env"]["SOURCE"]: source,
            step["env"]["INDEX_URL"]: index.url,
            step["env"]["DEPENDENCY_INDEX_URL"]: index.url,  # no dependency: never asked
        },
    )
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.write_text("")
    env |= {
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "ATTEMPTS": "2",
        "WAIT_SECONDS": "0.2",
    }
    done = run_step(step, tmp_path, env, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return (
        done.returncode,
        done.stdout + done.stderr,
        summary.read_text() if summary.exists() else "",
        outputs,
    )


def test_a_candidate_is_installed_from_the_index_and_qa_sees_the_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index: Index
) -> None:
    built = make_wheel(tmp_path / "dist" / WHEEL)
    index.wheel = make_wheel(tmp_path / "served" / WHEEL)  # the upload: the same bytes
    assert built.read_bytes() == index.wheel.read_bytes()
    code, printed, summary, outputs = install(
        capsys, tmp_path, index, "index", smoke="python -c 'import widgets'"
    )
    assert code == 0, printed
    assert outputs["installed"] == "1.2.3rc1"
    assert outputs["sha256"] == hashlib.sha256(built.read_bytes()).hexdigest()
    assert "| installed version | 1.2.3rc1 |" in summary
    assert f"| installed from | {index.url} (`{WHEEL}`, the file this run built) |" in summary
    assert "| imported | `widgets` (`__version__` 1.2.3rc1) |" in summary
    assert "| smoke command | `python -c 'import widgets'`: exit 0 |" in summary
    assert f"/files/{WHEEL}" in index.asked


def test_an_index_serving_other_bytes_stops_qa(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index: Index
) -> None:
    make_wheel(tmp_path / "dist" / WHEEL)
    index.wheel = make_wheel(tmp_path / "served" / WHEEL, module_version="1.2.3rc1 ")  # other bytes
    code, printed, summary, outputs = install(capsys, tmp_path, index, "index")
    assert code == 1
    assert f"::error::{index.url} serves {WHEEL}" in printed
    assert "not the wheel this run built" in printed
    assert "| **failed** |" in summary
    assert "installed version" not in summary  # nothing claimed that did not happen
    assert outputs == {}


def test_a_version_that_is_not_there_stops_qa(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index: Index
) -> None:
    make_wheel(tmp_path / "dist" / WHEEL)
    code, printed, _, _ = install(capsys, tmp_path, index, "index")  # the index has nothing
    assert code == 1
    assert "widgets==1.2.3rc1 could not be downloaded from" in printed


def test_a_final_without_candidate_installs_its_build_and_a_failing_smoke_test_stops_qa(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index: Index
) -> None:
    make_wheel(tmp_path / "dist" / WHEEL, module_version="1.2.2")
    code, printed, summary, _ = install(capsys, tmp_path, index, "artifact")
    assert code == 1
    assert "::error::widgets.__version__ is 1.2.2, not 1.2.3rc1" in printed
    (tmp_path / "dist" / WHEEL).unlink()
    make_wheel(tmp_path / "dist" / WHEEL)
    code, printed, summary, _ = install(capsys, tmp_path, index, "artifact", smoke="exit 3")
    assert code == 1
    assert "::error::the smoke command `exit 3` exited 3" in printed
    assert "this run's build" in summary
    assert index.asked == []  # a final is not looked for on Test PyPI
