"""docs/security.md's table, measured: every cell recomputed from what ships.

Sources: the packaged policy (the template `repoconf init` writes), the release workflow `repoconf
workflow release` generates from it, and this repository's preview, deploy and drift workflows. A cell
of the table is "yes", "no" or "encrypted" followed by what enforces it; the first word must equal what
these sources say.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.policy.loader import load, load_text
from repoconf.policy.model import ConfigSource, EnvSource, ExternalSource, RepositorySettings
from repoconf.policy.refs import Ref, RefKind, explain
from tests.conftest import ROOT, TEMPLATE

DOC = ROOT / "docs" / "security.md"
WORKFLOWS = ROOT / ".github" / "workflows"
CONFIG_REPOSITORY = ("REPOCONF_GITHUB_TOKEN", "PULUMI_CONFIG_PASSPHRASE")
RC, FINAL = "refs/tags/v1.2.3-rc1", "refs/tags/v1.2.3"


def table() -> tuple[list[str], dict[str, list[str]]]:
    """The header and, per secret named in backticks, the first word of each cell."""
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[str, list[str]] = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        rows[names[-1]] = [re.sub(r"[^a-z]", "", cell.split()[0].lower()) for cell in cells[1:]]
    return header[1:], rows


def secret_refs(text: str) -> set[str]:
    return set(re.findall(r"secrets\.(\w+)", text))


def workflow_reads(name: str, secret: str, settings: RepositorySettings) -> str:
    """Whether a configuration-repository workflow's run can read ``secret``."""
    refs = secret_refs((WORKFLOWS / name).read_text())
    if secret in CONFIG_REPOSITORY:
        return "yes" if secret in refs else "no"
    source = _source(settings, secret)
    if isinstance(source, ConfigSource):
        return "yes" if "PULUMI_CONFIG_PASSPHRASE" in refs else "no"
    if isinstance(source, EnvSource):
        return "yes" if source.env in refs else "no"
    return "no"  # external: never in the stack


def _source(settings: RepositorySettings, secret: str) -> ConfigSource | EnvSource | ExternalSource | None:
    if secret in settings.secrets:
        return settings.secrets[secret]
    for environment in settings.environments.values():
        if secret in environment.secrets:
            return environment.secrets[secret]
    return None


def managed_reads(
    settings: RepositorySettings, secret: str, ref: str | None, job_environment: str | None
) -> str:
    """Whether a run of the managed repository can read ``secret``: from ``ref`` (None: any branch),
    in the job's environment."""
    if secret in CONFIG_REPOSITORY:
        return "no"
    if secret in settings.secrets:
        return "yes"
    for name, environment in settings.environments.items():
        if secret not in environment.secrets:
            continue
        if ref is None and environment.deployment_refs is None:
            return "yes"
        admitted = ref is not None and explain(settings, environment, Ref.parse(ref)).allowed
        if admitted and job_environment in (None, name):
            return "yes"
    return "no"


def state_holds(settings: RepositorySettings, secret: str) -> str:
    return "encrypted" if isinstance(_source(settings, secret), ConfigSource | EnvSource) else "no"


def measured(settings: RepositorySettings, column: str, secret: str) -> str:
    columns = {
        "a workflow on any branch": lambda: managed_reads(settings, secret, None, None),
        "an RC-tag run": lambda: managed_reads(settings, secret, RC, None),
        "the production run after approvals": lambda: managed_reads(
            settings, secret, FINAL, "production-deploy"
        ),
        "a pull-request preview (configuration repository)": lambda: workflow_reads(
            "preview.yml", secret, settings
        ),
        "the deploy job after merge": lambda: workflow_reads("deploy.yml", secret, settings),
        "the drift job on main": lambda: workflow_reads("drift.yml", secret, settings),
        "anyone who can read Pulumi state": lambda: state_holds(settings, secret),
    }
    return columns[column]()


