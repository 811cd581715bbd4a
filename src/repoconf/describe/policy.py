"""`repoconf import`: a policy YAML describing one live repository as it is.

The policy has the owner and one repository, written out in full (no ``defaults``), so that auditing it
against the same repository reports it compliant. Secret values cannot be read: each secret gets an
``{env: NAME}`` source for the user to fill in. Rulesets repoconf did not create are listed in a comment
(the audit only knows repoconf's own ruleset names); so are classic rules on other branches.
"""

from __future__ import annotations

from typing import Any

import yaml

from repoconf.concepts.branches import RulesetView
from repoconf.concepts.content import Content, missing_files
from repoconf.concepts.live import Unverified
from repoconf.github.client import GitHub
from repoconf.github.responses import parse_answer
from repoconf.live.read import LiveRepository, LiveRepositoryInfo, read_repository
from repoconf.policy.model import GUIDE_REQUIRED_FILES
from repoconf.policy.versions import as_entries
from repoconf.text import printable

SCHEMA_COMMENT = "# yaml-language-server: $schema=./policy.schema.json"


def _environment(view: dict[str, Any], secrets: set[str], variables: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    reviewers = {kind: names for kind, names in view["reviewers"].items() if names}
    if reviewers:
        entry["reviewers"] = reviewers
    entry["wait_timer"] = view["wait_timer"]
    entry["prevent_self_review"] = view["prevent_self_review"]
    if not isinstance(view["can_admins_bypass"], Unverified):  # unknown: left to the policy's default
        entry["can_admins_bypass"] = view["can_admins_bypass"]
    refs = view["deployment_refs"]
    if refs is not None:
        entry["deployment_refs"] = {**refs, "tags": as_entries(refs["tags"])} if "tags" in refs else refs
    if secrets:
        entry["secrets"] = {name: {"env": name} for name in sorted(secrets)}
    if variables:
        entry["variables"] = dict(sorted(variables.items()))
    return entry


def _branch_rule(view: RulesetView) -> dict[str, Any]:
    keys = (
        "required_approvals",
        "dismiss_stale_reviews",
        "require_code_owner_reviews",
        "required_status_checks",
        "require_up_to_date",
        "linear_history",
        "enforce_admins",
    )
    rule = {key: view[key] for key in keys if not isinstance(view[key], Unverified)}
    rule["required_status_checks"] = [
        check["context"] if "app_id" not in check else check for check in view["required_status_checks"]
    ]
    return rule


def _created_by(creation: dict[str, Any] | None) -> dict[str, list[str]]:
    """The creation ruleset's team and role bypass actors as ``created_by`` (others are noted apart)."""
    if creation is None or isinstance(creation["bypassed_by"], Unverified):
        return {}
    found: dict[str, list[str]] = {}
    for actor in creation["bypassed_by"]:
        kind, _, name = actor.partition(":")
        if kind in ("team", "role") and not name.startswith("#"):
            found.setdefault(f"{kind}s", []).append(name)
    return found


def _unverified(live: LiveRepository) -> list[str]:
    found = [
        f"environments.{name}.{key}"
        for name, env in live.environments.items()
        for key, value in env.view.items()
        if isinstance(value, Unverified)
    ]
    rules = {**{b: v for b, v in live.classic.items() if v is not None}, **live.branch_rulesets}
    for path, view in (("release_tags", live.release_tags), ("release_tags.created_by", live.tag_creation)):
        if view is not None and isinstance(view["bypassed_by"], Unverified):
            found.append(f"{path} (who may bypass it)")
    if live.content is not None and not live.content.complete:
        found.append("required_files (the default branch's tree was truncated or unreadable)")
    found += [
        f"branches.{pattern}.{key}"
        for pattern, view in rules.items()
        for key, value in view.items()
        if isinstance(value, Unverified)
    ]
    return found


def _absent_files(content: Content | None) -> list[str]:
    if content is None or not content.complete:
        return []
    return missing_files(GUIDE_REQUIRED_FILES, content)


def describe(owner: str, live: LiveRepository) -> dict[str, Any]:
    """The policy document for one live repository."""
    settings: dict[str, Any] = {
        "environments": {
            name: _environment(env.view, env.secrets, env.variables)
            for name, env in live.environments.items()
        },
        "secrets": {name: {"env": name} for name in sorted(live.secrets)},
        "variables": dict(sorted(live.variables.items())),
    }
    classic = {branch: view for branch, view in live.classic.items() if view is not None}
    if classic and not live.branch_rulesets:
        settings["protection_engine"] = "classic"
        settings["branches"] = {branch: _branch_rule(view) for branch, view in classic.items()}
    else:
        settings["branches"] = {pattern: _branch_rule(view) for pattern, view in live.branch_rulesets.items()}
    if live.content is not None:
        # Written out even when empty: absent, the guide's list applies and the audit would ask for it.
        absent = set(missing_files(GUIDE_REQUIRED_FILES, live.content))
        settings["required_files"] = [path for path in GUIDE_REQUIRED_FILES if path not in absent]
    if live.release_tags is not None:
        tags = live.release_tags
        settings["release_tags"] = {
            "pattern": tags["pattern"],
            "protect_from": tags["protect_from"],
            "except": tags["except"],
        }
        creators = _created_by(live.tag_creation)
        if creators:
            settings["release_tags"]["created_by"] = creators
    return {"version": 1, "owner": owner, "repositories": {live.name: settings}}


def import_repository(github: GitHub, owner: str, name: str) -> str:
    """Read the repository and return the policy YAML text, with explanatory comments."""
    repository = parse_answer(
        LiveRepositoryInfo, github.get(f"/repos/{owner}/{name}"), f"GET /repos/{owner}/{name}"
    )
    default_branch = repository.default_branch or "main"
    live = read_repository(github, owner, name, [default_branch], content=True)
    document = describe(owner, live)
    notes = [
        SCHEMA_COMMENT,
        f"# Imported by `repoconf import {owner}/{name}`: the repository's settings as they are.",
        "# Secret values cannot be read: each secret reads an environment variable of its own name at",
        "# deploy time; change its source to {config: KEY} to keep it in the stack's secret config.",
    ]
    if live.unmanaged_rulesets:
        notes.append(
            "# Rulesets of this repository not created by repoconf (not described here; recreate them as "
            "`branches` or `release_tags`): " + ", ".join(sorted(live.unmanaged_rulesets))
        )
    if live.inherited_rulesets:
        notes.append(
            "# Inherited from the organization or enterprise (they apply here but belong to it; left out): "
            + ", ".join(sorted(live.inherited_rulesets))
        )
    absent = _absent_files(live.content)
    if absent:
        notes.append(
            "# Of the release guide's required files, the default branch lacks (not required here; add "
            "them to required_files once they exist): " + ", ".join(absent)
        )
    unverified = _unverified(live)
    if unverified:
        notes.append(
            "# Not visible to this token, so left to the policy's defaults (check them by hand): "
            + ", ".join(unverified)
        )
    notes = [printable(note) for note in notes]  # names from GitHub never break out of a comment line
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return "\n".join(notes) + "\n" + body
