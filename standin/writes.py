"""The REST endpoints the Pulumi provider writes through, and the reads it makes around its writes.

terraform-provider-github v6.13.0 (what pulumi-github 6.15 bundles) creates environments, deployment
branch policies, Actions secrets and variables and rulesets with these calls (standin/provider.py
sends them as the provider does). The stand-in stores what GitHub stores and answers every read from
that state, in the shapes of GitHub's reference examples (standin/reference/ and
standin/reference_provider/), with the semantics GitHub documents:

- environment names are case-insensitive; secret and variable names too ("Names are not
  case-sensitive", GitHub Docs, "Using secrets in GitHub Actions"), and GitHub lists them upper-case;
- environment reviewers are sent as ``{type, id}`` and answered as the canonical user or team objects;
  an id that names no user or team is a 422, and so are more than six reviewers ("You can list up to
  six users or teams as reviewers"), a ``wait_timer`` outside 0..43,200, and ``protected_branches``
  equal to ``custom_branch_policies`` (the 422 "Create or update an environment" documents);
- a deployment branch policy needs ``custom_branch_policies`` (404 otherwise) and a pattern that exists
  already answers 303 (both documented for "Create a deployment branch policy");
- a secret's ``key_id`` must be the key the public-key endpoint served;
- a ruleset's rules are held to GitHub's rule schemas (SCHEMA_repository-rule-types.json) and
  ``bypass_actors: null`` is refused with the message the provider's source quotes.

Where the REST description is silent, a comment says so and what the stand-in assumes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from standin.github import (
    API_DOCS,
    STAMP,
    FakeEnvironment,
    FakeRepository,
    _id,
    decoded,
    known_as,
    team,
    user,
)
from standin.schema import RULE_TYPES, problems, rule_schemas

if TYPE_CHECKING:
    from standin.github import FakeGitHub

Answer = tuple[int, Any]
Handler = Callable[["FakeGitHub", str, FakeRepository, tuple[str, ...], Any], Answer]
"""(stand-in, repository name, repository, the path's groups percent-decoded, decoded body) → answer."""

PROVIDER_REFERENCE = "reference_provider"
WAIT_TIMER_MAX = 43_200
"""Minutes: "The time (in minutes) must be an integer between 0 and 43,200 (30 days)"."""
MAX_REVIEWERS = 6
SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""GitHub's naming rules for secrets and variables: alphanumerics or underscores, not starting with a
digit (GitHub Docs, "Naming your secrets"; the provider's ``validateSecretNameFunc`` checks the same)."""
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})")
"""The ``encrypted_value`` pattern of "Create or update a repository secret"."""
SEALED_BOX_OVERHEAD = 48
"""libsodium's ``crypto_box_SEALBYTES`` (an ephemeral public key and a MAC): a sealed box is at least
this long, whatever it holds."""
DEFAULT_MERGE_METHODS = ["merge", "squash", "rebase"]
"""The REST description is silent on what GitHub stores when a pull_request rule omits
``allowed_merge_methods`` (the provider omits it when unset: ``omitempty`` in go-github's
``PullRequestRuleParameters``, and marks the attribute Computed because GitHub fills it in). The
stand-in stores all three, what a new ruleset gets in GitHub's UI."""


def provider_reference(name: str) -> Any:
    """A fresh copy of one of GitHub's examples vendored for these endpoints
    (standin/reference_provider/NAME.json).
    """
    from standin.github import REFERENCE

    path = REFERENCE.parent / PROVIDER_REFERENCE / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _error(status: int, message: str) -> Answer:
    return status, {"message": message, "documentation_url": API_DOCS, "status": str(status)}


def _invalid(message: str) -> Answer:
    """A 422 in the shape of GitHub's ``validation_failed`` response."""
    return 422, {
        "message": "Validation Failed",
        "errors": [{"resource": "Request", "code": "invalid", "message": message}],
        "documentation_url": API_DOCS,
        "status": "422",
    }


NOT_FOUND = _error(404, "Not Found")


def route(fake: FakeGitHub, method: str, path: str, query: dict[str, list[str]], raw: bytes) -> Answer | None:
    """The answer to a request this module serves, or None."""
    del query  # none of these endpoints takes query parameters
    try:
        payload = json.loads(raw or b"null")
    except json.JSONDecodeError:
        return _error(400, "Problems parsing JSON")
    if method == "GET":
        found = re.fullmatch(r"/users/([^/]+)", path)
        if found:
            return _user(fake, *decoded(found))
        found = re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)", path)
        if found:
            return _team(fake, *decoded(found))
    match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.+)", path)
    if match is None:
        return None
    name = fake.named(*decoded(match)[:2])
    if name is None:
        return None
    repository = fake.repositories[name]
    for pattern, handlers in ROUTES:
        found = re.fullmatch(pattern, match.group(3))  # still encoded: `environments/a%2Fb` is one segment
        if found and method in handlers:
            return handlers[method](fake, name, repository, decoded(found), payload)
    return None


