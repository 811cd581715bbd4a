"""Render at scale: forked workers, no stack capture, byte-stable streamed output, errors as in one run."""

from __future__ import annotations

import contextlib
import importlib.metadata
import inspect
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_github as github
import pytest
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime.mocks import MockResourceArgs

from bench.policies import policy_text
from repoconf.cli.main import main
from repoconf.concepts.content import expected_content
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.program.errors import ProgramError
from repoconf.program.secrets import StackSecrets
from repoconf.render import run
from repoconf.render.formats import FORMATS, _lookups, _options
from repoconf.render.mocks import RecordingMonitor, RenderMocks
from repoconf.render.run import Rendering, RenderWorkerError, render
from tests.conftest import shipped_resources
from tests.program.test_lookups import GitHubWithout

SMALL = (
    "version: 1\nowner: acme\nrepositories:\n"
    "  r0: {}\n  r1: {}\n  r2: {}\n"
    "  r3: {secrets: {TOKEN: {env: MISSING_TOKEN}}}\n"
    "  r4: {}\n"
    "  r5: {environments: {qa: {reviewers: {users: [ghost]}}}}\n"
    "  r6: {}\n"
    "  r7: {environments: {qa: {reviewers: {users: [alice, phantom]}}}}\n"
)
"""Eight repositories of one resource each: ``batch_size=2`` makes four slices. r3 (slice 1) has a secret
without a value at deploy time; r5 (slice 2) and r7 (slice 3) name users GitHub does not know."""


def in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render as a platform without ``fork`` does: every slice in this process, one after another."""
    monkeypatch.delattr(os, "fork", raising=False)


def json_text(rendering: Rendering) -> str:
    return "".join(FORMATS["json"](rendering))


class StackRecorder(RecordingMonitor):
    """Keeps what each registration carried of the SDK's stack capture."""

    def __init__(self, mocks: RenderMocks) -> None:
        super().__init__(mocks)
        self.frames: list[int] = []
        self.positions: list[bool] = []

    def RegisterResource(self, request: Any) -> Any:
        self.frames.append(len(request.stackTrace.frames))
        self.positions.append(request.HasField("sourcePosition"))
        return super().RegisterResource(request)


def _one_variable() -> None:
    github.ActionsVariable("w/variable/X", repository="w", variable_name="X", value="1")


STACK_TRACES_SINCE = (3, 195)
"""The SDK sends a whole stack trace with every registration since pulumi v3.195.0 (pulumi/pulumi
cb6c33b51e, "[engine/sdk] Add support for resource stack traces (#20430)"); before, only a source
position taken from a 7-frame stack."""


def _sdk_version() -> tuple[int, int]:
    major, minor = importlib.metadata.version("pulumi").split(".")[:2]
    return int(major), int(minor)


def test_the_sdk_captures_stacks_and_render_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    if _sdk_version() < STACK_TRACES_SINCE:  # the dependency floor: nothing to turn off there
        assert not hasattr(pulumi_resource, "_get_stack_trace")
        assert "extract_stack(limit=7)" in inspect.getsource(pulumi_resource)
        return
    # The SDK looks the capture up by its module-level name on every registration: swapping that name
    # is what turns it off. If pulumi renames it or stops calling it this way, this fails.
    assert "_get_stack_trace()" in inspect.getsource(pulumi_resource.register_resource)
    assert callable(pulumi_resource._get_stack_trace)
    mocks = RenderMocks()
    captured = StackRecorder(mocks)
    monkeypatch.setattr(run, "_stack_capture_off", contextlib.nullcontext)
    run.run_under_mocks(_one_variable, mocks, monitor=captured)
    monkeypatch.undo()
    assert captured.frames
    assert all(captured.frames), "the SDK no longer sends a stack trace under mocks"
    assert all(captured.positions)
    skipped = StackRecorder(mocks)
    run.run_under_mocks(_one_variable, mocks, monitor=skipped)
    assert skipped.frames
    assert not any(skipped.frames)
    assert not any(skipped.positions)
    assert pulumi_resource._get_stack_trace is not run._no_stack_trace  # restored afterwards


