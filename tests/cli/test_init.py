"""`repoconf init`: the shipped default with owner and repository, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.policy.loader import load
from tests.conftest import TEMPLATE


def test_init_writes_a_valid_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "config" / "policy.yaml"
    assert main(["init", str(target), "--owner", "octo-org", "--repo", "pkg"]) == 0
    loaded = load(target)
    assert loaded.policy.owner == "octo-org"
    assert list(loaded.policy.repositories) == ["pkg"]
    assert loaded.policy.repositories["pkg"] == load(TEMPLATE).policy.repositories["widgets"]
    assert (tmp_path / "config" / "policy.schema.json").exists()
    assert "# To adapt it: set `owner`" in target.read_text()
    assert "wrote" in capsys.readouterr().out


def test_init_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "policy.yaml"
    target.write_text("mine\n")
    assert main(["init", str(target)]) == 2
    assert "already exists; repoconf init never overwrites a policy" in capsys.readouterr().err
    assert target.read_text() == "mine\n"


def test_init_into_an_unwritable_place_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["init", str(blocker / "config" / "policy.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"repoconf: error: {blocker / 'config' / 'policy.yaml'}: cannot write: ")
    assert "Traceback" not in err


def test_init_rejects_bad_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "p.yaml"), "--owner=-bad"]) == 2
    assert not (tmp_path / "p.yaml").exists()


def test_check_says_whether_a_file_is_what_init_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "policy.yaml"
    assert main(["init", str(target)]) == 0
    capsys.readouterr()
    assert main(["init", "--check", str(target)]) == 0
    assert "what `repoconf init` writes" in capsys.readouterr().out
    target.write_text(target.read_text().replace("wait_timer: 30", "wait_timer: 5"))
    assert main(["init", "--check", str(target)]) == 1
    out = capsys.readouterr().out
    assert "-      wait_timer: 30" in out
    assert "+      wait_timer: 5" in out
    assert main(["init", "--check", str(tmp_path / "none.yaml")]) == 2
