"""`repoconf adopt`: the import document names what the program declares, with GitHub's live ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repoconf.cli.main import main
from repoconf.policy.loader import load
from repoconf.render.run import render
from standin.apply import apply_policy, deploy_declared, render_against
from standin.github import FakeGitHub
from standin.github import team as team_record
from standin.provider import Resource
from tests.conftest import DATA, ROOT, TEMPLATE, TOKEN

PROVIDER_URN = "urn:pulumi:staging::repoconf::pulumi:providers:github::github"


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the project root, for Pulumi.yaml's name
    return fake


def project(directory: Path, policy: Path, stack: str = "staging", owner: str | None = None) -> Path:
    """A configuration repository's Pulumi files: this repository's Pulumi.yaml and a stack loading
    ``policy`` (and managing ``owner`` instead of the policy's, when given)."""
    directory.mkdir(exist_ok=True)
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    settings = f"config:\n  repoconf:policy: {policy}\n" + (f"  repoconf:owner: {owner}\n" if owner else "")
    (directory / f"Pulumi.{stack}.yaml").write_text(settings)
    return directory


def adopt(
    capsys: pytest.CaptureFixture[str], full_name: str, policy: Path, *argv: str, stack: str = "staging"
) -> tuple[int, dict[str, Any], str]:
    directory = project(policy.parent / "project", policy, stack)
    code = main(["adopt", full_name, "--stack", stack, "--project-dir", str(directory), *argv])
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
    code, document, err = adopt(capsys, "acme/widgets", policy)
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
    # GitHub finds a repository whatever the case of its name: the policy's entry is adopted the same
    code, respelled, _ = adopt(capsys, "acme/WIDGETS", policy)
    assert (code, respelled) == (0, document)


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
    code, document, err = adopt(capsys, "acme/widgets", policy, stack="prod")
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
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.read_text())
    code, _, err = adopt(capsys, "acme/gadgets", template)
    assert code == 2
    assert "gadgets is not in" in err
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\nrepositories:\n  ghost: {}\n")
    code, _, err = adopt(capsys, "acme/ghost", policy)
    assert code == 3
    assert "repository acme/ghost not found" in err


def test_the_document_can_be_written_to_a_file(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    target = tmp_path / "adopt.json"
    directory = project(tmp_path / "project", TEMPLATE)
    assert main(["adopt", "acme/widgets", "--project-dir", str(directory), "-o", str(target)]) == 0
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
    code, document, err = adopt(capsys, "acme/widgets", policy)
    assert code == 0
    entries = {entry["name"]: entry for entry in document["resources"]}
    assert entries["widgets/branch/main"]["id"] == "widgets:main"
    assert entries["widgets/branch/main"]["type"] == "github:index/branchProtection:BranchProtection"
    # a wildcard rule cannot be read per branch over REST: left to `pulumi up`, and said so
    assert "widgets/branch/release/*" not in entries
    assert "widgets/branch/release/*" in err


def test_a_repository_the_stack_does_not_manage_is_refused_before_any_request(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    # a staging stack like this repository's own: it manages acme-sandbox (its repoconf:owner), not acme
    sandbox = project(tmp_path / "sandbox", TEMPLATE, owner="acme-sandbox")
    assert "repoconf:owner: acme-sandbox" in (ROOT / "Pulumi.staging.yaml").read_text()
    assert main(["adopt", "acme/widgets", "--stack", "staging", "--project-dir", str(sandbox)]) == 2
    err = capsys.readouterr().err
    assert "stack 'staging' manages acme-sandbox" in err
    assert "Pulumi.staging.yaml: repoconf:owner" in err
    assert "not acme" in err
    # the stack's policy or nothing: another policy file is refused too
    directory = project(tmp_path / "project", TEMPLATE, owner="acme")
    assert main(["adopt", "acme/widgets", str(tmp_path / "other.yaml"), "--project-dir", str(directory)]) == 2
    assert "is not the policy of stack 'staging'" in capsys.readouterr().err
    assert served.requests == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (None, "Pulumi.prod.yaml: no such file: stack 'prod' has no settings here"),
        (b"config:\n  repoconf:owner: \xff\n", "Pulumi.prod.yaml:2:19: not UTF-8 text (byte 0xff)"),
        (b"config: [1, 2]\n", "Pulumi.prod.yaml:1:9: config: expected a mapping of keys"),
        (b"config:\n  repoconf:owner: [x\n", "Pulumi.prod.yaml:3:1: invalid YAML"),
    ],
)
def test_unusable_stack_settings_are_located_errors(
    capsys: pytest.CaptureFixture[str],
    served: FakeGitHub,
    tmp_path: Path,
    settings: bytes | None,
    message: str,
) -> None:
    directory = project(tmp_path / "project", TEMPLATE)
    if settings is not None:
        (directory / "Pulumi.prod.yaml").write_bytes(settings)
    code = main(["adopt", "acme/widgets", "--stack", "prod", "--project-dir", str(directory)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert served.requests == []


def test_a_project_named_like_a_date_is_a_name(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    # YAML would construct `2024-02-30` as a date (an invalid one); Pulumi reads a name as text
    directory = project(tmp_path / "project", TEMPLATE)
    text = (directory / "Pulumi.yaml").read_text().replace("name: repoconf", "name: 2024-02-30")
    (directory / "Pulumi.yaml").write_text(text)
    (directory / "Pulumi.staging.yaml").write_text(f"config:\n  2024-02-30:policy: {TEMPLATE}\n")
    code, document, _ = adopt_in(capsys, directory)
    assert code == 0
    assert document["nameTable"]["github"] == PROVIDER_URN.replace("::repoconf::", "::2024-02-30::")


def adopt_in(capsys: pytest.CaptureFixture[str], directory: Path) -> tuple[int, dict[str, Any], str]:
    code = main(["adopt", "acme/widgets", "--project-dir", str(directory)])
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else {}, err


def test_the_document_is_what_pulumi_imports_so_that_up_creates_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every option's repository (environment secrets and variables, a team grant, rulesets) applied once
    through the provider emulator, then adopted into a stack that never ran: the document's import ids
    are what the provider's Importers parse, and `pulumi up` after the import creates nothing."""
    fake = FakeGitHub("acme", token=TOKEN)
    fake.start()
    try:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", fake.base)
        # its ruleset repository alone: the emulator has no Importer for classic protection (its GraphQL
        # lookup of a rule by pattern, getBranchProtectionID, is not served by the stand-in)
        text = (DATA / "every_option.yaml").read_text().split("\n  classic:\n")[0] + "\n"
        assert "protection_engine: classic" not in text
        apply_policy(fake, text, "every_option.yaml").close()
        policy = tmp_path / "every_option.yaml"
        policy.write_text(text)
        code, document, err = adopt(capsys, "acme/everything", policy)
        assert code == 0, err
        assert "0 declared resource(s) do not exist on GitHub yet" in err
        entries = {entry["name"]: entry for entry in document["resources"]}
        ops = next(team for team in fake.repositories["everything"].teams if team == "ops")
        assert entries["everything/access/team/Ops"]["id"] == f"{team_record('acme', ops)['id']}:everything"
        stack = deploy_declared(fake, render_against(fake, text, "every_option.yaml"), [document])
        assert [sent for sent in stack.sent if sent.method == "POST"] == []
        declared = {Resource.of(item).name for item in stack.declared}
        assert {name for name in declared if name.startswith("everything/")} == {
            name for name, entry in entries.items() if "id" in entry
        }
        stack.close()
    finally:
        fake.stop()
