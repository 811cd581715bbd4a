"""`repoconf adopt`: the import document names what the program declares, with GitHub's live ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repoconf.cli.main import main
from repoconf.policy.loader import load
from repoconf.render.run import render
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN

PROVIDER_URN = "urn:pulumi:staging::repoconf::pulumi:providers:github::github"


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the project root, for Pulumi.yaml's name
    return fake


def adopt(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["adopt", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else {}, err


def test_every_declared_resource_that_exists_is_imported_under_the_programs_name(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    # PYPI_TOKEN held by the stack here (the template's is external), so an environment secret is adopted
    policy = tmp_path / "p.yaml"
    policy.write_text(
        TEMPLATE.read_text().replace("PYPI_TOKEN: {external: true}", "PYPI_TOKEN: {config: pypiToken}")
    )
    code, document, err = adopt(capsys, "acme/widgets", str(policy))
    assert code == 0
    assert document["nameTable"] == {"github": PROVIDER_URN}
    declared = {d.name: d for d in render(load(policy), {"widgets"}).declarations}
    entries = {entry["name"]: entry for entry in document["resources"]}
    # everything the program declares for the repository, except the provider, is in the document
    assert set(entries) == set(declared) - {"github"}
    for name, entry in entries.items():
        assert entry["type"] == declared[name].type
        assert entry.get("parent") == declared[name].parent
        if entry["type"] == "repoconf:index:Repository":
            assert entry == {"type": "repoconf:index:Repository", "name": "widgets", "component": True}
        else:
            assert entry["provider"] == "github"
    repository = served.repositories["widgets"]
    ruleset_ids = {r["name"]: r["id"] for r in repository.rulesets}
    assert entries["widgets/production-deploy"]["id"] == "widgets:production-deploy"
    assert (
        entries["widgets/production-deploy/secret/PYPI_TOKEN"]["id"] == "widgets:production-deploy:PYPI_TOKEN"
    )
    assert entries["widgets/secret/CODECOV_TOKEN"]["id"] == "widgets:CODECOV_TOKEN"
    assert entries["widgets/branch/main"]["id"] == f"widgets:{ruleset_ids['repoconf branch main']}"
    assert entries["widgets/release-tags"]["id"] == f"widgets:{ruleset_ids['repoconf release tags']}"
    policy_id = entries["widgets/qa/tag/v*"]["id"]
    assert policy_id.startswith("widgets:qa:")
    assert policy_id.rsplit(":", 1)[1].isdigit()
    assert "0 declared resource(s) do not exist on GitHub yet" in err


def test_what_does_not_exist_is_left_to_pulumi_up_and_names_are_escaped(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n    environments:\n"
        "      'deploy:eu': {variables: {REGION: eu}}\n      fresh: {}\n    variables: {LEVEL: '1'}\n"
    )
    served.deploy("widgets", load(policy).policy.repositories["widgets"])
    del served.repositories["widgets"].environments["fresh"]
    code, document, err = adopt(capsys, "acme/widgets", str(policy), "--stack", "prod")
    assert code == 0
    entries = {entry["name"]: entry for entry in document["resources"]}
    assert entries["widgets/deploy:eu"]["id"] == "widgets:deploy??eu"
    assert entries["widgets/deploy:eu/variable/REGION"]["id"] == "widgets:deploy??eu:REGION"
    assert entries["widgets/variable/LEVEL"]["id"] == "widgets:LEVEL"
    assert "widgets/fresh" not in entries
    assert "will be created by `pulumi up`: widgets/fresh" in err
    assert document["nameTable"]["github"] == PROVIDER_URN.replace("staging", "prod")


def test_a_repository_missing_from_the_policy_or_github(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    code, _, err = adopt(capsys, "acme/gadgets", str(TEMPLATE))
    assert code == 2
    assert "gadgets is not in" in err
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\nrepositories:\n  ghost: {}\n")
    code, _, err = adopt(capsys, "acme/ghost", str(policy))
    assert code == 3
    assert "repository acme/ghost not found" in err


def test_the_document_can_be_written_to_a_file(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    target = tmp_path / "adopt.json"
    assert main(["adopt", "acme/widgets", str(TEMPLATE), "-o", str(target)]) == 0
    assert json.loads(target.read_text())["resources"][0]["name"] == "widgets"
    assert capsys.readouterr().out == ""


def test_classic_protection_is_adopted_by_pattern(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n    protection_engine: classic\n"
        "    branches: {main: {required_approvals: 1}, 'release/*': {required_approvals: 2}}\n"
    )
    served.deploy("widgets", load(policy).policy.repositories["widgets"])
    code, document, err = adopt(capsys, "acme/widgets", str(policy))
    assert code == 0
    entries = {entry["name"]: entry for entry in document["resources"]}
    assert entries["widgets/branch/main"]["id"] == "widgets:main"
    assert entries["widgets/branch/main"]["type"] == "github:index/branchProtection:BranchProtection"
    # a wildcard rule cannot be read per branch over REST: left to `pulumi up`, and said so
    assert "widgets/branch/release/*" not in entries
    assert "widgets/branch/release/*" in err
