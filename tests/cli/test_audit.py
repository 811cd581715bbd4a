"""`repoconf audit` and `repoconf import` as a user runs them, against a loopback GitHub."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.policy.loader import load
from repoconf.policy.model import ProtectionEngine
from repoconf.progress import terminal_progress
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE

TOKEN = "ghp_cli_secret_token_abcdef123456"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme", token=TOKEN)
    server.deploy("widgets", load(TEMPLATE).policy.repositories["widgets"])
    monkeypatch.setenv("GITHUB_API_URL", server.start())
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    yield server
    server.stop()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_compliant_exit_0(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    code, out, _ = run(capsys, "audit", str(TEMPLATE))
    assert code == 0
    assert out.splitlines() == [
        "widgets: compliant",
        "1/1 repositories compliant, 0 finding(s), 17 request(s)",
    ]


def test_drift_exit_1_in_every_format(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    fake.repositories["widgets"].environments["production-release"].wait_timer = 0
    code, out, _ = run(capsys, "audit", str(TEMPLATE))
    assert code == 1
    assert "  changed  environments.production-release.wait_timer: expected 30, found 0" in out
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "repositories": [
            {
                "name": "widgets",
                "compliant": False,
                "findings": [
                    {
                        "kind": "changed",
                        "path": "environments.production-release.wait_timer",
                        "expected": 30,
                        "actual": 0,
                    }
                ],
            }
        ],
        "summary": {"repositories": 1, "compliant": 0, "findings": 1, "requests": 17},
    }
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "markdown")
    assert code == 1
    assert "| changed | `environments.production-release.wait_timer` | `30` | `0` |" in out


def test_bad_token_exit_3(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_the_right_one_987")
    code, out, err = run(capsys, "audit", str(TEMPLATE))
    assert code == 3
    assert out == ""
    assert err == (
        "repoconf: error: GitHub refused the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN "
        "to a valid token\n"
    )
    assert "ghp_not_the_right_one_987" not in err


def test_unreachable_exit_3(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    code, _, err = run(capsys, "audit", str(TEMPLATE), "--api-url", "http://127.0.0.1:9", "--retries", "2")
    assert code == 3
    assert "connection failed" in err


def test_invalid_policy_and_usage_exit_2(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\n")
    code, _, err = run(capsys, "audit", str(policy))
    assert code == 2
    assert "required field 'repositories' is missing" in err
    code, _, err = run(capsys, "audit", str(TEMPLATE), "--repo", "nope")
    assert code == 2


def test_token_never_in_output_even_on_errors(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    fake.fault(r"/rulesets$", status=418, body={"message": f"teapot saw {TOKEN[:4]}"})
    code, _out, err = run(capsys, "--debug", "audit", str(TEMPLATE))
    assert code == 3
    assert "HTTP 418" in err


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = terminal_progress("audited")
    progress(1, 2, "widgets")
    progress(2, 2, "gadgets")
    assert terminal.getvalue() == "\r\x1b[Kaudited 1/2: widgets\r\x1b[Kaudited 2/2: gadgets\n"
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    progress(1, 1, "widgets")
    assert pipe.getvalue() == ""


def test_import_round_trip(capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import", "acme/widgets")
    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=./policy.schema.json\n")
    imported = tmp_path / "imported.yaml"
    imported.write_text(out)
    policy = load(imported).policy.repositories["widgets"]
    assert policy.environments["production-deploy"].reviewers is not None
    assert policy.environments["production-deploy"].reviewers.teams == ("devops", "senior-engineers")
    assert policy.secrets["PYPI_TOKEN"].model_dump() == {"env": "PYPI_TOKEN"}
    code, out, _ = run(capsys, "audit", str(imported))
    assert code == 0, out


def test_import_round_trip_hand_made_repository(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    hand_made = (
        load(TEMPLATE)
        .policy.repositories["widgets"]
        .model_copy(update={"protection_engine": ProtectionEngine.CLASSIC})
    )
    repo = fake.deploy("legacy", hand_made)
    repo.environments["qa"].users = ["octocat"]
    repo.environments["qa"].can_admins_bypass = True
    repo.environments["qa"].variables["URL"] = "https://qa.example"
    repo.rulesets.append(
        fake.ruleset("legacy", "Protect develop", "branch", ["refs/heads/develop"], [], [], [])
    )
    code, out, _ = run(capsys, "import", "acme/legacy")
    assert code == 0
    assert "# Rulesets not created by repoconf (not described here; recreate them as `branches` or " in out
    assert "protection_engine: classic" in out
    imported = tmp_path / "legacy.yaml"
    imported.write_text(out)
    code, out, _ = run(capsys, "audit", str(imported))
    assert code == 0, out


def test_import_missing_repository_exit_3(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    code, _, err = run(capsys, "import", "acme/ghost")
    assert code == 3
    assert "repository acme/ghost not found" in err
    code, _, err = run(capsys, "import", "not a name")
    assert code == 2
