"""Release tags: the ``repoconf release tags`` ruleset and, with ``created_by``, ``repoconf release tag
creation`` (both target ``tag``).

Policy side: :class:`~repoconf.policy.model.ReleaseTags`. Provider side: one ``github.RepositoryRuleset``
per ruleset, inputs from :data:`PROTECTION_TABLE` and :data:`CREATION_TABLE`. Live side: ``GET
.../rulesets/{id}`` (../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json). The first
ruleset forbids the operations of ``protect_from`` to everyone: it has no bypass actors. The second forbids
``creation`` and lists ``created_by``'s teams and roles as its only bypass actors, so they alone may push
a production tag; ``except`` tags (release candidates) stay creatable by writers.
"""

from __future__ import annotations

from typing import Any

from repoconf.concepts.branches import RulesetAnswer, strip_ref
from repoconf.concepts.bypass import BYPASS_HIDDEN_BY, BypassView, actors_input, same_actors
from repoconf.concepts.table import (
    Option,
    Row,
    Unrepresentable,
    addition_weakens,
    off_weakens,
    removal_weakens,
)
from repoconf.policy.fnmatch import literal_start
from repoconf.policy.model import ReleaseTags, RepositoryRole, TagOperation

TAG_RULES = {operation.rule: str(operation) for operation in TagOperation}
"""Ruleset rule type → the policy's operation name (``non_fast_forward`` → ``force_push``)."""


def tag_creators(tags: ReleaseTags) -> list[str]:
    """Policy → view: ``created_by`` as bypass actor names, sorted."""
    creators = tags.created_by
    if creators is None:
        return []
    return sorted([f"team:{slug}" for slug in creators.teams] + [f"role:{role}" for role in creators.roles])


def _live_pattern(answer: RulesetAnswer) -> Any:
    includes = strip_ref("refs/tags/", answer.ruleset.ref_name().include)
    return includes[0] if len(includes) == 1 else includes


def _live_except(answer: RulesetAnswer) -> list[str]:
    return strip_ref("refs/tags/", answer.ruleset.ref_name().exclude)


def _live_rules(answer: RulesetAnswer) -> list[str]:
    """The ruleset's rules in the policy's words (``force_push``); a rule the policy has no word for keeps
    GitHub's name, so it shows as drift.
    """
    return sorted(TAG_RULES.get(rule, rule) for rule in answer.ruleset.rule_parameters())


def _restore_creators(view: BypassView) -> Any:
    found: dict[str, list[str]] = {}
    left_out: list[str] = []
    for actor in view if isinstance(view, list) else []:
        kind, _, name = actor.partition(":")
        if (
            kind not in ("team", "role")
            or name.startswith("#")
            or " " in name
            or (kind == "role" and name not in {str(role) for role in RepositoryRole})
        ):
            left_out.append(actor)  # an app, an org admin, an unnamed team or a mode the policy cannot say
            continue
        found.setdefault(f"{kind}s", []).append(name)
    if left_out:
        return Unrepresentable(
            found,
            f"created_by: the creators' ruleset also lets {', '.join(left_out)} create release tags, which "
            "the policy cannot say (it names teams and roles that always bypass); written without them, "
            "so `pulumi up` takes that away",
        )
    return found


DEFAULT_OPERATIONS = [str(operation) for operation in ReleaseTags.model_fields["protect_from"].default]


def _restore_operations(view: list[str]) -> Any:
    known = [name for name in view if name in TAG_RULES.values()]
    unknown = [name for name in view if name not in TAG_RULES.values()]
    if not known:  # the policy forbids at least one operation: its default set, stricter than nothing
        return Unrepresentable(
            DEFAULT_OPERATIONS,
            f"protect_from: the ruleset forbids none of {', '.join(TAG_RULES.values())}"
            + (f" (it has {', '.join(unknown)})" if unknown else "")
            + f"; written as the policy's default, {', '.join(DEFAULT_OPERATIONS)}",
        )
    if unknown:
        return Unrepresentable(
            known,
            f"protect_from: the ruleset also has rule(s) the policy cannot say ({', '.join(unknown)}); "
            "recreate them by hand or drop them",
        )
    return known


def covering_pattern(patterns: list[str]) -> str:
    """One fnmatch pattern matching every tag any of ``patterns`` matches: their common literal start
    and ``*`` (``v1.*`` and ``v2.*`` → ``v*``; nothing in common → ``*``).
    """
    literals = [literal_start(pattern) for pattern in patterns]
    common = literals[0] if literals else ""
    for literal in literals[1:]:
        while not literal.startswith(common):
            common = common[:-1]
    return f"{common}*"


