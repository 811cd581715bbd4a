"""Round-trip glue: render a policy with repoconf's own program, then apply what it declares to the
stand-in through the provider emulator (standin/provider.py), as `pulumi up` would.

The program's look-ups (``getUser``, ``getTeam``, ``getRepository``) are answered by the stand-in over
HTTP, as the provider's data sources answer them (``GET /users/{login}``,
``GET /orgs/{org}/teams/{slug}``, ``GET /repos/{owner}/{repo}``), so the ids in the declarations are the
stand-in's. This module calls repoconf only to render; the emulator and the stand-in never do.

Usage (a started :class:`~standin.github.FakeGitHub` ``fake``)::

    provider = apply_policy(fake, policy_text, "policy.yaml")   # repositories created as needed
    fake.repositories["widgets"].environments["qa"].wait_timer = 5  # or any REST write with fake.token
    provider.reapply(provider.declared)                          # restores what the program declares
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from pulumi.runtime.mocks import MockCallArgs

from repoconf.concepts.access import reviewer_names
from repoconf.policy.loader import load_text
from repoconf.policy.model import ExternalSource, RepositorySettings
from repoconf.render.mocks import Declaration, RenderMocks
from repoconf.render.run import render
from standin.github import FakeGitHub, FakeRepository, team_slug
from standin.provider import Declared, Provider, path_escape


class StandInLookups(RenderMocks):
    """Render mocks whose look-ups read the stand-in, as the provider's data sources do
    (data_source_github_user.go: ``Users.Get``; data_source_github_team.go: ``Teams.GetTeamBySlug``;
    data_source_github_repository.go: ``Repositories.Get``). ``enroll``: add every login and slug looked
    up to the stand-in's accounts first (an organization with every member the policy names);
    otherwise an unknown one fails as the data source fails on GitHub's 404.
    """

    def __init__(self, fake: FakeGitHub, enroll: bool = True) -> None:
        super().__init__()
        self.fake = fake
        self.enroll = enroll

    def _get(self, path: str) -> dict[str, Any]:
        answer = httpx.get(self.fake.base + path, headers={"Authorization": f"Bearer {self.fake.token}"})
        if answer.status_code != 200:
            raise LookupError(f"GET {path}: {answer.status_code} {answer.json().get('message')}")
        return dict(answer.json())

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """The data sources' answers, from the stand-in."""
        token = args.token
        self.lookups[token] += 1
        if token == "github:index/getUser:getUser":
            login = str(args.args.get("username"))
            if self.enroll and self.fake.find_user(login) is None:
                self.fake.users.add(login)
            found = self._get(f"/users/{login}")
            return {
                "id": str(found["id"]),
                "login": found["login"],
                "username": login,
                "nodeId": found["node_id"],
            }, []
        if token == "github:index/getTeam:getTeam":
            slug = str(args.args.get("slug"))
            if self.enroll and self.fake.find_team(slug) is None:
                self.fake.add_team(slug)  # a team of that name: its slug is GitHub's (lower-case)
            found = self._get(f"/orgs/{self.fake.owner}/teams/{slug}")
            return {"id": str(found["id"]), "slug": found["slug"], "nodeId": found["node_id"]}, []
        if token == "github:index/getRepository:getRepository":
            full_name = str(args.args.get("fullName") or args.args.get("full_name"))
            found = self._get(f"/repos/{full_name}")
            return {"nodeId": found["node_id"], "fullName": found["full_name"], "id": found["full_name"]}, []
        return super().call(args)


def render_against(
    fake: FakeGitHub, text: str, path: str = "policy.yaml", enroll: bool = True
) -> list[Declaration]:
    """What repoconf's program declares for this policy, its look-ups answered by the stand-in; every
    repository the policy lists is created first (empty) if the stand-in does not have it.
    """
    loaded = load_text(text, path)
    for name in loaded.policy.repositories:
        fake.repositories.setdefault(name, FakeRepository())
    return render(loaded, mocks=StandInLookups(fake, enroll)).declarations


class AppliedPolicy(Provider):
    """A provider that remembers what it applied (``declared``), for :meth:`Provider.reapply`."""

    declared: Sequence[Declared | dict[str, Any]] = ()


def deploy_declared(
    fake: FakeGitHub, resources: Sequence[Declared | dict[str, Any]], imports: Sequence[dict[str, Any]] = ()
) -> AppliedPolicy:
    """Apply declarations (``render --format json``'s resources, or ``Declaration`` objects) to the
    stand-in through the provider emulator, with the stand-in's write token. ``imports``: `pulumi import
    --file` documents (`repoconf adopt`'s) imported first, as deploy.yml's plan job does, so that `pulumi
    up` updates the resources they name instead of creating them again.
    """
    provider = AppliedPolicy(fake.base, fake.token, fake.owner)
    provider.declared = resources
    for document in imports:
        provider.import_document(document)
    provider.reapply(resources)  # nothing imported: every resource created, as `apply`
    return provider


def set_secret(fake: FakeGitHub, repository: str, name: str, environment: str | None = None) -> None:
    """What `gh secret set NAME [--env ENV] --repo OWNER/REPO` sends: read the public key, PUT a value
    sealed with it (a stand-in's sealed box, as in standin/provider.py).
    """
    base = f"{fake.base}/repos/{fake.owner}/{repository}"
    scope = f"/environments/{path_escape(environment)}" if environment else "/actions"
    headers = {"Authorization": f"Bearer {fake.token}"}
    key = httpx.get(f"{base}{scope}/secrets/public-key", headers=headers)
    key.raise_for_status()
    body = {"encrypted_value": Provider.sealed("set outside repoconf"), "key_id": key.json()["key_id"]}
    httpx.put(f"{base}{scope}/secrets/{name}", headers=headers, json=body).raise_for_status()


def grant_reviewers(repository: FakeRepository, settings: RepositorySettings) -> None:
    """The organization around a policy: every environment reviewer can read the repository (a team grant
    or a collaborator made outside repoconf), unless the policy's own ``access`` grants it.
    """
    for _, kind, name in reviewer_names(settings):
        if kind == "teams":
            repository.teams.setdefault(team_slug(name), "pull")
        else:
            repository.collaborators.setdefault(name, "read")


def apply_policy(
    fake: FakeGitHub,
    text: str,
    path: str = "policy.yaml",
    enroll: bool = True,
    external: bool = True,
    imports: Sequence[dict[str, Any]] = (),
) -> AppliedPolicy:
    """Render the policy against the stand-in and apply it through the provider emulator (after the
    ``imports`` documents, see :func:`deploy_declared`); with ``external``, then set each ``{external:
    true}`` secret as its owner would by hand (`gh secret set`).
    """
    provider = deploy_declared(fake, render_against(fake, text, path, enroll), imports)
    if external:
        for repository, settings in load_text(text, path).policy.repositories.items():
            for name, source in settings.secrets.items():
                if isinstance(source, ExternalSource):
                    set_secret(fake, repository, name)
            for env_name, env in settings.environments.items():
                for name, source in env.secrets.items():
                    if isinstance(source, ExternalSource):
                        set_secret(fake, repository, name, env_name)
    return provider
