"""The fine-grained permission each GitHub endpoint repoconf calls requires: one table.

The audit's 403 hints (:mod:`repoconf.live.read`) and the permission tables of docs/guide.md come from
:data:`ENDPOINTS` and :data:`IDENTITIES` (tests/test_docs.py compares the docs with
:func:`markdown_table`). Each row cites the REST reference page that states the permission
("Fine-grained access tokens for ..."); GitHub Apps take the same permissions.

Sources and what they say where it matters:

- environments and deployment branch policies are read with "Actions: read" and written with
  "Administration: write" ("List environments", "Create or update an environment"); the provider reads
  each resource back after writing it, so the deploy identity needs the read permissions too;
- environment secrets and variables are "Environments" permissions, with "Secrets" for secrets
  ("List environment secrets", "List environment variables"), repository ones "Secrets" and
  "Variables";
- a ruleset's ``bypass_actors`` is returned only to a token with write access to the ruleset
  ("Get a repository ruleset"), i.e. "Administration: write": a read-only token leaves them unverified;
- teams: "Members: read" on the organization ("List teams", "Get a team by name"); a repository's teams
  are "Administration: read" ("List repository teams"), granting a team a repository "Administration:
  write" and "Members: read" ("Add or update team repository permissions"); a user's permission on a
  repository "Metadata: read" ("Get repository permissions for a user");
- the selectors' reads: the organization's repositories with "Metadata: read" ("List organization
  repositories"), their custom property values with the organization's "Custom properties: read" ("List
  custom property values for organization repositories": "Organization members can read these
  properties"), one repository's values with "Metadata: read" ("Get all custom property values for a
  repository").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

REST = "https://docs.github.com/rest"


class Access(StrEnum):
    """A permission's level; write includes read."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, order=True)
class Permission:
    """A fine-grained permission: its scope (repository or organization), name and access."""

    scope: str
    name: str
    access: Access

    def __str__(self) -> str:
        return f'"{self.name}: {self.access}"'


def _repo(name: str, access: Access = Access.READ) -> Permission:
    return Permission("repository", name, access)


def _org(name: str, access: Access = Access.READ) -> Permission:
    return Permission("organization", name, access)


READ, WRITE = Access.READ, Access.WRITE


@dataclass(frozen=True)
class Endpoint:
    """One REST operation, the permissions a fine-grained token needs for it, and the page saying so."""

    method: str
    path: str
    """The reference's path template: ``/repos/{owner}/{repo}/environments``."""
    permissions: tuple[Permission, ...]
    docs: str

    def matches(self, method: str, path: str) -> bool:
        """Whether a concrete request (``GET``, ``/repos/acme/widgets/environments``) is this operation."""
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(self.path))
        return method == self.method and re.fullmatch(pattern, path.split("?", 1)[0]) is not None

    @property
    def operation(self) -> str:
        """``GET /repos/{owner}/{repo}/environments``."""
        return f"{self.method} {self.path}"


