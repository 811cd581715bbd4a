"""Release tags: the ``repoconf release tags`` ruleset (target ``tag``).

Policy side: :class:`~repoconf.policy.model.ReleaseTags`. Live side: ``GET .../rulesets/{id}``
(../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json).
"""

from __future__ import annotations

from typing import Any

from repoconf.concepts.branches import LiveRuleset, strip_ref
from repoconf.policy.model import ReleaseTags, TagOperation

ReleaseTagsView = dict[str, Any]

TAG_RULES = {operation.rule: str(operation) for operation in TagOperation}
"""Ruleset rule type → the policy's operation name (``non_fast_forward`` → ``force_push``)."""


def release_tags_view(tags: ReleaseTags) -> ReleaseTagsView:
    """Policy → view: pattern, exclusions, forbidden operations; always enforced."""
    return {
        "pattern": tags.pattern,
        "except": sorted(tags.except_),
        "protect_from": sorted(str(operation) for operation in tags.protect_from),
        "enforcement": "active",
    }


def tag_ruleset_view(raw: LiveRuleset) -> ReleaseTagsView:
    """Live → view: the release-tag ruleset in policy terms."""
    ref_name = raw.ref_name()
    includes = strip_ref("refs/tags/", ref_name.include)
    return {
        "pattern": includes[0] if len(includes) == 1 else includes,
        "except": strip_ref("refs/tags/", ref_name.exclude),
        "protect_from": sorted(TAG_RULES[rule] for rule in raw.rule_parameters() if rule in TAG_RULES),
        "enforcement": raw.enforcement,
    }
