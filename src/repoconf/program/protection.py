"""Branch rules (repository rulesets or classic branch protection) and the release-tag ruleset."""

from __future__ import annotations

import pulumi
import pulumi_github as github

from repoconf.concepts.release_tags import ROLE_IDS
from repoconf.concepts.ruleset_titles import (
    RELEASE_TAG_CREATION_RULESET,
    RELEASE_TAG_RULESET,
    branch_ruleset_title,
)
from repoconf.policy.model import BranchRule, ReleaseTags, RepositoryRole, TagCreators, TagOperation
from repoconf.program import logical_names
from repoconf.program.directory import Directory
from repoconf.program.options import OptionPlanner

# With enforce_admins false, repository admins may bypass the branch ruleset, which is what classic
# protection's "Include administrators" off means.
REPOSITORY_ADMIN_ROLE = ROLE_IDS[RepositoryRole.ADMIN]


def declare_branch_ruleset(
    parent: pulumi.Resource, pattern: str, rule: BranchRule, planner: OptionPlanner
) -> github.RepositoryRuleset:
    """A ``repoconf branch <pattern>`` ruleset."""
    checks = rule.check_contexts()
    status_checks = (
        github.RepositoryRulesetRulesRequiredStatusChecksArgs(
            required_checks=[
                github.RepositoryRulesetRulesRequiredStatusChecksRequiredCheckArgs(
                    context=context, integration_id=app_id
                )
                for context, app_id in checks
            ],
            strict_required_status_checks_policy=rule.require_up_to_date,
        )
        if checks
        else None
    )
    bypass = (
        []
        if rule.enforce_admins
        else [
            github.RepositoryRulesetBypassActorArgs(
                actor_id=REPOSITORY_ADMIN_ROLE, actor_type="RepositoryRole", bypass_mode="always"
            )
        ]
    )
    return github.RepositoryRuleset(
        logical_names.branch_rule(planner.repository, pattern),
        name=branch_ruleset_title(pattern),
        repository=planner.repository,
        target="branch",
        enforcement="active",
        conditions=github.RepositoryRulesetConditionsArgs(
            ref_name=github.RepositoryRulesetConditionsRefNameArgs(
                includes=[f"refs/heads/{pattern}"], excludes=[]
            )
        ),
        bypass_actors=bypass,
        rules=github.RepositoryRulesetRulesArgs(
            pull_request=github.RepositoryRulesetRulesPullRequestArgs(
                required_approving_review_count=rule.required_approvals,
                dismiss_stale_reviews_on_push=rule.dismiss_stale_reviews,
                require_code_owner_review=rule.require_code_owner_reviews,
            ),
            required_status_checks=status_checks,
            required_linear_history=rule.linear_history,
            deletion=True,
            non_fast_forward=True,
        ),
        opts=planner.repository_child(parent, rule.protect),
    )


def declare_classic_protection(
    parent: pulumi.Resource,
    pattern: str,
    rule: BranchRule,
    repository_node_id: pulumi.Input[str],
    planner: OptionPlanner,
) -> github.BranchProtection:
    """Classic branch protection; app-pinned checks are reduced to their names (see docs)."""
    return github.BranchProtection(
        logical_names.branch_rule(planner.repository, pattern),
        repository_id=repository_node_id,
        pattern=pattern,
        enforce_admins=rule.enforce_admins,
        required_linear_history=rule.linear_history,
        allows_deletions=False,
        allows_force_pushes=False,
        required_status_checks=[
            github.BranchProtectionRequiredStatusCheckArgs(
                strict=rule.require_up_to_date,
                contexts=[context for context, _ in rule.check_contexts()],
            )
        ]
        if rule.required_status_checks or rule.require_up_to_date
        else [],
        required_pull_request_reviews=[
            github.BranchProtectionRequiredPullRequestReviewArgs(
                required_approving_review_count=rule.required_approvals,
                dismiss_stale_reviews=rule.dismiss_stale_reviews,
                require_code_owner_reviews=rule.require_code_owner_reviews,
            )
        ],
        opts=planner.classic_protection(parent, pattern, rule.protect),
    )


def _tag_ruleset(
    parent: pulumi.Resource,
    logical_name: str,
    title: str,
    tags: ReleaseTags,
    bypass: list[github.RepositoryRulesetBypassActorArgs],
    rules: github.RepositoryRulesetRulesArgs,
    planner: OptionPlanner,
) -> github.RepositoryRuleset:
    """A tag ruleset on the release pattern, its exceptions left out."""
    return github.RepositoryRuleset(
        logical_name,
        name=title,
        repository=planner.repository,
        target="tag",
        enforcement="active",
        conditions=github.RepositoryRulesetConditionsArgs(
            ref_name=github.RepositoryRulesetConditionsRefNameArgs(
                includes=[f"refs/tags/{tags.pattern}"],
                excludes=[f"refs/tags/{pattern}" for pattern in tags.except_],
            )
        ),
        bypass_actors=bypass,
        rules=rules,
        opts=planner.repository_child(parent, tags.protect),
    )


def declare_release_tags(
    parent: pulumi.Resource, tags: ReleaseTags, planner: OptionPlanner
) -> github.RepositoryRuleset:
    """The ``repoconf release tags`` ruleset: matching tags cannot be deleted, moved or force-pushed, by
    anyone (no bypass actors).
    """
    forbidden = set(tags.protect_from)
    # the provider's typed fields, one per TagOperation.rule
    rules = github.RepositoryRulesetRulesArgs(
        deletion=TagOperation.DELETION in forbidden,
        update=TagOperation.UPDATE in forbidden,
        non_fast_forward=TagOperation.FORCE_PUSH in forbidden,
        creation=TagOperation.CREATION in forbidden,
    )
    name = logical_names.release_tags(planner.repository)
    return _tag_ruleset(parent, name, RELEASE_TAG_RULESET, tags, [], rules, planner)


def declare_release_tag_creation(
    parent: pulumi.Resource,
    tags: ReleaseTags,
    creators: TagCreators,
    planner: OptionPlanner,
    directory: Directory,
) -> github.RepositoryRuleset:
    """The ``repoconf release tag creation`` ruleset: only ``created_by``'s teams and roles may create
    matching tags (they are its only bypass actors); ``except`` tags (RCs) stay creatable by writers.
    """
    _, team_ids = directory.reviewer_ids((), creators.teams)
    bypass = [
        github.RepositoryRulesetBypassActorArgs(actor_id=team_id, actor_type="Team", bypass_mode="always")
        for team_id in team_ids
    ] + [
        github.RepositoryRulesetBypassActorArgs(
            actor_id=ROLE_IDS[role], actor_type="RepositoryRole", bypass_mode="always"
        )
        for role in creators.roles
    ]
    rules = github.RepositoryRulesetRulesArgs(creation=True)
    name = logical_names.release_tag_creation(planner.repository)
    return _tag_ruleset(parent, name, RELEASE_TAG_CREATION_RULESET, tags, bypass, rules, planner)
