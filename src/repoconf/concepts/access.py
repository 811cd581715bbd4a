"""Access: the permission each team has on the repository, and whether every reviewer can approve.

Policy side: ``access.teams`` (slug → ``pull`` … ``admin``). Provider side: one ``github.TeamRepository``
per team (terraform-provider-github v6.13.0 resource_github_team_repository.go: ``permission`` defaults to
``pull``), inputs from :data:`TABLE`. Live side: ``GET /repos/{owner}/{repo}/teams``
(../shared/github-api/GET_repos_OWNER_REPO_teams.json: each team with its ``permission``) and, for a user
reviewer, ``GET /repos/{owner}/{repo}/collaborators/{username}/permission``.

A team the policy does not list keeps whatever access it has: the program grants, it never revokes, so
such a team is no drift. An environment reviewer without read access never gets asked to approve (GitHub
only requests reviews from people who can see the repository): the audit reports each such reviewer at
``environments.<env>.reviewers.<name>``. A team counts when the repository's teams listing shows it; one
whose members read only through the organization's base permission is reported too: grant it explicitly,
so approvals do not depend on the base permission.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from repoconf.concepts.live import LiveModel
from repoconf.concepts.table import Row
from repoconf.policy.model import RepositorySettings, TeamPermission

NO_ACCESS = "none"


@dataclass(frozen=True)
class TeamGrant:
    """One team of ``access.teams`` and the permission the policy grants it."""

    slug: str
    permission: TeamPermission


class LiveRepositoryTeam(LiveModel):
    """An item of ``GET /repos/{owner}/{repo}/teams``."""

    id: int
    slug: str
    permission: str | None = None


class LiveCollaboratorPermission(LiveModel):
    """``GET /repos/{owner}/{repo}/collaborators/{username}/permission``: ``none`` when the user cannot
    read the repository.
    """

    permission: str


def _judge(before: str, after: str) -> str | None:
    if TeamPermission(after).rank < TeamPermission(before).rank:
        return f"the team's permission is lowered from {before} to {after}"
    return None


TABLE: tuple[Row[TeamGrant, LiveRepositoryTeam], ...] = (
    Row(
        "permission",
        lambda grant: str(grant.permission),
        lambda team: team.permission,
        provider="permission",
        field="permission",
        judge=_judge,
    ),
)
"""One team's grant (a ``github.TeamRepository``; its team and repository are its identity)."""


VALUE_FIELDS = {"Access": ("teams",)}
"""``access`` is mapped team by team (a :class:`TeamGrant` each, checked by the completeness test)."""


def grants(settings: RepositorySettings) -> list[TeamGrant]:
    """The teams the policy grants a permission, sorted by slug."""
    access = settings.access
    if access is None:
        return []
    return [TeamGrant(slug, permission) for slug, permission in sorted(access.teams.items())]


def reviewer_names(settings: RepositorySettings) -> Iterator[tuple[str, str, str]]:
    """Every environment reviewer: (environment, ``users`` | ``teams``, name)."""
    for name, environment in settings.environments.items():
        reviewers = environment.reviewers
        if reviewers is None:
            continue
        for login in reviewers.users:
            yield name, "users", login
        for slug in reviewers.teams:
            yield name, "teams", slug


@dataclass(frozen=True)
class ReviewerWithoutAccess:
    """An environment reviewer who cannot read the repository, and how to fix it."""

    path: str
    fix: str


def reviewers_without_access(
    settings: RepositorySettings, teams: Mapping[str, bool | None], users: Mapping[str, str | None]
) -> tuple[list[ReviewerWithoutAccess], list[str]]:
    """Reviewers who cannot approve, and the paths that could not be verified: ``teams`` maps each
    reviewer team's folded slug to whether it has a permission on the repository (None: unknown),
    ``users`` each reviewer login (folded) to its permission (None: unknown).
    """
    found: list[ReviewerWithoutAccess] = []
    unverified: list[str] = []
    for environment, kind, name in reviewer_names(settings):
        path = f"environments.{environment}.reviewers.{name}"
        if kind == "teams":
            access = teams.get(name.casefold())
            if access is None:
                unverified.append(path)
            elif not access:
                found.append(
                    ReviewerWithoutAccess(
                        path,
                        f"team {name} has no permission on the repository, so it is never asked to "
                        f"approve: grant it (`access: {{teams: {{{name}: pull}}}}`)",
                    )
                )
        else:
            permission = users.get(name.casefold())
            if permission is None:
                unverified.append(path)
            elif permission == NO_ACCESS:
                found.append(
                    ReviewerWithoutAccess(
                        path,
                        f"user {name} cannot read the repository, so they are never asked to approve: add "
                        "them to a team with access, or as a collaborator",
                    )
                )
    return found, unverified


def restore_access(teams: Mapping[str, LiveRepositoryTeam]) -> dict[str, Any]:
    """Import: every team's permission as ``access.teams`` (what GitHub shows, sorted)."""
    written = {
        team.slug: team.permission
        for team in sorted(teams.values(), key=lambda team: team.slug)
        if team.permission in {str(permission) for permission in TeamPermission}
    }
    return {"teams": written} if written else {}