def test_streamed_json_is_the_whole_document_as_json_dumps_prints_it() -> None:
    loaded = load_text(policy_text(25), "p.yaml")
    with render(loaded, batch_size=10) as rendering:
        assert len(rendering.parts) > 3  # the provider, then the slices read back from the spool
        document = {
            "resources": [
                {
                    "type": d.type,
                    "name": d.name,
                    "parent": d.parent,
                    "inputs": d.inputs,
                    "options": _options(d),
                }
                for d in rendering.declarations
            ],
            "summary": {
                "repositories": 25,
                "resources": shipped_resources(25),
                "lookups": _lookups(rendering),
            },
            "content": {name: expected_content(s) for name, s in loaded.policy.repositories.items()},
        }
        assert json_text(rendering) == json.dumps(document, indent=2) + "\n"
        assert list(json.loads(json_text(rendering))["content"]) == list(loaded.policy.repositories)


def test_slicing_workers_and_processes_do_not_change_a_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_text(policy_text(7), "p.yaml")
    texts = {}
    for label, options in {
        "one slice": {},
        "slices of 1, 2 workers": {"batch_size": 1, "workers": 2},
        "slices of 3, 1 worker": {"batch_size": 3, "workers": 1},
    }.items():
        with render(loaded, **options) as rendering:  # type: ignore[arg-type]
            texts[label] = {name: "".join(f(rendering)) for name, f in FORMATS.items()}
    assert texts["slices of 1, 2 workers"] == texts["one slice"] == texts["slices of 3, 1 worker"]
    names = [r["name"] for r in json.loads(texts["one slice"]["json"])["resources"]]
    assert names[0] == "github"
    assert names[1:] == sorted(names[1:], key=lambda n: (n.split("/", 1)[0], n))

    # Registration order differs with the slicing (each slice registers its components first); the
    # output does not. Seen in one process, where the registrations can be observed.
    in_one_process(monkeypatch)
    orders = []
    for batch_size in (100, 1):
        mocks = OrderRecorder()
        with render(loaded, mocks=mocks, batch_size=batch_size) as rendering:
            assert "".join(FORMATS["json"](rendering)) == texts["one slice"]["json"]
        orders.append(mocks.order)
    assert orders[0] != orders[1]
    assert sorted(orders[0]) == sorted(set(orders[1]))


class OrderRecorder(RenderMocks):
    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.name not in self.order:  # the provider registers once per slice
            self.order.append(args.name)
        return super().new_resource(args)


def test_two_processes_print_the_same_bytes(tmp_path: Path) -> None:
    # Protobuf Struct keys come back in an order that varies with the hash seed: before the keys were
    # sorted, two runs of this printed different inputs. Enough repositories for two slices (workers).
    size = run.SLICE_RESOURCES // (shipped_resources(2) - shipped_resources(1)) + 5
    policy = tmp_path / "p.yaml"
    policy.write_text(policy_text(size))
    outputs = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "repoconf.cli.main", "render", str(policy), "--format", "json"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["summary"]["resources"] == shipped_resources(size)


def failing(monkeypatch: pytest.MonkeyPatch, text: str, fork: bool) -> list[str]:
    if not fork:
        in_one_process(monkeypatch)
    with pytest.raises(ProgramError) as caught:
        render(
            load_text(text, "p.yaml"),
            secret_values=StackSecrets(environ={}),
            mocks=GitHubWithout({"ghost", "phantom"}),
            batch_size=2,
            workers=2,
        )
    return caught.value.lines()


