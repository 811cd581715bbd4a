"""One place names the GitHub host: the policy's `github.api_url`, for the audit and the stack alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.policy.loader import load
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN


def policy_on(tmp_path: Path, api_url: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(
        TEMPLATE.read_text().replace("owner: acme ", f"github: {{api_url: '{api_url}'}}\nowner: acme ", 1)
    )
    return path


def test_the_audit_talks_to_the_policys_host(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    policy = policy_on(tmp_path, fake.base + "/api/v3")
    # the stand-in serves no /api/v3 prefix, so the repository is not found there: but it was asked there
    assert main(["audit", str(policy), "--format", "json"]) == 1
    assert fake.requests[0][0].startswith("GET /api/v3/repos/acme/widgets/")
    capsys.readouterr()
    policy = policy_on(tmp_path, fake.base)
    assert main(["audit", str(policy)]) == 0


def test_render_passes_the_policys_host_to_the_provider(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = policy_on(tmp_path, "https://github.example.com/api/v3")
    assert main(["render", str(policy), "--format", "json"]) == 0
    resources = json.loads(capsys.readouterr().out)["resources"]
    assert resources[0]["inputs"]["baseUrl"] == "https://github.example.com/api/v3/"


@pytest.mark.parametrize("url", ["ftp://x", "https://h/api?x=1", "github.example.com"])
def test_a_bad_host_is_a_located_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str) -> None:
    policy = policy_on(tmp_path, url)
    assert main(["validate", str(policy)]) == 2
    err = capsys.readouterr().err
    assert f"{policy}:1:" in err or f"{policy}:" in err
    assert "github.api_url: expected the REST API's base URL" in err


def test_the_template_names_no_host() -> None:
    assert load(TEMPLATE).policy.github.api_url == "https://api.github.com"