def test_every_cell_is_what_the_shipped_setup_does() -> None:
    settings = load(TEMPLATE).policy.repositories["widgets"]
    header, rows = table()
    assert set(rows) == {"PYPI_TOKEN", "TEST_PYPI_TOKEN", "CODECOV_TOKEN", *CONFIG_REPOSITORY}
    wrong = [
        f"{secret} / {column}: the doc says {said}, the shipped setup: {measured(settings, column, secret)}"
        for secret, cells in rows.items()
        for column, said in zip(header, cells, strict=True)
        if measured(settings, column, secret) != said
    ]
    assert wrong == []


def test_the_measurement_can_fail() -> None:
    # PYPI_TOKEN back at repository scope, as the release guide has it: every column of the managed
    # repository turns to yes, which the doc does not say.
    text = TEMPLATE.read_text().replace(
        "    CODECOV_TOKEN: {env: CODECOV_TOKEN}",
        "    CODECOV_TOKEN: {env: CODECOV_TOKEN}\n    PYPI_TOKEN: {config: p}",
    )
    settings = load_text(text, "p.yaml").policy.repositories["widgets"]
    assert measured(settings, "a workflow on any branch", "PYPI_TOKEN") == "yes"
    assert measured(settings, "an RC-tag run", "PYPI_TOKEN") == "yes"
    assert measured(settings, "anyone who can read Pulumi state", "PYPI_TOKEN") == "encrypted"


def test_only_the_production_deploy_job_reads_pypi_token(capsys: pytest.CaptureFixture[str]) -> None:
    # With --token-upload (trusted publishing, the default, reads no token at all)
    assert main(["workflow", "release", str(TEMPLATE), "--token-upload"]) == 0
    jobs = yaml.safe_load(capsys.readouterr().out)["jobs"]
    assert [name for name, job in jobs.items() if "PYPI_TOKEN" in secret_refs(yaml.safe_dump(job))] == [
        "production-deploy"
    ]
    assert jobs["production-deploy"]["environment"]["name"] == "production-deploy"


def test_the_configuration_repository_runs_where_the_doc_says() -> None:
    def environments(name: str) -> dict[str, object]:
        jobs = yaml.safe_load((WORKFLOWS / name).read_text())["jobs"]
        return {key: job.get("environment") for key, job in jobs.items()}

    assert environments("preview.yml") == {"preview": None, "stacks": None, "live": None}
    assert environments("deploy.yml") == {"stacks": None, "plan": "repoconf-plan", "apply": "repoconf-deploy"}
    assert environments("drift.yml") == {"stacks": None, "drift": "repoconf-drift", "issue": None}
    # the jobs outside an environment hold no secret (the stacks job lists stack files; the issue job
    # writes the drift issue with the run's own token)
    for name, job in ("deploy.yml", "stacks"), ("drift.yml", "stacks"), ("drift.yml", "issue"):
        assert (
            secret_refs(yaml.safe_dump(yaml.safe_load((WORKFLOWS / name).read_text())["jobs"][job])) == set()
        )
    # the write token only behind the approval; the plan reads GitHub with the read-only token
    apply = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text())["jobs"]["apply"]
    plan = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text())["jobs"]["plan"]
    assert "REPOCONF_GITHUB_TOKEN" in secret_refs(yaml.safe_dump(apply))
    assert "REPOCONF_GITHUB_TOKEN" not in secret_refs(yaml.safe_dump(plan))


def test_the_configuration_repository_policy_in_the_doc_is_valid() -> None:
    text = DOC.read_text()
    block = re.search(r"```yaml\n(version: 1\n.*?)```", text, re.DOTALL)
    assert block is not None
    loaded = load_text(block.group(1), "security.md")
    settings = loaded.policy.repositories["repoconf"]
    for name in ("repoconf-deploy", "repoconf-plan", "repoconf-drift"):
        refs = settings.environments[name].deployment_refs
        assert refs is not None
        assert refs.branches == ("main",)
        assert refs.tags is None
        assert not explain(settings, settings.environments[name], Ref(RefKind.BRANCH, "feature/x")).allowed
    assert settings.environments["repoconf-deploy"].reviewers is not None
    held = [
        name
        for environment in settings.environments.values()
        for name, source in environment.secrets.items()
        if not isinstance(source, ExternalSource)
    ]
    assert held == []
    assert Path(DOC).read_text().count("gh secret set") >= 5
