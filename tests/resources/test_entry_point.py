"""The stack entry point (infra/__main__.py) run as Pulumi runs it, under mocks."""

from __future__ import annotations

import runpy
import shutil
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from infra.render.mocks import Declaration, RenderMocks
from infra.render.run import run_under_mocks
from tests.conftest import ROOT

# Pulumi runs `main: infra/` as a directory: runpy.run_path on it, with infra/ first on sys.path.
ENTRY = ROOT / "infra"


def run_entry() -> list[Declaration]:
    return run_under_mocks(lambda: runpy.run_path(str(ENTRY), run_name="__main__"), RenderMocks())


def test_entry_point_declares_the_shipped_policy(
    stack_config: Callable[[dict[str, str]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CODECOV_TOKEN", "codecov-value")
    stack_config({"testPypiToken": "t", "pypiToken": "p", "owner": "acme-sandbox"})
    pulumi.runtime.set_config("github:writeDelayMs", "1000")
    pulumi.runtime.set_config("github:baseUrl", "https://github.example.com/api/v3/")
    declarations = run_entry()
    names = [d.name for d in declarations]
    assert "widgets/production-deploy/secret/PYPI_TOKEN" in names
    assert len(names) == 18
    provider = declarations[0]
    assert provider.inputs["owner"] == "acme-sandbox"  # repoconf:owner overrides the policy's owner
    assert provider.inputs["writeDelayMs"] == "1000"  # provider inputs travel as strings
    assert provider.inputs["baseUrl"] == "https://github.example.com/api/v3/"


def test_entry_point_policy_error_is_a_clean_run_error(
    stack_config: Callable[[dict[str, str]], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    policy = tmp_path / "config" / "policy.yaml"
    policy.write_text(policy.read_text().replace("wait_timer: 30", "wait_timer: thirty"))
    stack_config({"policy": str(policy)})
    with pytest.raises(pulumi.RunError) as caught:
        run_entry()
    assert str(caught.value) == (
        f"{policy}:28:19: error: defaults.environments.production-release.wait_timer: Input should be a "
        "valid integer (in repository 'widgets', which inherits it)"
    )


def test_entry_point_missing_secret_is_a_clean_run_error(
    stack_config: Callable[[dict[str, str]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CODECOV_TOKEN", raising=False)
    stack_config({"testPypiToken": "t", "pypiToken": "p"})
    with pytest.raises(pulumi.RunError, match="environment variable CODECOV_TOKEN is not set"):
        run_entry()