_REPO = "/repos/{owner}/{repo}"
_ENV = _REPO + "/environments/{environment_name}"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", _REPO, (_repo("Metadata"),), f"{REST}/repos/repos#get-a-repository"),
    Endpoint(
        "GET",
        _REPO + "/environments",
        (_repo("Actions"),),
        f"{REST}/deployments/environments#list-environments",
    ),
    Endpoint("GET", _ENV, (_repo("Actions"),), f"{REST}/deployments/environments#get-an-environment"),
    Endpoint(
        "PUT",
        _ENV,
        (_repo("Administration", WRITE),),
        f"{REST}/deployments/environments#create-or-update-an-environment",
    ),
    Endpoint(
        "DELETE",
        _ENV,
        (_repo("Administration", WRITE),),
        f"{REST}/deployments/environments#delete-an-environment",
    ),
    Endpoint(
        "GET",
        _ENV + "/deployment-branch-policies",
        (_repo("Actions"),),
        f"{REST}/deployments/branch-policies#list-deployment-branch-policies",
    ),
    Endpoint(
        "GET",
        _ENV + "/deployment-branch-policies/{branch_policy_id}",
        (_repo("Actions"),),
        f"{REST}/deployments/branch-policies#get-a-deployment-branch-policy",
    ),
    Endpoint(
        "POST",
        _ENV + "/deployment-branch-policies",
        (_repo("Administration", WRITE),),
        f"{REST}/deployments/branch-policies#create-a-deployment-branch-policy",
    ),
    Endpoint(
        "DELETE",
        _ENV + "/deployment-branch-policies/{branch_policy_id}",
        (_repo("Administration", WRITE),),
        f"{REST}/deployments/branch-policies#delete-a-deployment-branch-policy",
    ),
    Endpoint(
        "GET",
        _ENV + "/secrets",
        (_repo("Environments"), _repo("Secrets")),
        f"{REST}/actions/secrets#list-environment-secrets",
    ),
    Endpoint(
        "GET",
        _ENV + "/secrets/public-key",
        (_repo("Environments"), _repo("Secrets")),
        f"{REST}/actions/secrets#get-an-environment-public-key",
    ),
    Endpoint(
        "GET",
        _ENV + "/secrets/{secret_name}",
        (_repo("Environments"), _repo("Secrets")),
        f"{REST}/actions/secrets#get-an-environment-secret",
    ),
    Endpoint(
        "PUT",
        _ENV + "/secrets/{secret_name}",
        (_repo("Environments", WRITE), _repo("Secrets")),
        f"{REST}/actions/secrets#create-or-update-an-environment-secret",
    ),
    Endpoint(
        "DELETE",
        _ENV + "/secrets/{secret_name}",
        (_repo("Environments", WRITE), _repo("Secrets")),
        f"{REST}/actions/secrets#delete-an-environment-secret",
    ),
    Endpoint(
        "GET",
        _ENV + "/variables",
        (_repo("Environments"),),
        f"{REST}/actions/variables#list-environment-variables",
    ),
    Endpoint(
        "GET",
        _ENV + "/variables/{name}",
        (_repo("Environments"),),
        f"{REST}/actions/variables#get-an-environment-variable",
    ),
    Endpoint(
        "POST",
        _ENV + "/variables",
        (_repo("Environments", WRITE),),
        f"{REST}/actions/variables#create-an-environment-variable",
    ),
    Endpoint(
        "PATCH",
        _ENV + "/variables/{name}",
        (_repo("Environments", WRITE),),
        f"{REST}/actions/variables#update-an-environment-variable",
    ),
    Endpoint(
        "DELETE",
        _ENV + "/variables/{name}",
        (_repo("Environments", WRITE),),
        f"{REST}/actions/variables#delete-an-environment-variable",
    ),
    Endpoint(
        "GET",
        _REPO + "/actions/secrets",
        (_repo("Secrets"),),
        f"{REST}/actions/secrets#list-repository-secrets",
    ),
    Endpoint(
        "GET",
        _REPO + "/actions/secrets/public-key",
        (_repo("Secrets"),),
        f"{REST}/actions/secrets#get-a-repository-public-key",
    ),
    Endpoint(
        "GET",
        _REPO + "/actions/secrets/{secret_name}",
        (_repo("Secrets"),),
        f"{REST}/actions/secrets#get-a-repository-secret",
    ),
    Endpoint(
        "PUT",
        _REPO + "/actions/secrets/{secret_name}",
        (_repo("Secrets", WRITE),),
        f"{REST}/actions/secrets#create-or-update-a-repository-secret",
    ),
    Endpoint(
        "DELETE",
        _REPO + "/actions/secrets/{secret_name}",
        (_repo("Secrets", WRITE),),
        f"{REST}/actions/secrets#delete-a-repository-secret",
    ),
    Endpoint(
        "GET",
        _REPO + "/actions/variables",
        (_repo("Variables"),),
        f"{REST}/actions/variables#list-repository-variables",
    ),
    Endpoint(
        "GET",
        _REPO + "/actions/variables/{name}",
        (_repo("Variables"),),
        f"{REST}/actions/variables#get-a-repository-variable",
    ),
    Endpoint(
        "POST",
        _REPO + "/actions/variables",
        (_repo("Variables", WRITE),),
        f"{REST}/actions/variables#create-a-repository-variable",
    ),
    Endpoint(
        "PATCH",
        _REPO + "/actions/variables/{name}",
        (_repo("Variables", WRITE),),
        f"{REST}/actions/variables#update-a-repository-variable",
    ),
    Endpoint(
        "DELETE",
        _REPO + "/actions/variables/{name}",
        (_repo("Variables", WRITE),),
        f"{REST}/actions/variables#delete-a-repository-variable",
    ),
    Endpoint(
        "GET", _REPO + "/rulesets", (_repo("Metadata"),), f"{REST}/repos/rules#get-all-repository-rulesets"
    ),
    Endpoint(
        "GET",
        _REPO + "/rulesets/{ruleset_id}",
        (_repo("Metadata"),),
        f"{REST}/repos/rules#get-a-repository-ruleset",
    ),
    Endpoint(
        "POST",
        _REPO + "/rulesets",
        (_repo("Administration", WRITE),),
        f"{REST}/repos/rules#create-a-repository-ruleset",
    ),
    Endpoint(
        "PUT",
        _REPO + "/rulesets/{ruleset_id}",
        (_repo("Administration", WRITE),),
        f"{REST}/repos/rules#update-a-repository-ruleset",
    ),
    Endpoint(
        "DELETE",
        _REPO + "/rulesets/{ruleset_id}",
        (_repo("Administration", WRITE),),
        f"{REST}/repos/rules#delete-a-repository-ruleset",
    ),
    Endpoint(
        "GET",
        _REPO + "/branches/{branch}/protection",
        (_repo("Administration"),),
        f"{REST}/branches/branch-protection#get-branch-protection",
    ),
    Endpoint(
        "PUT",
        _REPO + "/branches/{branch}/protection",
        (_repo("Administration", WRITE),),
        f"{REST}/branches/branch-protection#update-branch-protection",
    ),
    Endpoint("GET", _REPO + "/git/trees/{tree_sha}", (_repo("Contents"),), f"{REST}/git/trees#get-a-tree"),
    Endpoint(
        "GET",
        _REPO + "/contents/{path}",
        (_repo("Contents"),),
        f"{REST}/repos/contents#get-repository-content",
    ),
    Endpoint(
        "GET", _REPO + "/teams", (_repo("Administration"),), f"{REST}/repos/repos#list-repository-teams"
    ),
    Endpoint(
        "GET",
        _REPO + "/collaborators/{username}/permission",
        (_repo("Metadata"),),
        f"{REST}/collaborators/collaborators#get-repository-permissions-for-a-user",
    ),
    Endpoint("GET", _REPO + "/branches", (_repo("Contents"),), f"{REST}/branches/branches#list-branches"),
    Endpoint(
        "PUT",
        "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
        (_repo("Administration", WRITE), _org("Members")),
        f"{REST}/teams/teams#add-or-update-team-repository-permissions",
    ),
    Endpoint(
        "GET",
        "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
        (_repo("Metadata"), _org("Members")),
        f"{REST}/teams/teams#check-team-permissions-for-a-repository",
    ),
    Endpoint(
        "GET",
        "/orgs/{org}/teams/{team_slug}/repos",
        (_org("Members"), _repo("Metadata")),
        f"{REST}/teams/teams#list-team-repositories",
    ),
    Endpoint("GET", "/orgs/{org}/teams", (_org("Members"),), f"{REST}/teams/teams#list-teams"),
    Endpoint(
        "GET", "/orgs/{org}/repos", (_repo("Metadata"),), f"{REST}/repos/repos#list-organization-repositories"
    ),
    Endpoint(
        "GET",
        "/orgs/{org}/properties/values",
        (_org("Custom properties"),),
        f"{REST}/orgs/custom-properties#list-custom-property-values-for-organization-repositories",
    ),
    Endpoint(
        "GET",
        _REPO + "/properties/values",
        (_repo("Metadata"),),
        f"{REST}/repos/custom-properties#get-all-custom-property-values-for-a-repository",
    ),
    Endpoint(
        "GET", "/orgs/{org}/teams/{team_slug}", (_org("Members"),), f"{REST}/teams/teams#get-a-team-by-name"
    ),
    Endpoint("GET", _REPO + "/issues", (_repo("Issues"),), f"{REST}/issues/issues#list-repository-issues"),
    Endpoint("POST", _REPO + "/issues", (_repo("Issues", WRITE),), f"{REST}/issues/issues#create-an-issue"),
    Endpoint(
        "PATCH",
        _REPO + "/issues/{issue_number}",
        (_repo("Issues", WRITE),),
        f"{REST}/issues/issues#update-an-issue",
    ),
    Endpoint(
        "POST",
        _REPO + "/issues/{issue_number}/comments",
        (_repo("Issues", WRITE),),
        f"{REST}/issues/comments#create-an-issue-comment",
    ),
)

