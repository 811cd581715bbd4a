"""`repoconf workflow release`: consistent with the policy, accepted by actionlint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.policy.loader import load
from repoconf.policy.refs import Ref, RefKind, explain
from tests.conftest import TEMPLATE
from tests.workflows.actionlint import actionlint


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["workflow", "release", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def jobs(text: str) -> dict[str, Any]:
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return dict(document["jobs"])


@pytest.mark.parametrize("trusted", [False, True])
def test_default_policy_workflow(capsys: pytest.CaptureFixture[str], tmp_path: Path, trusted: bool) -> None:
    code, out, err = generate(capsys, str(TEMPLATE), *(["--trusted-publishing"] if trusted else []))
    assert code == 0, err
    path = tmp_path / "release.yaml"
    path.write_text(out)
    result = actionlint(path)
    assert result.returncode == 0, result.stdout
    workflow = yaml.safe_load(out)
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    steps = jobs(out)
    environments = {
        name: (
            job["environment"]["name"] if isinstance(job.get("environment"), dict) else job.get("environment")
        )
        for name, job in steps.items()
    }
    assert environments == {
        "checks": None,
        "build": None,
        "publish-test-pypi": "staging",
        "draft-release": None,
        "candidate": None,
        "qa": "qa",
        "production-release": "production-release",
        "github-release": None,
        "production-deploy": "production-deploy",
    }
    assert steps["publish-test-pypi"]["if"] == "needs.build.outputs.prerelease == 'true'"
    assert steps["candidate"]["if"] == "needs.build.outputs.prerelease == 'false'"
    # the paths themselves are run in test_release_flow.py
    assert steps["production-deploy"]["needs"] == "github-release"
    assert steps["production-release"]["needs"] == "qa"
    publish = steps["production-deploy"]["steps"][-1]
    test_publish = steps["publish-test-pypi"]["steps"][-1]
    assert test_publish["with"]["repository-url"] == "https://test.pypi.org/legacy/"
    if trusted:
        assert "with" not in publish
        assert steps["production-deploy"]["permissions"] == {"id-token": "write"}
        assert "password" not in test_publish["with"]
        assert "PYPI_TOKEN" not in out  # no PyPI token at all (CODECOV_TOKEN still reaches the checks)
    else:
        assert publish["with"]["password"] == "${{ secrets.PYPI_TOKEN }}"
        assert test_publish["with"]["password"] == "${{ secrets.TEST_PYPI_TOKEN }}"
        assert "permissions" not in steps["production-deploy"]
    assert steps["draft-release"]["permissions"] == {"contents": "write"}
    assert "--draft --prerelease" in steps["draft-release"]["steps"][-1]["run"]


def test_every_environment_accepts_its_tag(capsys: pytest.CaptureFixture[str]) -> None:
    # The generated gates, checked independently against the policy with the explain-ref rules.
    _, out, _ = generate(capsys, str(TEMPLATE))
    settings = load(TEMPLATE).policy.repositories["widgets"]
    for name, job in jobs(out).items():
        environment = job.get("environment")
        if environment is None:
            continue
        env_name = environment["name"] if isinstance(environment, dict) else environment
        environment_settings = settings.environments[env_name]
        tags = {
            "publish-test-pypi": ["v1.2.3-rc1"],
            "qa": ["v1.2.3-rc1", "v1.2.3"],
            "production-release": ["v1.2.3-rc1", "v1.2.3"],
            "production-deploy": ["v1.2.3"],
        }[name]
        for tag in tags:
            assert explain(settings, environment_settings, Ref(RefKind.TAG, tag)).allowed, name
    deploy = settings.environments["production-deploy"]
    assert not explain(settings, deploy, Ref(RefKind.TAG, "v1.2.3-rc1")).allowed


def test_a_production_environment_that_admits_candidates_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    finals, every = "          - {versions: final, major: [1, 2, 4]}", '          - "v*"'
    policy.write_text(TEMPLATE.read_text().replace(finals, every))
    code, out, err = generate(capsys, str(policy))
    assert code == 2
    assert out == ""
    assert err.splitlines()[0].endswith(
        "error: defaults.environments.production-deploy.deployment_refs: environment 'production-deploy' "
        "admits release candidate v1.2.3-rc1 (tag 'v1.2.3-rc1' matches tags pattern 'v*'): a workflow "
        "pushed with an RC tag could reach PyPI; use `tags: [{versions: final}]`"
    )


def test_override_that_still_works(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    text = TEMPLATE.read_text().replace(
        "    staging: {}                    # no protection rules: automated RC deployments to Test PyPI",
        '    staging: {deployment_refs: {tags: ["v*-rc*"]}, secrets: {TEST_PYPI_TOKEN: {config: t}}}',
    )
    policy.write_text(text)
    code, out, err = generate(capsys, str(policy))
    assert code == 0, err
    path = tmp_path / "release.yaml"
    path.write_text(out)
    assert actionlint(path).returncode == 0


def test_override_that_refuses_a_tag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        TEMPLATE.read_text()
        + "  gadgets:\n    environments:\n      qa: {deployment_refs: {branches: [main], tags: null}}\n"
        "      staging: null\n"
    )
    code, out, err = generate(capsys, str(policy), "--repo", "gadgets")
    assert code == 2
    assert out == ""
    line = (
        TEMPLATE.read_text().count("\n") + 3
    )  # the override's environments mapping starts on its third line
    assert err.splitlines() == [
        f"{policy}:{line}:7: error: repositories.gadgets.environments: job 'publish-test-pypi' needs "
        "environment 'staging', which the policy does not declare",
        f"{policy}:{line}:29: error: repositories.gadgets.environments.qa.deployment_refs: environment 'qa' "
        "refuses tag v1.2.3-rc1 (job 'qa'): deployment_refs lists no tags, so no tag may deploy",
        f"{policy}:{line}:29: error: repositories.gadgets.environments.qa.deployment_refs: environment 'qa' "
        "refuses tag v1.2.3 (job 'qa'): deployment_refs lists no tags, so no tag may deploy",
    ]


def test_missing_token_unless_trusted_publishing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEMPLATE.read_text().replace("    TEST_PYPI_TOKEN: {config: testPypiToken}\n", ""))
    code, _, err = generate(capsys, str(policy))
    assert code == 2
    assert (
        "secret 'TEST_PYPI_TOKEN' is declared neither for the repository nor for environment 'staging'" in err
    )
    code, _, _ = generate(capsys, str(policy), "--trusted-publishing")
    assert code == 0


def test_several_repositories_need_repo(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, _, err = generate(capsys, str(data / "merge.yaml"))
    assert code == 2
    assert "--repo: the policy has 2 repositories: widgets, gadgets" in err
