"""Branch rules (repository rulesets or classic branch protection) and the release-tag rulesets.

Every input comes from the concepts' settings tables (:data:`repoconf.concepts.branches.RULESET_TABLE`,
``CLASSIC_TABLE``, :data:`repoconf.concepts.release_tags.PROTECTION_TABLE` and ``CREATION_TABLE``);
what is written here is only each resource's identity: its logical name, title, repository and options.
"""

from __future__ import annotations

import pulumi
import pulumi_github as github

from repoconf.concepts import branches, release_tags
from repoconf.concepts.branches import BranchDeclaration
from repoconf.concepts.ruleset_titles import (
    RELEASE_TAG_CREATION_RULESET,
    RELEASE_TAG_RULESET,
    branch_ruleset_title,
)
from repoconf.concepts.table import provider_inputs
from repoconf.policy.model import BranchRule, ReleaseTags
from repoconf.program import logical_names
from repoconf.program.directory import Directory
from repoconf.program.options import OptionPlanner


def declare_branch_ruleset(
    parent: pulumi.Resource, pattern: str, rule: BranchRule, planner: OptionPlanner, directory: Directory
) -> github.RepositoryRuleset:
    """A ``repoconf branch <pattern>`` ruleset."""
    return github.RepositoryRuleset(
        logical_names.branch_rule(planner.repository, pattern),
        name=branch_ruleset_title(pattern),
        repository=planner.repository,
        **provider_inputs(branches.RULESET_TABLE, BranchDeclaration(pattern, rule), directory.resolve),
        opts=planner.repository_child(parent, rule.protect),
    )


def declare_classic_protection(
    parent: pulumi.Resource,
    pattern: str,
    rule: BranchRule,
    repository_node_id: pulumi.Input[str],
    planner: OptionPlanner,
) -> github.BranchProtection:
    """Classic branch protection of ``pattern``."""
    return github.BranchProtection(
        logical_names.branch_rule(planner.repository, pattern),
        repository_id=repository_node_id,
        pattern=pattern,
        **provider_inputs(branches.CLASSIC_TABLE, BranchDeclaration(pattern, rule)),
        opts=planner.classic_protection(parent, pattern, rule.protect),
    )


def declare_release_tags(
    parent: pulumi.Resource, tags: ReleaseTags, planner: OptionPlanner, directory: Directory
) -> github.RepositoryRuleset:
    """The ``repoconf release tags`` ruleset: matching tags cannot be deleted, moved or force-pushed, by
    anyone (no bypass actors).
    """
    return github.RepositoryRuleset(
        logical_names.release_tags(planner.repository),
        name=RELEASE_TAG_RULESET,
        repository=planner.repository,
        **provider_inputs(release_tags.PROTECTION_TABLE, tags, directory.resolve),
        opts=planner.repository_child(parent, tags.protect),
    )


def declare_release_tag_creation(
    parent: pulumi.Resource, tags: ReleaseTags, planner: OptionPlanner, directory: Directory
) -> github.RepositoryRuleset:
    """The ``repoconf release tag creation`` ruleset: only ``created_by``'s teams and roles may create
    matching tags (they are its only bypass actors); ``except`` tags (RCs) stay creatable by writers.
    """
    return github.RepositoryRuleset(
        logical_names.release_tag_creation(planner.repository),
        name=RELEASE_TAG_CREATION_RULESET,
        repository=planner.repository,
        **provider_inputs(release_tags.CREATION_TABLE, tags, directory.resolve),
        opts=planner.repository_child(parent, tags.protect),
    )
