"""Who may use a repository: team grants and collaborator permissions, as GitHub answers them.

- ``GET /repos/{owner}/{repo}/teams`` (repos/list-teams;
  ../shared/github-api/GET_repos_OWNER_REPO_teams.json): the teams with a permission on the repository,
  each a team object with its ``permission``;
- ``PUT``/``GET /organizations/{org_id}/team/{team_id}/repos/{owner}/{repo}``: what go-github v88's
  ``Teams.AddTeamRepoByID`` / ``IsTeamRepoByID`` send for terraform-provider-github v6.13.0's
  ``github_team_repository`` (resource_github_team_repository.go); the PUT body is
  ``{"permission": ...}``, answered 204; the GET answers the repository (Accept
  ``application/vnd.github.v3.repository+json``) or 404 when the team has no access;
- ``GET /orgs/{org}``: the organization, whose ``id`` the provider reads when it starts (config.go,
  ``Organizations.Get``); no example is vendored, so only the fields the provider reads are sent;
- ``GET /repos/{owner}/{repo}/collaborators/{username}/permission`` (repos/get-collaborator-permission-level):
  ``permission`` is one of GitHub's legacy roles ``admin``, ``write``, ``read``, ``none``.

State lives on :class:`~standin.github.FakeRepository`: ``teams`` (slug → permission) and
``collaborators`` (login → permission).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from standin.github import API_DOCS, _id, decoded, reference, team, user

if TYPE_CHECKING:
    from standin.github import FakeGitHub

PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
NOT_FOUND = (404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"})


def organization(fake: FakeGitHub) -> dict[str, Any]:
    """The organization object's fields the provider reads."""
    oid = _id("org:" + fake.owner)
    return {"login": fake.owner, "id": oid, "node_id": f"O_kgDO{oid}", "type": "Organization"}


ROLE_NAMES = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}


def team_repository(fake: FakeGitHub, name: str, slug: str) -> dict[str, Any]:
    """An item of "List team repositories" (teams/list-repos-in-org): a minimal repository, as the
    vendored ``GET_orgs_ORG_repos`` example shows one, with the team's permission on it.
    """
    teams = fake.repositories[name].teams
    permission = next(level for known, level in teams.items() if known.casefold() == slug.casefold())
    rank = PERMISSIONS.index(permission)
    item = reference("GET_orgs_ORG_repos")[0]
    full = fake._repository(name, fake.repositories[name])
    item.update(
        {key: full[key] for key in ("id", "node_id", "name", "full_name", "owner", "private") if key in full}
    )
    item["permissions"] = {level: rank >= index for index, level in enumerate(PERMISSIONS)}
    item["role_name"] = ROLE_NAMES[permission]
    return dict(item)


def _team_slug(fake: FakeGitHub, team_id: int) -> str | None:
    return next((slug for slug in fake.teams if team(fake.owner, slug)["id"] == team_id), None)


def route(
    fake: FakeGitHub, method: str, path: str, query: dict[str, list[str]], raw: bytes
) -> tuple[int, Any] | None:
    """The answer to a request this module serves, or None."""
    import json

    if method == "GET" and path == f"/orgs/{fake.owner}":
        return 200, organization(fake)
    found = re.fullmatch(rf"/orgs/{re.escape(fake.owner)}/teams/([^/]+)/repos", path)
    if method == "GET" and found:
        if not fake.teams_readable:  # "Members: read" on the organization, as for the teams listing
            return 403, {
                "message": "Resource not accessible by personal access token",
                "documentation_url": API_DOCS,
                "status": "403",
            }
        wanted = decoded(found)[0]
        slug = fake.find_team(wanted)
        if slug is None:
            return NOT_FOUND
        held = [
            name
            for name in sorted(fake.repositories)
            if any(known.casefold() == slug.casefold() for known in fake.repositories[name].teams)
        ]
        return 200, (None, [team_repository(fake, name, slug) for name in held])
    found = re.fullmatch(r"/organizations/(\d+)/team/(\d+)/repos/([^/]+)/([^/]+)", path)
    if found:
        org_text, team_text, owner, name = decoded(found)
        org_id, team_id = int(org_text), int(team_text)
        slug = _team_slug(fake, team_id)
        known = fake.named(owner, name)
        repository = None if known is None else fake.repositories[known]
        if org_id != organization(fake)["id"] or slug is None or repository is None:
            return NOT_FOUND
        if method == "PUT":
            permission = (json.loads(raw or b"{}") or {}).get("permission", "push")
            if permission not in PERMISSIONS:
                return 422, {"message": "Validation Failed", "documentation_url": API_DOCS, "status": "422"}
            repository.teams[slug] = permission
            return 204, None
        if method == "GET":
            return (200, fake._repository(name, repository)) if slug in repository.teams else NOT_FOUND
        return None
    found = re.fullmatch(r"/repos/([^/]+)/([^/]+)/(teams|collaborators/([^/]+)/permission)", path)
    if method != "GET" or found is None:
        return None
    owner, name, kind, login = decoded(found)
    known = fake.named(owner, name)
    if known is None:
        return NOT_FOUND
    repository = fake.repositories[known]
    if kind == "teams":
        listed = [
            {**team(fake.owner, slug), "permission": permission}
            for slug, permission in sorted(repository.teams.items())
        ]
        return 200, (None, listed)
    permission = next(
        (level for known, level in repository.collaborators.items() if known.casefold() == login.casefold()),
        "none",
    )
    return 200, {"permission": permission, "role_name": permission, "user": user(login)}