_READS = tuple(e.operation for e in ENDPOINTS if e.method == "GET" and "/issues" not in e.path)
_CONTENT = ("/git/trees/", "/contents/")
"""The managed repository's files: the audit reads them, the provider never does."""
_WRITES = tuple(
    e.operation
    for e in ENDPOINTS
    if e.method != "GET" and "/issues" not in e.path and "/branches/" not in e.path
)


@dataclass(frozen=True)
class Identity:
    """A token repoconf's workflows use, and every operation made with it."""

    secret: str
    who: str
    operations: tuple[str, ...]


IDENTITIES: dict[str, Identity] = {
    "read": Identity(
        "REPOCONF_READ_TOKEN",
        "`repoconf audit` in preview.yml, the plan job of deploy.yml (`pulumi import`, `pulumi preview`: "
        "the provider's reads and team look-ups, the program's selector reads), `repoconf adopt`, "
        "`repoconf import`",
        _READS,
    ),
    "drift": Identity(
        "REPOCONF_DRIFT_TOKEN",
        "`repoconf audit` in drift.yml, a read-only token of its own: its cache is keyed with it, so no "
        "pull request's run may hold it (docs/security.md)",
        _READS,
    ),
    "deploy": Identity(
        "REPOCONF_GITHUB_TOKEN",
        "the apply job of deploy.yml (`pulumi up --plan`): the provider writes each resource and reads it "
        "back, and looks up teams; the program reads the repositories its selectors choose from",
        tuple(op for op in _READS if not any(part in op for part in _CONTENT)) + _WRITES,
    ),
}
"""The workflows' own ``GITHUB_TOKEN`` (the drift issue, the pull-request comment) and the release
workflow's jobs get their permissions from the workflow files' ``permissions:`` blocks instead."""