def _restore_pattern(view: Any) -> Any:
    if isinstance(view, str) and not view.startswith("~"):
        return view
    if isinstance(view, str):  # ~ALL: every tag
        return Unrepresentable("*", f"pattern: the ruleset includes {view}; written as '*', every tag")
    covering = covering_pattern(list(view))
    which = ", ".join(view) if view else "no tag (it has no include)"
    return Unrepresentable(
        covering,
        f"pattern: the ruleset includes {which}, where the policy names one pattern; written as "
        f"{covering!r}, which covers every one of them (and may protect more tags)",
    )


def _encode_rules(view: list[str], resolve: Any) -> dict[str, bool]:
    return {TagOperation(operation).rule: True for operation in view}


def _update_parameter(answer: RulesetAnswer) -> bool:
    """Whether the ``update`` rule lets fetch-and-merge updates through (false while there is no such
    rule: nothing to let through, so its absence is ``protect_from``'s one finding).
    """
    parameters = answer.ruleset.rule_parameters().get("update") or {}
    return bool(parameters.get("update_allows_fetch_and_merge", False))


INCLUDES = "conditions.ref_name.includes"
EXCLUDES = "conditions.ref_name.excludes"


def _encode_include(view: str, resolve: Any) -> list[str]:
    return [f"refs/tags/{view}"]


def _encode_exclude(view: list[str], resolve: Any) -> list[str]:
    return [f"refs/tags/{pattern}" for pattern in view]


PROTECTION_TABLE: tuple[Row[ReleaseTags, RulesetAnswer], ...] = (
    Row(
        "pattern",
        lambda tags: tags.pattern,
        _live_pattern,
        provider=INCLUDES,
        encode=_encode_include,
        field="pattern",
        restore=_restore_pattern,
    ),
    Row(
        "except",
        lambda tags: sorted(tags.except_),
        _live_except,
        field="except",
        provider=EXCLUDES,
        encode=_encode_exclude,
        judge=addition_weakens("tags matching {} are no longer protected"),
    ),
    Row(
        "protect_from",
        lambda tags: sorted(str(operation) for operation in tags.protect_from),
        _live_rules,
        provider="rules",
        encode=_encode_rules,
        field="protect_from",
        judge=removal_weakens("release tags may now be subject to: {}"),
        restore=_restore_operations,
    ),
    Row(
        "bypass_actors",
        lambda tags: [],
        lambda answer: answer.actors,
        provider="bypass_actors",
        encode=lambda view, resolve: actors_input(view, resolve),
        hidden_by=BYPASS_HIDDEN_BY,
        same=same_actors,
    ),
    Row("target", lambda tags: "tag", lambda a: a.ruleset.target, provider="target"),
    Row("enforcement", lambda tags: "active", lambda a: a.ruleset.enforcement, provider="enforcement"),
    Row(
        "update_allows_fetch_and_merge",
        lambda tags: False,
        _update_parameter,
    ),
)
"""The ``repoconf release tags`` ruleset: ``protect_from`` forbidden to everyone on matching tags."""

CREATION_TABLE: tuple[Row[ReleaseTags, RulesetAnswer], ...] = (
    Row(
        "created_by",
        tag_creators,
        lambda answer: answer.actors,
        provider="bypass_actors",
        encode=lambda view, resolve: actors_input(view, resolve),
        field="created_by",
        judge=addition_weakens("{} may now create release tags"),
        restore=_restore_creators,
        strictest={"teams": [], "roles": []},
        hidden_by=BYPASS_HIDDEN_BY,
        same=same_actors,  # slugs folded: GitHub answers them lower-case, whatever the policy's spelling
    ),
    Row(
        "creation.pattern",
        lambda tags: tags.pattern,
        _live_pattern,
        provider=INCLUDES,
        encode=_encode_include,
    ),
    Row(
        "creation.except",
        lambda tags: sorted(tags.except_),
        _live_except,
        provider=EXCLUDES,
        encode=_encode_exclude,
    ),
    Row(
        "creation.rules",
        lambda tags: ["creation"],
        _live_rules,
        provider="rules",
        encode=_encode_rules,
    ),
    Row("creation.target", lambda tags: "tag", lambda a: a.ruleset.target, provider="target"),
    Row(
        "creation.enforcement", lambda tags: "active", lambda a: a.ruleset.enforcement, provider="enforcement"
    ),
)
"""The ``repoconf release tag creation`` ruleset: only ``created_by`` may create matching tags."""

OPTIONS = (
    Option(
        "protect",
        "Pulumi's `protect` on the release-tag rulesets",
        off_weakens("`pulumi destroy` or a removal from the policy may now delete it"),
    ),
)

VALUE_FIELDS = {"TagCreators": ("teams", "roles")}
"""Fields of value models the rows above map as a whole (checked by the completeness test)."""