# -- users and teams (the provider's getUser and getTeam look-ups) ---------------------------------


def _user(fake: FakeGitHub, login: str) -> Answer:
    """``GET /users/{username}``: the public-user example, as this account (logins case-insensitive,
    answered in their canonical spelling).
    """
    canonical = fake.find_user(login)
    if canonical is None:
        return NOT_FOUND
    found = provider_reference("GET_users_USERNAME")
    found.update(user(canonical))
    found.update(name=canonical, email=None, created_at=STAMP, updated_at=STAMP)
    return 200, found


def _team(fake: FakeGitHub, org: str, slug: str) -> Answer:
    """``GET /orgs/{org}/teams/{team_slug}``: the team-full example, as this team."""
    if org.casefold() != fake.owner.casefold():
        return NOT_FOUND
    canonical = fake.find_team(slug)
    if canonical is None:
        return NOT_FOUND
    found = provider_reference("GET_orgs_ORG_teams_TEAM_SLUG")
    found.update(team(fake.owner, canonical))
    found["organization"].update(login=fake.owner, url=f"https://api.github.com/orgs/{fake.owner}")
    return 200, found


def _reviewer(fake: FakeGitHub, kind: str, reviewer_id: Any) -> str | None:
    """The login or slug whose id this is (ids are the stand-in's, as the look-ups answered them)."""
    if kind == "User":
        return next((login for login in fake.users if user(login)["id"] == reviewer_id), None)
    if kind == "Team":
        return next((slug for slug in fake.teams if team(fake.owner, slug)["id"] == reviewer_id), None)
    return None


# -- environments ---------------------------------------------------------------------------------


def _repo_url(fake: FakeGitHub, name: str) -> str:
    return f"https://api.github.com/repos/{fake.owner}/{name}"