def endpoint(method: str, path: str) -> Endpoint | None:
    """The table's row for a concrete request, or None."""
    return next((e for e in ENDPOINTS if e.matches(method, path)), None)


def needed(method: str, path: str) -> str | None:
    """What a fine-grained token needs for the request, as the 403 hint says it, or None when the table
    does not know the request.
    """
    row = endpoint(method, path)
    if row is None:
        return None
    return " and ".join(str(permission) for permission in row.permissions)


def identity_permissions(identity: Identity) -> dict[tuple[str, str], tuple[Access, list[str]]]:
    """Per (scope, name): the highest access the identity's operations need, and the pages requiring it."""
    rows = {e.operation: e for e in ENDPOINTS}
    needs: dict[tuple[str, str], tuple[Access, list[str]]] = {}
    for operation in identity.operations:
        for permission in rows[operation].permissions:
            key = (permission.scope, permission.name)
            access, pages = needs.get(key, (READ, []))
            if permission.access is WRITE and access is READ:
                access, pages = WRITE, []
            if permission.access is access and rows[operation].docs not in pages:
                pages.append(rows[operation].docs)
            needs[key] = (access, pages)
    return needs


def markdown_table(name: str) -> str:
    """The docs' table of one identity: each permission, its access, and the pages that require it."""
    identity = IDENTITIES[name]
    lines = ["| permission | access | required by |", "| --- | --- | --- |"]
    for (scope, permission), (access, pages) in sorted(identity_permissions(identity).items()):
        links = ", ".join(f"[{page.rsplit('#', 1)[1].replace('-', ' ')}]({page})" for page in pages)
        lines.append(f"| {scope}: {permission} | {access} | {links} |")
    return "\n".join(lines)
