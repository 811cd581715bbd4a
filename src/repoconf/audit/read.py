"""Read one repository's live settings over GitHub's REST API into the concepts' views.

Requests per repository: the environment listing, per environment its secrets and variables (and its
deployment branch policies when it has custom ones), the repository's secrets and variables, the
ruleset listing and one read per ruleset repoconf manages (or, with classic protection, one per branch
rule). Reviewer objects in the environment listing carry login and slug, so no look-ups are needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from repoconf.concepts.actions import live_secret_names, live_variable_values
from repoconf.concepts.branches import RulesetView, branch_ruleset_view, classic_view
from repoconf.concepts.environments import EnvironmentView, has_custom_policies, live_environment_view
from repoconf.concepts.names import RELEASE_TAG_RULESET, branch_pattern_of
from repoconf.concepts.release_tags import ReleaseTagsView, tag_ruleset_view
from repoconf.github.client import GitHub
from repoconf.github.errors import NotFound


@dataclass
class LiveEnvironment:
    """An environment as GitHub has it."""

    name: str
    view: EnvironmentView
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class LiveRepository:
    """A repository's settings as GitHub has them; ``exists`` false when the repository is not there."""

    name: str
    exists: bool = True
    environments: dict[str, LiveEnvironment] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)
    branch_rulesets: dict[str, RulesetView] = field(default_factory=dict)
    """By branch pattern: rulesets named ``repoconf branch <pattern>``."""
    classic: dict[str, RulesetView | None] = field(default_factory=dict)
    """By branch: classic protection, None where the branch is not protected."""
    release_tags: ReleaseTagsView | None = None
    unmanaged_rulesets: list[str] = field(default_factory=list)
    """Names of rulesets repoconf did not create (reported by ``import``, ignored by the audit)."""


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def read_repository(
    github: GitHub, owner: str, name: str, classic_branches: list[str] | None = None
) -> LiveRepository:
    """Everything the audit compares, for one repository; ``exists=False`` on a 404."""
    repo = _path("repos", owner, name)
    live = LiveRepository(name)
    try:
        raw_environments = list(github.paginate(f"{repo}/environments", "environments"))
    except NotFound:
        live.exists = False
        return live
    for raw in raw_environments:
        env_path = f"{repo}/environments/{quote(raw['name'], safe='')}"
        policies: list[dict[str, Any]] = []
        if has_custom_policies(raw):
            policies = list(github.paginate(f"{env_path}/deployment-branch-policies", "branch_policies"))
        live.environments[raw["name"]] = LiveEnvironment(
            name=raw["name"],
            view=live_environment_view(raw, policies),
            secrets=live_secret_names(github.paginate(f"{env_path}/secrets", "secrets")),
            variables=live_variable_values(github.paginate(f"{env_path}/variables", "variables")),
        )
    live.secrets = live_secret_names(github.paginate(f"{repo}/actions/secrets", "secrets"))
    live.variables = live_variable_values(github.paginate(f"{repo}/actions/variables", "variables"))
    for summary in github.paginate(f"{repo}/rulesets"):
        # Matched by name: the listing's example response in GitHub's reference omits `target`.
        ruleset_name = str(summary.get("name", ""))
        pattern = branch_pattern_of(ruleset_name)
        if pattern is not None:
            live.branch_rulesets[pattern] = branch_ruleset_view(
                github.get(f"{repo}/rulesets/{summary['id']}")
            )
        elif ruleset_name == RELEASE_TAG_RULESET:
            live.release_tags = tag_ruleset_view(github.get(f"{repo}/rulesets/{summary['id']}"))
        else:
            live.unmanaged_rulesets.append(ruleset_name)
    for branch in classic_branches or []:
        try:
            live.classic[branch] = classic_view(
                github.get(f"{repo}/branches/{quote(branch, safe='')}/protection")
            )
        except NotFound:
            live.classic[branch] = None
    return live