def _get_environment(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    found = repository.environment(groups[0])
    if found is None:
        return NOT_FOUND
    return 200, fake._environment(_repo_url(fake, name), found[0], found[1])


def _put_environment(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    """``PUT .../environments/{name}``: create, or update what the body names.

    The REST description is silent on fields a PUT leaves out; the stand-in leaves them as they were
    (the provider always sends all five). It is also silent on what happens to an environment's custom
    deployment branch policies when ``deployment_branch_policy`` changes; the stand-in keeps them.
    ``can_admins_bypass`` is not in the description's request schema, but github.com accepts it (see
    ../shared/github-api/README.md) and the provider sends it.
    """
    body = payload or {}
    if not isinstance(body, dict):
        return _invalid("the body must be an object")
    unknown = set(body) - {
        "wait_timer",
        "prevent_self_review",
        "reviewers",
        "deployment_branch_policy",
        "can_admins_bypass",
    }
    if unknown:  # the request schema has additionalProperties: false
        return _invalid(f"unknown properties {sorted(unknown)}")
    wait_timer = body.get("wait_timer")
    if wait_timer is not None and (
        not isinstance(wait_timer, int)
        or isinstance(wait_timer, bool)
        or not 0 <= wait_timer <= WAIT_TIMER_MAX
    ):
        return _invalid(f"wait_timer must be an integer between 0 and {WAIT_TIMER_MAX}")
    users: list[str] = []
    teams: list[str] = []
    reviewers = body.get("reviewers")
    if reviewers is not None:
        if not isinstance(reviewers, list):
            return _invalid("reviewers must be an array")
        if len(reviewers) > MAX_REVIEWERS:
            return _invalid(f"You can list up to {MAX_REVIEWERS} users or teams as reviewers")
        for reviewer in reviewers:
            kind = reviewer.get("type") if isinstance(reviewer, dict) else None
            known = _reviewer(fake, str(kind), reviewer.get("id")) if isinstance(reviewer, dict) else None
            if known is None:
                # The description documents the 422 but not its text for an unknown reviewer.
                return _invalid(f"reviewer {reviewer!r} is not a user or team")
            (users if kind == "User" else teams).append(known)
    policy = body.get("deployment_branch_policy")
    branch_policy: str | None = None
    if policy is not None:
        protected = policy.get("protected_branches") if isinstance(policy, dict) else None
        custom = policy.get("custom_branch_policies") if isinstance(policy, dict) else None
        if not isinstance(protected, bool) or not isinstance(custom, bool):
            return _invalid("deployment_branch_policy needs protected_branches and custom_branch_policies")
        if protected == custom:
            return _invalid("protected_branches and custom_branch_policies cannot be set to the same value")
        branch_policy = "protected" if protected else "custom"
    found = repository.environment(groups[0])
    stored, env = found if found is not None else (groups[0], FakeEnvironment())
    if "wait_timer" in body:
        env.wait_timer = wait_timer or 0
    if "reviewers" in body:
        env.users, env.teams = users, teams
    if "prevent_self_review" in body:
        env.prevent_self_review = bool(body["prevent_self_review"])
    if "can_admins_bypass" in body:
        env.can_admins_bypass = bool(body["can_admins_bypass"])
    if "deployment_branch_policy" in body:
        env.branch_policy = branch_policy
    repository.environments[stored] = env
    return 200, fake._environment(_repo_url(fake, name), stored, env)


def _delete_environment(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    found = repository.environment(groups[0])
    if found is None:
        return NOT_FOUND
    del repository.environments[found[0]]
    return 204, None


# -- deployment branch policies -------------------------------------------------------------------


def policy_object(repository: str, pattern: str, kind: str) -> dict[str, Any]:
    """A deployment-branch-policy object; its id as the listing in standin/github.py derives it."""
    return {
        "id": _id(f"{repository}:{pattern}:{kind}"),
        "node_id": f"MDE2OkdhdGVCcmFuY2hQb2xpY3k{_id(pattern)}",
        "name": pattern,
        "type": kind,
    }


def _create_policy(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    found = repository.environment(groups[0])
    if found is None or found[1].branch_policy != "custom":
        return NOT_FOUND  # documented: "Not Found or ... custom_branch_policies ... is set to false"
    env = found[1]
    body = payload if isinstance(payload, dict) else {}
    pattern = body.get("name")
    # The description gives `type` as an optional enum without a default; the example without it is a
    # branch pattern, so an absent type is a branch.
    kind = body.get("type", "branch")
    if not isinstance(pattern, str) or not pattern or kind not in ("branch", "tag"):
        return _invalid("name is required and type must be branch or tag")
    if (pattern, kind) in env.policies:
        return 303, None  # documented: "Response if the same branch name pattern already exists"
    env.policies.append((pattern, kind))
    return 200, policy_object(name, pattern, kind)


def _find_policy(
    repository: FakeRepository, name: str, environment: str, policy_id: str
) -> tuple[FakeEnvironment, int] | None:
    found = repository.environment(environment)
    if found is None:
        return None
    env = found[1]
    for index, (pattern, kind) in enumerate(env.policies):
        if str(policy_object(name, pattern, kind)["id"]) == policy_id:
            return env, index
    return None


def _get_policy(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    found = _find_policy(repository, name, groups[0], groups[1])
    if found is None:
        return NOT_FOUND
    env, index = found
    return 200, policy_object(name, *env.policies[index])


def _update_policy(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    """``PUT .../deployment-branch-policies/{id}``: a new name pattern (the type stays)."""
    found = _find_policy(repository, name, groups[0], groups[1])
    pattern = payload.get("name") if isinstance(payload, dict) else None
    if found is None:
        return NOT_FOUND
    if not isinstance(pattern, str) or not pattern:
        return _invalid("name is required")
    env, index = found
    env.policies[index] = (pattern, env.policies[index][1])
    # The description is silent on whether the id survives a rename; ids here follow the pattern.
    return 200, policy_object(name, *env.policies[index])


def _delete_policy(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    found = _find_policy(repository, name, groups[0], groups[1])
    if found is None:
        return NOT_FOUND
    env, index = found
    del env.policies[index]
    return 204, None


# -- secrets --------------------------------------------------------------------------------------


def public_key(repository: str, environment: str | None) -> dict[str, str]:
    """The Actions public key of a repository or of one of its environments (each has its own)."""
    scope = f"{repository}/{(environment or '').casefold()}"
    key = base64.b64encode(hashlib.sha256(scope.encode()).digest()).decode()
    return {"key_id": str(_id("key:" + scope)), "key": key}


def _scope(
    repository: FakeRepository, environment: str | None
) -> tuple[set[str], dict[str, str], str | None] | None:
    """The secrets and variables of the repository or of the named environment (None: no such one)."""
    if environment is None:
        return repository.secrets, repository.variables, None
    found = repository.environment(environment)
    if found is None:
        return None
    return found[1].secrets, found[1].variables, found[0]


def _public_key(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    if scope is None:
        return NOT_FOUND
    return 200, public_key(name, scope[2])


def _put_secret(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    """``PUT .../secrets/{secret_name}``: 201 when created, 204 when updated (documented). The value is
    checked, not kept: the stand-in holds no secret.
    """
    scope = _scope(repository, groups[0])
    if scope is None:
        return NOT_FOUND
    secrets, _, environment = scope
    secret = groups[1]
    body = payload if isinstance(payload, dict) else {}
    value, key_id = body.get("encrypted_value"), body.get("key_id")
    if not SECRET_NAME.fullmatch(secret) or secret.upper().startswith("GITHUB_"):
        return _invalid(f"{secret!r} is not a valid secret name")
    if not isinstance(value, str) or not BASE64.fullmatch(value) or not isinstance(key_id, str):
        return _invalid("encrypted_value (base64) and key_id are required")
    if key_id != public_key(name, environment)["key_id"]:
        # The description is silent on this answer; GitHub cannot decrypt a value sealed for another key.
        return _invalid("key_id does not match the public key of this repository or environment")
    if len(binascii.a2b_base64(value)) < SEALED_BOX_OVERHEAD:
        return _invalid("encrypted_value is not a sealed box")
    existing = known_as(secrets, secret)
    if existing is not None:
        return 204, None
    secrets.add(secret.upper())
    return 201, {}


def _get_secret(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    stored = known_as(scope[0], groups[1]) if scope is not None else None
    if stored is None:
        return NOT_FOUND
    return 200, {"name": stored, "created_at": STAMP, "updated_at": STAMP}


def _delete_secret(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    stored = known_as(scope[0], groups[1]) if scope is not None else None
    if scope is None or stored is None:
        return NOT_FOUND
    scope[0].discard(stored)
    return 204, None


# -- variables ------------------------------------------------------------------------------------


def _create_variable(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    if scope is None:
        return NOT_FOUND
    variables = scope[1]
    body = payload if isinstance(payload, dict) else {}
    variable, value = body.get("name"), body.get("value")
    if not isinstance(variable, str) or not isinstance(value, str):
        return _invalid("name and value are required")
    if not SECRET_NAME.fullmatch(variable) or variable.upper().startswith("GITHUB_"):
        return _invalid(f"{variable!r} is not a valid variable name")
    if known_as(variables, variable) is not None:
        # The description documents only 201; GitHub refuses a second variable of the same name.
        return _error(409, "Already exists")
    variables[variable.upper()] = value
    return 201, {}


def _get_variable(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    stored = known_as(scope[1], groups[1]) if scope is not None else None
    if scope is None or stored is None:
        return NOT_FOUND
    return 200, {"name": stored, "value": scope[1][stored], "created_at": STAMP, "updated_at": STAMP}


def _update_variable(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    """``PATCH .../variables/{name}``: a new value, and a new name when the body gives one."""
    scope = _scope(repository, groups[0])
    stored = known_as(scope[1], groups[1]) if scope is not None else None
    if scope is None or stored is None:
        return NOT_FOUND
    body = payload if isinstance(payload, dict) else {}
    value = body.get("value", scope[1][stored])
    renamed = body.get("name", stored)
    if not isinstance(value, str) or not isinstance(renamed, str) or not SECRET_NAME.fullmatch(renamed):
        return _invalid("name and value must be strings, the name a valid variable name")
    del scope[1][stored]
    scope[1][renamed.upper()] = value
    return 204, None


def _delete_variable(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    scope = _scope(repository, groups[0])
    stored = known_as(scope[1], groups[1]) if scope is not None else None
    if scope is None or stored is None:
        return NOT_FOUND
    del scope[1][stored]
    return 204, None


# -- rulesets -------------------------------------------------------------------------------------


def _ruleset_problems(body: dict[str, Any], creating: bool) -> list[str]:
    found: list[str] = []
    if creating:
        found += [f"/{key} is required" for key in ("name", "enforcement") if key not in body]
    if "bypass_actors" in body and body["bypass_actors"] is None:
        # The message GitHub gives, as terraform-provider-github quotes it (github/util_rules.go,
        # expandBypassActors: "Invalid property /bypass_actors: data cannot be null.").
        found.append("Invalid property /bypass_actors: data cannot be null.")
    for index, actor in enumerate(body.get("bypass_actors") or []):
        found += problems(RULE_TYPES, "repository-ruleset-bypass-actor", actor, f"/bypass_actors/{index}")
    if "enforcement" in body:
        found += problems(RULE_TYPES, "repository-rule-enforcement", body["enforcement"], "/enforcement")
    if body.get("target", "branch") not in ("branch", "tag", "push"):
        found.append("/target must be one of branch, tag, push")
    if body.get("conditions") is not None:
        found += problems(RULE_TYPES, "repository-ruleset-conditions", body["conditions"], "/conditions")
    for index, rule in enumerate(body.get("rules") or []):
        schema = rule_schemas().get(str(rule.get("type"))) if isinstance(rule, dict) else None
        if schema is not None:  # rule types outside the vendored schemas are taken as sent
            found += problems(RULE_TYPES, schema, rule, f"/rules/{index}")
    return found


def _stored_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules as GitHub stores them: as sent, a pull_request rule with its merge methods filled in."""
    stored = []
    for rule in rules:
        rule = json.loads(json.dumps(rule))
        if rule.get("type") == "pull_request":
            parameters = rule.setdefault("parameters", {})
            parameters.setdefault("allowed_merge_methods", list(DEFAULT_MERGE_METHODS))
        stored.append(rule)
    return stored


def _write_ruleset(fake: FakeGitHub, name: str, ruleset: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("name", "target", "enforcement", "bypass_actors", "conditions"):
        if key in body:
            ruleset[key] = json.loads(json.dumps(body[key]))
    if "rules" in body:
        ruleset["rules"] = _stored_rules(body["rules"] or [])
    # `source` is the repository the URL names, whatever the body says (the provider sends the bare
    # repository name; GitHub's example answers "owner/repo").
    ruleset["source"] = f"{fake.owner}/{name}"
    ruleset["source_type"] = "Repository"


def _create_ruleset(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    body = payload if isinstance(payload, dict) else {}
    problems = _ruleset_problems(body, creating=True)
    if not problems and any(r["name"] == body["name"] for r in repository.rulesets):
        # The description documents a 422 without its text for a second ruleset of the same name.
        problems.append(f"Name must be unique: {body['name']}")
    if problems:
        return _invalid("; ".join(problems))
    ruleset = fake.ruleset(name, body["name"], body.get("target", "branch"), [], [], [], [])
    ruleset["conditions"] = None  # nullable: what a ruleset created without conditions has
    _write_ruleset(fake, name, ruleset, body)
    repository.rulesets.append(ruleset)
    return 201, ruleset


def _ruleset(repository: FakeRepository, ruleset_id: str) -> dict[str, Any] | None:
    return next((r for r in repository.rulesets if str(r["id"]) == ruleset_id), None)


def _update_ruleset(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    """``PUT .../rulesets/{id}``: what the body names replaces what is stored."""
    ruleset = _ruleset(repository, groups[0])
    if ruleset is None:
        return NOT_FOUND
    body = payload if isinstance(payload, dict) else {}
    problems = _ruleset_problems(body, creating=False)
    if problems:
        return _invalid("; ".join(problems))
    _write_ruleset(fake, name, ruleset, body)
    ruleset["updated_at"] = STAMP
    return 200, ruleset


def _delete_ruleset(
    fake: FakeGitHub, name: str, repository: FakeRepository, groups: tuple[str, ...], payload: Any
) -> Answer:
    ruleset = _ruleset(repository, groups[0])
    if ruleset is None:
        return NOT_FOUND
    repository.rulesets.remove(ruleset)
    return 204, None


ENV = r"/environments/([^/]+)"
ACTIONS = r"(?:/environments/([^/]+)|/actions)"
"""A repository's ``/actions/secrets``, or an environment's ``/environments/{env}/secrets``."""
ROUTES: list[tuple[str, dict[str, Handler]]] = [
    (ENV, {"GET": _get_environment, "PUT": _put_environment, "DELETE": _delete_environment}),
    (ENV + r"/deployment-branch-policies", {"POST": _create_policy}),
    (
        ENV + r"/deployment-branch-policies/(\d+)",
        {"GET": _get_policy, "PUT": _update_policy, "DELETE": _delete_policy},
    ),
    (ACTIONS + r"/secrets/public-key", {"GET": _public_key}),
    (ACTIONS + r"/secrets/([^/]+)", {"GET": _get_secret, "PUT": _put_secret, "DELETE": _delete_secret}),
    (ACTIONS + r"/variables", {"POST": _create_variable}),
    (
        ACTIONS + r"/variables/([^/]+)",
        {"GET": _get_variable, "PATCH": _update_variable, "DELETE": _delete_variable},
    ),
    (r"/rulesets", {"POST": _create_ruleset}),
    (r"/rulesets/(\d+)", {"PUT": _update_ruleset, "DELETE": _delete_ruleset}),
]
"""(pattern of the path after ``/repos/{owner}/{repo}``, handler by method)."""