@pytest.mark.parametrize("fork", [True, False])
def test_the_first_failing_slice_is_reported_as_in_one_process(
    monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    # r3's missing secret (slice 1) comes before the unknown users of slices 2 and 3
    assert failing(monkeypatch, SMALL, fork) == [
        "p.yaml:7:25: error: repositories.r3.secrets.TOKEN: secret 'TOKEN' of repository 'r3' has no value: "
        "environment variable MISSING_TOKEN is not set (export MISSING_TOKEN=VALUE before running pulumi)"
    ]
    # without it, slice 2's unknown user: the look-up made before the workers start failed, so the
    # slice looks it up again and fails as it would in one process
    without_secret = SMALL.replace("{secrets: {TOKEN: {env: MISSING_TOKEN}}}", "{}")
    lines = failing(monkeypatch, without_secret, fork)
    assert len(lines) == 1
    assert lines[0].startswith(
        "p.yaml:9:48: error: repositories.r5.environments.qa.reviewers.users[0]: unknown user 'ghost'"
    )


def test_a_program_error_in_a_worker_prints_nothing_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(SMALL.replace("{secrets: {TOKEN: {env: MISSING_TOKEN}}}", "{}"))
    monkeypatch.setattr(run, "SLICE_RESOURCES", 2)  # two repositories a slice
    monkeypatch.setattr(run, "RenderMocks", lambda: GitHubWithout({"ghost", "phantom"}))
    results = []
    for fork in (True, False):
        if not fork:
            in_one_process(monkeypatch)
        code = main(["render", str(policy), "--format", "json"])
        out, err = capsys.readouterr()
        results.append((code, out, err))
    assert results[0] == results[1]
    code, out, err = results[0]
    assert (code, out) == (2, "")
    assert err.startswith(
        f"{policy}:9:48: error: repositories.r5.environments.qa.reviewers.users[0]: unknown user"
    )


class DiesOn(RenderMocks):
    """Mocks whose process is killed when a given resource is declared (a worker crashing)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.name == self.name:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().new_resource(args)


def test_a_worker_that_dies_is_a_bug_reported_by_the_parent() -> None:
    loaded = load_text(SMALL.replace("{secrets: {TOKEN: {env: MISSING_TOKEN}}}", "{}"), "p.yaml")
    with pytest.raises(RenderWorkerError, match=r"ended without a result \(killed by signal 9\)"):
        render(loaded, mocks=DiesOn("r2"), batch_size=2)


def test_a_name_only_a_late_slice_uses_is_looked_up_once() -> None:
    # slices follow repository names: `zz-late` comes last, alone in the last slice
    text = policy_text(12) + "  zz-late:\n    environments:\n      qa: {reviewers: {users: [zed]}}\n"
    loaded: LoadedPolicy = load_text(text, "p.yaml")
    with render(loaded, batch_size=3) as rendering:
        assert len(rendering.parts) == 1 + 5
        assert rendering.lookups == {"github:index/getTeam:getTeam": 4, "github:index/getUser:getUser": 1}
        assert rendering.repositories == 13
        assert rendering.declarations[-1].name.startswith("zz-late/")


def test_the_spool_is_removed_when_the_rendering_is_closed() -> None:
    loaded = load_text(policy_text(4), "p.yaml")
    with render(loaded, batch_size=2) as rendering:
        assert rendering.spool is not None
        spool = rendering.spool.path
        assert len(list(spool.glob("*.declarations"))) == 2
    assert not spool.exists()


def test_spool_files_hold_no_secret_value_and_only_the_owner_reads_them(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    stack_config({"testPypiToken": "pypi-test-spool-value"})
    text = template.read_text() + "".join(f"  w{index}: {{}}\n" for index in range(30))
    loaded = load_text(text, "p.yaml")
    values = StackSecrets(environ={"CODECOV_TOKEN": "codecov-spool-value"})
    with render(loaded, secret_values=values, batch_size=10) as rendering:
        assert rendering.spool is not None
        assert rendering.spool.path.stat().st_mode & 0o777 == 0o700
        files = list(rendering.spool.path.iterdir())
        assert len(files) == 2 * 4  # a status and a declarations file per slice
        for file in files:
            assert b"spool-value" not in file.read_bytes()
        assert "[secret]" in json_text(rendering)
