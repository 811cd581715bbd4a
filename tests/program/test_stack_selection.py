"""The stack's run with selectors, as the engine runs it (infra/__main__.py under Pulumi's mocks) against
the loopback GitHub: a repository that gains a selected topic is declared by the next run with no edit of
the policy; a stack declares only its group; what stops a resolution is one line before anything is
declared."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest

from repoconf.cli.main import main
from repoconf.policy.groups import group_of
from repoconf.render.mocks import Declaration, RenderMocks
from repoconf.render.run import run_under_mocks
from repoconf.stack import rest_url
from standin.github import FakeGitHub, FakeRepository
from tests.conftest import REQUIREMENT, TOKEN

PROJECT = "acme-github"
POLICY = """\
version: 1
owner: acme
github: {{api_url: "{api}"}}
defaults:
  environments:
    qa: {{wait_timer: 5}}
selectors:
  python:
    match: {{topics: [python]}}
    settings:
      environments:
        pypi: {{}}
repositories:
  docs: {{}}
"""


@pytest.fixture
def organization(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """acme: docs (named in the policy), widgets (topic python), gadgets and an archived python one."""
    server = FakeGitHub("acme", token=TOKEN)
    server.repositories.update(
        docs=FakeRepository(),
        widgets=FakeRepository(topics=["python"]),
        gadgets=FakeRepository(topics=["go"]),
        attic=FakeRepository(topics=["python"], archived=True),
    )
    server.start()
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_BASE_URL", raising=False)
    yield server
    server.stop()
    pulumi.runtime.set_all_config({}, [])


@pytest.fixture
def project(tmp_path: Path, organization: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / PROJECT
    assert main(["new", str(directory), "--owner", "acme", "--repo", "docs", *REQUIREMENT]) == 0
    (directory / "config" / "policy.yaml").write_text(POLICY.format(api=organization.base))
    monkeypatch.chdir(directory / "infra")
    return directory


def stack(**values: str) -> None:
    """The stack's config: the project's keys bare, the provider's as ``github:KEY``."""
    full = {key if ":" in key else f"{PROJECT}:{key}": value for key, value in values.items()}
    pulumi.runtime.set_all_config(full, [key for key in full if key.startswith("github:")])


def declared() -> dict[str, set[str]]:
    """Repository → its environments, as the program declared them."""
    declarations: list[Declaration] = run_under_mocks(
        lambda: runpy.run_path(".", run_name="__main__"), RenderMocks(), PROJECT
    )
    found: dict[str, set[str]] = {}
    for declaration in declarations:
        if declaration.type == "repoconf:index:Repository":
            found.setdefault(declaration.name, set())
        elif declaration.type == "github:index/repositoryEnvironment:RepositoryEnvironment":
            found.setdefault(declaration.inputs["repository"], set()).add(declaration.inputs["environment"])
    return found


def test_a_repository_that_gains_a_selected_topic_is_declared_without_editing_the_policy(
    project: Path, organization: FakeGitHub
) -> None:
    stack()
    assert declared() == {"docs": {"qa"}, "widgets": {"qa", "pypi"}}
    reads = [(request, auth) for request, auth in organization.requests if "/orgs/" in request]
    assert reads == [("GET /orgs/acme/repos?type=all&per_page=100", f"Bearer {TOKEN}")]
    organization.repositories["gadgets"].topics.append("python")
    assert declared() == {"docs": {"qa"}, "widgets": {"qa", "pypi"}, "gadgets": {"qa", "pypi"}}


