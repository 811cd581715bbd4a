"""Adoption: the program's own declarations for one repository, matched with GitHub's live ids.

`pulumi import --file` (Pulumi 3.94 or later: empty component parents and parents named in the same
file) imports each entry under the logical name, type and parent the program declares, with the explicit
provider, so that the next `pulumi up` finds every existing resource in the stack: no create, replace or
delete, only updates where the program's inputs differ (secret values, which GitHub never returns).

Import ids are the provider's own (pulumi-github's "Import" sections): ``repo:env`` with ``:`` in an
environment name escaped as ``??``; ``repo:env:policy_id``; ``repo:env:NAME`` for environment secrets and
variables; ``repo:NAME`` for repository secrets and variables; ``repo:ruleset_id``; ``repo:pattern`` for
classic branch protection; ``team_id:repo`` for a team's grant (resource_github_team_repository.go's
Importer, v6.13.0). What does not exist on GitHub yet is left out: `pulumi up` creates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from repoconf.live.read import LiveRepository
from repoconf.program.logical_names import team_access
from repoconf.render.mocks import Declaration

PROVIDER_ENTRY = "github"
COMPONENT = "repoconf:index:Repository"


def escape_environment(name: str) -> str:
    """The provider's id escaping of environment names: ``:`` becomes ``??``."""
    return name.replace(":", "??")


@dataclass
class LiveIds:
    """What exists on GitHub, with the ids the provider imports by; names folded as GitHub compares them."""

    environments: set[str] = field(default_factory=set)
    policies: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """(environment, "branch" | "tag", pattern) → deployment policy id."""
    environment_secrets: set[tuple[str, str]] = field(default_factory=set)
    environment_variables: set[tuple[str, str]] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    rulesets: dict[str, int] = field(default_factory=dict)
    """The repository's own rulesets by name."""
    protected_branches: set[str] = field(default_factory=set)
    teams: dict[str, int] = field(default_factory=dict)
    """Teams with a permission on the repository: slug → team id (empty when they were not listed)."""


def live_ids(live: LiveRepository) -> LiveIds:
    """The ids the provider imports by, from what the audit's reader read of the repository."""
    ids = LiveIds(rulesets=dict(live.ruleset_ids))
    for name, answer in live.environments.items():
        env = name.casefold()
        ids.environments.add(env)
        for policy in answer.policies:
            ids.policies[(env, policy.type or "branch", policy.name)] = policy.id
        ids.environment_secrets |= {(env, secret.casefold()) for secret in answer.secrets}
        ids.environment_variables |= {(env, variable.casefold()) for variable in answer.variables}
    ids.secrets = {secret.casefold() for secret in live.actions.secrets}
    ids.variables = {variable.casefold() for variable in live.actions.variables}
    ids.protected_branches = {branch for branch, raw in live.classic.items() if raw is not None}
    ids.teams = {slug.casefold(): team.id for slug, team in (live.teams or {}).items()}
    return ids


def import_id(declaration: Declaration, ids: LiveIds, repo: str) -> str | None:
    """The provider import id of a declared resource of repository ``repo`` that exists on GitHub, or None.

    The repository is passed, not read from the inputs: classic protection names it by node id only.
    """
    inputs = declaration.inputs
    kind = declaration.type.rsplit(":", 1)[-1]
    environment = str(inputs.get("environment", ""))
    env, folded = escape_environment(environment), environment.casefold()
    if kind == "RepositoryEnvironment":
        return f"{repo}:{env}" if folded in ids.environments else None
    if kind == "RepositoryEnvironmentDeploymentPolicy":
        ref = "tag" if inputs.get("tagPattern") else "branch"
        pattern = str(inputs.get("tagPattern") or inputs.get("branchPattern"))
        policy = ids.policies.get((folded, ref, pattern))
        return None if policy is None else f"{repo}:{env}:{policy}"
    if kind == "ActionsEnvironmentSecret":
        name = str(inputs["secretName"])
        return f"{repo}:{env}:{name}" if (folded, name.casefold()) in ids.environment_secrets else None
    if kind == "ActionsEnvironmentVariable":
        name = str(inputs["variableName"])
        return f"{repo}:{env}:{name}" if (folded, name.casefold()) in ids.environment_variables else None
    if kind == "ActionsSecret":
        name = str(inputs["secretName"])
        return f"{repo}:{name}" if name.casefold() in ids.secrets else None
    if kind == "ActionsVariable":
        name = str(inputs["variableName"])
        return f"{repo}:{name}" if name.casefold() in ids.variables else None
    if kind == "RepositoryRuleset":
        ruleset = ids.rulesets.get(str(inputs["name"]))
        return None if ruleset is None else f"{repo}:{ruleset}"
    if kind == "BranchProtection":
        pattern = str(inputs["pattern"])
        return f"{repo}:{pattern}" if pattern in ids.protected_branches else None
    if kind == "TeamRepository":
        # the team is the slug in its logical name (its input is the id the program looked up)
        prefix = team_access(repo, "")
        if not declaration.name.startswith(prefix):
            return None
        team = ids.teams.get(declaration.name[len(prefix) :].casefold())
        return None if team is None else f"{team}:{repo}"
    return None


@dataclass(frozen=True)
class Adoption:
    """The import document and what it leaves to `pulumi up`."""

    document: dict[str, Any]
    created: list[str]
    """Logical names of declared resources that do not exist on GitHub yet."""


def plan(
    declarations: list[Declaration], ids: LiveIds, repository: str, stack: str, project: str
) -> Adoption:
    """The `pulumi import --file` document for one repository's declarations."""
    resources: list[dict[str, Any]] = []
    created: list[str] = []
    imported: set[str] = set()
    for declaration in declarations:
        if declaration.type.startswith("pulumi:providers:"):
            continue
        if declaration.type == COMPONENT:
            resources.append({"type": COMPONENT, "name": declaration.name, "component": True})
            imported.add(declaration.name)
            continue
        found = import_id(declaration, ids, repository)
        if found is None or (declaration.parent is not None and declaration.parent not in imported):
            created.append(declaration.name)
            continue
        entry: dict[str, Any] = {"type": declaration.type, "name": declaration.name, "id": found}
        if declaration.parent is not None:
            entry["parent"] = declaration.parent
        entry["provider"] = PROVIDER_ENTRY
        resources.append(entry)
        imported.add(declaration.name)
    provider_urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:github::{PROVIDER_ENTRY}"
    return Adoption({"nameTable": {PROVIDER_ENTRY: provider_urn}, "resources": resources}, created)
