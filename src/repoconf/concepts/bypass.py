"""Ruleset bypass actors as names: ``team:<slug>``, ``role:<name>``, ``organization-admin``, ``app:#<id>``,
and ``team:#<id>`` for a team this token cannot name (a secret team, or no "Members: read").

GitHub returns bypass actors with numeric ids (``actor_id``) and a ``bypass_mode``, and only to callers
with write access to the ruleset ("bypass_actors is only returned if the user making the API request has
write access to the ruleset", ../shared/github-api/README.md): absent means unverified, not empty. A mode
other than ``always`` is written after the name (``team:qa (pull_request)``), so a changed mode is drift.
Repository roles are ``RepositoryRole`` actors with GitHub's ids of the base roles (the provider's
documentation, integrations/terraform-provider-github website/docs/r/repository_ruleset.html.markdown,
"bypass_actors": maintain 2, write 4, admin 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from repoconf.concepts.live import UNVERIFIED, Unverified
from repoconf.concepts.table import Resolve
from repoconf.policy.model import RepositoryRole

ROLE_IDS = {RepositoryRole.MAINTAIN: 2, RepositoryRole.WRITE: 4, RepositoryRole.ADMIN: 5}
ADMIN_ROLE = f"role:{RepositoryRole.ADMIN}"
ALWAYS = "always"
BYPASS_HIDDEN_BY = "write access to the repository's rulesets (fine-grained token: Administration: write)"
"""What shows a ruleset's bypass actors (GitHub hides them from every other token)."""

BypassView = list[str] | Unverified
"""Bypass actors by name, sorted; :data:`UNVERIFIED` when GitHub hides them from this token."""

TeamNames = Callable[[int], str | None]
"""A team's slug by id, or None when it cannot be known (a token that cannot list the owner's teams)."""

UNNAMED_TEAM = "team:#"
"""How a team the token cannot name starts (``team:#<id>``)."""


def _actor(actor: dict[str, Any], team_names: TeamNames) -> str:
    """One bypass actor as a name (``team:#<id>`` when its team cannot be named)."""
    kind, actor_id = actor.get("actor_type"), actor.get("actor_id")
    if kind == "Team" and isinstance(actor_id, int):
        slug = team_names(actor_id)
        name = f"team:{slug}" if slug is not None else f"{UNNAMED_TEAM}{actor_id}"
    elif kind == "RepositoryRole":
        role = next((r for r, i in ROLE_IDS.items() if i == actor_id), None)
        name = f"role:{role}" if role else f"role:#{actor_id}"
    elif kind == "OrganizationAdmin":
        name = "organization-admin"
    elif kind == "Integration":
        name = f"app:#{actor_id}"
    else:
        name = f"{str(kind).lower()}:#{actor_id}"
    mode = actor.get("bypass_mode") or ALWAYS
    return name if mode == ALWAYS else f"{name} ({mode})"


def read_actors(bypass_actors: list[dict[str, Any]] | None, team_names: TeamNames) -> BypassView:
    """Live bypass actors as names, sorted; unverified when GitHub hides them."""
    if bypass_actors is None:
        return UNVERIFIED
    return sorted(_actor(actor, team_names) for actor in bypass_actors)


def same_actors(declared: list[str], live: list[str]) -> bool | Unverified:
    """Whether the live actors are the declared ones (team slugs compared as GitHub compares them).

    A team the token cannot name may be one of the declared teams not found by name, so the answer is
    unverified when each unnamed team can stand for exactly one of them. It is drift whatever the names
    when it cannot: an actor no declaration allows, a declared role or more (or fewer) declared teams
    missing than there are unnamed teams, or an unnamed team bypassing in another mode than the
    declared ``always`` — a ruleset that should let no team bypass is reported with any team in it.
    """
    wanted = {name.casefold() for name in declared}
    unnamed = [name for name in live if name.startswith(UNNAMED_TEAM)]
    named = [name.casefold() for name in live if not name.startswith(UNNAMED_TEAM)]
    missing = wanted - set(named)
    if set(named) - wanted or len(set(named)) != len(named):
        return False
    if not unnamed:
        return not missing
    if (
        len(unnamed) != len(missing)
        or any(not name.startswith("team:") for name in missing)
        or any(name.endswith(")") for name in unnamed)  # a mode other than always: see _actor
    ):
        return False
    return UNVERIFIED


def actors_input(view: BypassView, resolve: Resolve) -> list[dict[str, Any]]:
    """Policy names (``team:<slug>``, ``role:<name>``) as the provider's ``bypass_actors`` inputs, each
    bypassing always.
    """
    actors: list[dict[str, Any]] = []
    for name in view if isinstance(view, list) else []:
        kind, _, value = name.partition(":")
        if kind == "team":
            actor = {"actor_id": resolve("teams", value), "actor_type": "Team"}
        elif kind == "role":
            actor = {"actor_id": ROLE_IDS[RepositoryRole(value)], "actor_type": "RepositoryRole"}
        else:
            raise ValueError(f"bypass actor {name!r}: a policy names teams and roles only")
        actors.append({**actor, "bypass_mode": ALWAYS})
    return actors
