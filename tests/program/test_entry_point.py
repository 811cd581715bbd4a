"""The stack entry point (infra/__main__.py) run as the Pulumi engine runs it, under mocks.

For a directory ``main``, the engine makes it the working directory and runs ``.`` there (pulumi/pulumi,
pkg/engine/project.go, ``getPwdMain``): the tests write a configuration repository with ``repoconf new``
(Pulumi.yaml, config/policy.yaml, infra/) and run its entry from inside ``infra/``, and again from the
project root, as a project of another name than ``repoconf``: the config keys live in the project's
namespace, whatever it is called.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from repoconf.cli.main import main
from repoconf.render.mocks import Declaration, RenderMocks
from repoconf.render.run import run_under_mocks
from repoconf.stack import policy_path, project_root
from tests.conftest import REQUIREMENT, TEMPLATE, shipped_resources

PROJECT = "acme-github"

# provider, repository component, 4 environments, 3 `main` branch policies, 12 + 24 tag patterns in qa and
# in production-release and 12 in production-deploy, 2 repository secrets (PYPI_TOKEN is external: no
# resource), the branch ruleset and 2 tag rulesets
SHIPPED_RESOURCES = shipped_resources()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A configuration repository as `repoconf new` writes it, under another project name."""
    directory = tmp_path / PROJECT
    assert main(["new", str(directory), "--owner", "acme", "--repo", "widgets", *REQUIREMENT]) == 0
    return directory


def run_entry(entry: str = ".") -> list[Declaration]:
    """``runpy.run_path(entry)``: the engine runs ``.`` from inside the ``main:`` directory."""
    return run_under_mocks(lambda: runpy.run_path(entry, run_name="__main__"), RenderMocks(), PROJECT)


def project_config(values: dict[str, str]) -> None:
    """Stack config in the project's namespace (``acme-github:KEY``), all secret."""
    full = {f"{PROJECT}:{key}": value for key, value in values.items()}
    pulumi.runtime.set_all_config(full, list(full))


@pytest.mark.parametrize(("cwd", "entry"), [("infra", "."), (".", "infra")])
def test_entry_point_declares_the_policy_wherever_it_runs(
    stack_config: Callable[[dict[str, str]], None],
    monkeypatch: pytest.MonkeyPatch,
    project: Path,
    cwd: str,
    entry: str,
) -> None:
    monkeypatch.chdir(project / cwd)
    monkeypatch.setenv("CODECOV_TOKEN", "codecov-value")
    project_config({"testPypiToken": "t", "owner": "acme-sandbox"})
    pulumi.runtime.set_config("github:writeDelayMs", "1000")
    pulumi.runtime.set_config("github:baseUrl", "https://github.example.com/api/v3/")
    declarations = run_entry(entry)
    names = [d.name for d in declarations]
    assert "widgets/secret/TEST_PYPI_TOKEN" in names
    assert len(names) == SHIPPED_RESOURCES
    provider = declarations[0]
    assert provider.inputs["owner"] == "acme-sandbox"  # repoconf:owner overrides the policy's owner
    assert provider.inputs["writeDelayMs"] == "1000"  # provider inputs travel as strings
    assert provider.inputs["baseUrl"] == "https://github.example.com/api/v3/"


def test_entry_point_policy_error_is_a_clean_run_error(
    stack_config: Callable[[dict[str, str]], None], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "infra")
    policy = project / "config" / "policy.yaml"
    policy.write_text(policy.read_text().replace("wait_timer: 30", "wait_timer: thirty"))
    project_config({"policy": "config/policy.yaml"})
    with pytest.raises(pulumi.RunError) as caught:
        run_entry()
    line = (
        TEMPLATE.read_text()
        .splitlines()
        .index("      wait_timer: 30               # minutes between approval and release")
        + 1
    )
    assert str(caught.value) == (
        f"{policy}:{line}:19: error: defaults.environments.production-release.wait_timer: expected a whole "
        "number (in repository 'widgets', which inherits it)"
    )


def test_entry_point_missing_secret_is_a_clean_run_error(
    stack_config: Callable[[dict[str, str]], None], monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    monkeypatch.chdir(project / "infra")
    monkeypatch.delenv("CODECOV_TOKEN", raising=False)
    project_config({"testPypiToken": "t"})
    with pytest.raises(pulumi.RunError, match="environment variable CODECOV_TOKEN is not set"):
        run_entry()


def test_entry_point_with_config_handed_over_as_the_language_host_does(
    monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    # pulumi-language-python-exec (pulumi/pulumi sdk/python/cmd): config arrives in PULUMI_CONFIG and
    # PULUMI_CONFIG_SECRET_KEYS, is set with set_all_config, then the program runs from --pwd.
    import yaml

    # the new repository's stack settings file with an owner override, as `pulumi config set owner`
    # writes it, plus the secret value a user sets with --secret
    staging = yaml.safe_load((project / "Pulumi.staging.yaml").read_text())["config"]
    config = {**staging, f"{PROJECT}:owner": "acme-sandbox", f"{PROJECT}:testPypiToken": "t-value"}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:testPypiToken"]))
    monkeypatch.setenv("CODECOV_TOKEN", "codecov-value")
    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    try:
        monkeypatch.chdir(project / "infra")
        declarations = run_entry(".")
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert len(declarations) == SHIPPED_RESOURCES
    assert declarations[0].inputs["owner"] == "acme-sandbox"


def test_project_root_prefers_the_engine_root(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    monkeypatch.setattr(pulumi.runtime.settings.SETTINGS, "root_directory", str(project))
    assert project_root(Path("/")) == project


def test_project_root_walks_up_from_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    monkeypatch.setattr(pulumi.runtime.settings.SETTINGS, "root_directory", "root_directory")
    assert project_root(project / "infra") == project
    assert policy_path("config/policy.yaml", project) == project / "config" / "policy.yaml"
    assert policy_path("/etc/p.yaml", project) == Path("/etc/p.yaml")


@pytest.mark.parametrize("name", ["repoconf", PROJECT, "2024-02-30", "a.b_c"])
def test_pulumi_yaml_is_valid_for_any_project_name_and_declares_the_secret_sources(
    name: str, tmp_path: Path
) -> None:
    import yaml

    from repoconf.policy.loader import load
    from repoconf.policy.model import ConfigSource

    assert (
        main(
            [
                "new",
                str(tmp_path / "x"),
                "--owner",
                "acme",
                "--repo",
                "widgets",
                "--project",
                name,
                *REQUIREMENT,
            ]
        )
        == 0
    )
    project = yaml.load((tmp_path / "x" / "Pulumi.yaml").read_text(), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only strings, as Pulumi reads them
    assert project["name"] == name
    assert project["main"] == "infra/"
    declared = project["config"]
    # Pulumi's project schema (sdk/go/common/workspace/project.json, configTypeDeclaration): these keys
    # only; and a typed key must be namespaced by the project (project.go, Project.Validate): a bare key
    for key, declaration in declared.items():
        assert set(declaration) <= {"type", "items", "description", "secret", "default"}, key
        assert declaration["type"] in ("string", "integer", "boolean", "array"), key
        assert ":" not in key, key
    settings = load(tmp_path / "x" / "config" / "policy.yaml").policy.repositories["widgets"]
    sources = [
        *settings.secrets.values(),
        *(s for env in settings.environments.values() for s in env.secrets.values()),
    ]
    keys = {source.config for source in sources if isinstance(source, ConfigSource)}
    assert keys
    for key in keys:
        assert declared[key]["secret"] == "true", key
        assert "default" not in declared[key], key