def test_the_stacks_token_and_owner_are_the_providers(
    project: Path, organization: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    organization.owner = "acme-sandbox"  # the stack's owner override is the organization read
    organization.token = "ghp_stack_config_token_0123456789"
    stack(owner="acme-sandbox", **{"github:token": organization.token})
    assert set(declared()) == {"docs", "widgets"}
    assert {auth for _, auth in organization.requests} == {f"Bearer {organization.token}"}
    assert organization.requests[0][0].startswith("GET /orgs/acme-sandbox/repos")


def test_a_stack_declares_only_its_group(project: Path, organization: FakeGitHub) -> None:
    everything = {"docs", "widgets"}
    shares = []
    for index in range(2):
        stack(group=f"{index}/2")
        shares.append(set(declared()))
    assert shares == [{name for name in everything if group_of(name, 2) == index} for index in range(2)]


@pytest.mark.parametrize(
    ("config", "environ", "message"),
    [
        (
            {"github:appAuth": '{"id": "1", "installationId": "2", "pemFile": "k"}'},
            {},
            "the policy's selectors are resolved with the stack's GitHub token, and there is none: the stack "
            "authenticates as a GitHub App (github:appAuth), whose token the program cannot make: set "
            "GITHUB_TOKEN to an installation token (actions/create-github-app-token)",
        ),
        (
            {},
            {},
            "the policy's selectors are resolved with the stack's GitHub token, and there is none: set "
            "github:token (`pulumi config set --secret github:token`) or GITHUB_TOKEN",
        ),
        (
            {"owner": "elsewhere"},
            {"GITHUB_TOKEN": TOKEN},
            "GET /orgs/elsewhere/repos: HTTP 404: elsewhere is no organization this token can see; selectors "
            "choose among an organization's repositories: check the owner and the token, or list the "
            "repositories by name under `repositories`",
        ),
        ({"group": "2/2"}, {"GITHUB_TOKEN": TOKEN}, "stack config acme-github:group: '2/2' is not a group"),
    ],
)
def test_what_stops_the_run_is_one_line_before_anything_is_declared(
    project: Path,
    organization: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    config: dict[str, str],
    environ: dict[str, str],
    message: str,
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    stack(**config)
    with pytest.raises(pulumi.RunError) as caught:
        declared()
    assert str(caught.value).startswith(message)
    assert TOKEN not in str(caught.value)


def test_selectors_that_disagree_on_a_repository_stop_the_run_located(
    project: Path, organization: FakeGitHub
) -> None:
    policy = project / "config" / "policy.yaml"
    text = policy.read_text().replace("pypi: {}", "pypi: {wait_timer: 1}")
    policy.write_text(
        text.replace(
            "repositories:",
            "  widgets-too:\n    match: {names: [widgets]}\n    settings:\n      environments:\n"
            "        pypi: {wait_timer: 9}\nrepositories:",
        )
    )
    stack()
    with pytest.raises(pulumi.RunError) as caught:
        declared()
    assert str(caught.value) == (
        f"{policy}:17:28: error: selectors.widgets-too.settings.environments.pypi.wait_timer: repository "
        "'widgets' is selected by 'python' too, which sets this differently (line 12): selectors that "
        "select one repository must agree; make them agree, narrow one `match`, or set the value in the "
        "repository's own entry"
    )


def test_a_policy_without_selectors_asks_github_nothing(project: Path, organization: FakeGitHub) -> None:
    policy = project / "config" / "policy.yaml"
    text = policy.read_text()
    policy.write_text(text[: text.index("selectors:")] + "repositories:\n  docs: {}\n")
    stack()
    assert declared() == {"docs": {"qa"}}
    assert organization.requests == []


@pytest.mark.parametrize(
    ("base_url", "rest"),
    [
        ("https://api.github.com/", "https://api.github.com"),
        ("https://github.com", "https://api.github.com"),
        ("https://octo.ghe.com/", "https://api.octo.ghe.com"),
        ("https://api.octo.ghe.com", "https://api.octo.ghe.com"),
        ("https://github.example.com/", "https://github.example.com/api/v3"),
        ("https://github.example.com/api/v3/", "https://github.example.com/api/v3"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/v3"),
    ],
)
def test_a_base_url_is_read_as_the_provider_reads_it(base_url: str, rest: str) -> None:
    assert rest_url(base_url) == rest
