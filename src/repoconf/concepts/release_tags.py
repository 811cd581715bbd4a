"""Release tags: the ``repoconf release tags`` ruleset and, with ``created_by``, ``repoconf release tag
creation`` (both target ``tag``).

Policy side: :class:`~repoconf.policy.model.ReleaseTags`. Live side: ``GET .../rulesets/{id}``
(../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json). The first ruleset forbids the
operations of ``protect_from`` to everyone: it has no bypass actors. The second forbids ``creation``
and lists ``created_by``'s teams and roles as its only bypass actors, so they alone may push a
production tag.

Bypass actors are compared as ``team:<slug>`` and ``role:<name>``. GitHub returns them as numeric ids
(``actor_id``), and only to callers with write access to the ruleset (absent: unverified).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from repoconf.concepts.branches import LiveRuleset, strip_ref
from repoconf.concepts.live import UNVERIFIED
from repoconf.policy.model import ReleaseTags, RepositoryRole, TagOperation

ReleaseTagsView = dict[str, Any]

TAG_RULES = {operation.rule: str(operation) for operation in TagOperation}
"""Ruleset rule type → the policy's operation name (``non_fast_forward`` → ``force_push``)."""

ROLE_IDS = {RepositoryRole.MAINTAIN: 2, RepositoryRole.WRITE: 4, RepositoryRole.ADMIN: 5}
"""GitHub's base repository roles as ``RepositoryRole`` bypass actor ids (the provider's documentation,
integrations/terraform-provider-github website/docs/r/repository_ruleset.html.markdown, "bypass_actors":
maintain 2, write 4, admin 5)."""

TeamNames = Callable[[int], str | None]
"""A team's slug by id, or None when it cannot be known (a token that cannot list the owner's teams)."""


def tag_creators(tags: ReleaseTags) -> list[str]:
    """Policy → view: ``created_by`` as bypass actor names, sorted."""
    creators = tags.created_by
    if creators is None:
        return []
    return sorted([f"team:{slug}" for slug in creators.teams] + [f"role:{role}" for role in creators.roles])


def _policy_view(tags: ReleaseTags, protect_from: list[str], bypassed_by: list[str]) -> ReleaseTagsView:
    """A release-tag ruleset on the policy's pattern and exceptions, in the shape of the live view."""
    return {
        "pattern": tags.pattern,
        "except": sorted(tags.except_),
        "protect_from": protect_from,
        "enforcement": "active",
        "bypassed_by": bypassed_by,
    }


def release_tags_view(tags: ReleaseTags) -> ReleaseTagsView:
    """Policy → view: pattern, exclusions, forbidden operations, and no one bypasses them."""
    return _policy_view(tags, sorted(str(operation) for operation in tags.protect_from), [])


def creation_view(tags: ReleaseTags) -> ReleaseTagsView:
    """Policy → view of the tag-creation ruleset (only with ``created_by``)."""
    return _policy_view(tags, ["creation"], tag_creators(tags))


def _actor(actor: dict[str, Any], team_names: TeamNames) -> str | None:
    """One bypass actor as a name; None when its team cannot be named."""
    kind, actor_id = actor.get("actor_type"), actor.get("actor_id")
    if kind == "Team" and isinstance(actor_id, int):
        slug = team_names(actor_id)
        return None if slug is None else f"team:{slug}"
    if kind == "RepositoryRole":
        role = next((r for r, i in ROLE_IDS.items() if i == actor_id), None)
        return f"role:{role}" if role else f"role:#{actor_id}"
    if kind == "OrganizationAdmin":
        return "organization-admin"
    if kind == "Integration":
        return f"app:#{actor_id}"
    return str(kind).lower()


def bypassed_by(raw: LiveRuleset, team_names: TeamNames) -> Any:
    """Live bypass actors as names, sorted; unverified when GitHub hides them or a team has no name."""
    if raw.bypass_actors is None:
        return UNVERIFIED
    names = [_actor(actor, team_names) for actor in raw.bypass_actors]
    if any(name is None for name in names):
        return UNVERIFIED
    return sorted(name for name in names if name is not None)


def tag_ruleset_view(raw: LiveRuleset, team_names: TeamNames) -> ReleaseTagsView:
    """Live → view: either release-tag ruleset in policy terms."""
    ref_name = raw.ref_name()
    includes = strip_ref("refs/tags/", ref_name.include)
    return {
        "pattern": includes[0] if len(includes) == 1 else includes,
        "except": strip_ref("refs/tags/", ref_name.exclude),
        "protect_from": sorted(TAG_RULES[rule] for rule in raw.rule_parameters() if rule in TAG_RULES),
        "enforcement": raw.enforcement,
        "bypassed_by": bypassed_by(raw, team_names),
    }
