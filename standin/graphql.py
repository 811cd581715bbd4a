"""``POST /graphql``: the part of GitHub's GraphQL API terraform-provider-github's classic branch
protection uses (github/resource_github_branch_protection.go, github/util_v4_repository.go, v6.13.0).

- ``node(id:)`` resolves a repository (``getRepositoryID`` checks the ``repository_id`` input that way)
  or a ``BranchProtectionRule`` (the provider's Read after Create and Update);
- ``repository(owner:, name:)`` (``getRepositoryID`` when the input is a name);
- ``createBranchProtectionRule``, ``updateBranchProtectionRule`` and ``deleteBranchProtectionRule``.

A rule is stored as GitHub's GraphQL object and its REST view ("Get branch protection", the shape of
GitHub's example) is written into ``FakeRepository.classic`` under its pattern, which is what the audit
reads. Queries are parsed (fields, arguments, inline fragments: what the provider's query structs
generate through shurcooL/graphql) and answered field by field, so a query asks for what it gets.
Errors come as GraphQL errors in a 200 answer, as GitHub sends them; a read-only token cannot mutate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from standin.github import _id, reference, team, user

if TYPE_CHECKING:
    from standin.github import FakeGitHub, FakeRepository

Answer = tuple[int, Any]
TOKEN = re.compile(r'\s*(\.\.\.|[A-Za-z_][A-Za-z0-9_]*|-?\d+|"(?:[^"\\]|\\.)*"|\$|[{}():!,\[\]=])')


@dataclass
class Selection:
    """A field (with its arguments and sub-selection) or an inline fragment (``on`` set)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    children: list[Selection] = field(default_factory=list)
    on: str | None = None


class GraphQLSyntaxError(ValueError):
    """A query this stand-in cannot parse."""


class _Parser:
    def __init__(self, text: str, variables: dict[str, Any]) -> None:
        self.tokens = [match.group(1) for match in TOKEN.finditer(text)]
        self.position = 0
        self.variables = variables

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise GraphQLSyntaxError(f"expected {expected or 'a token'}, found {token!r}")
        self.position += 1
        return token

    def operation(self) -> tuple[str, list[Selection]]:
        kind = "query"
        if self.peek() in ("query", "mutation"):
            kind = self.take()
            if self.peek() not in ("(", "{"):
                self.take()  # an operation name
            if self.peek() == "(":  # variable definitions: the values come in `variables`
                while self.take() != ")":
                    pass
        return kind, self.selections()

    def selections(self) -> list[Selection]:
        self.take("{")
        found: list[Selection] = []
        while self.peek() != "}":
            if self.peek() == ",":
                self.take()
                continue
            if self.peek() == "...":
                self.take()
                self.take("on")
                on = self.take()
                found.append(Selection("", on=on, children=self.selections()))
                continue
            selection = Selection(self.take())
            if self.peek() == "(":
                selection.arguments = self.arguments()
            if self.peek() == "{":
                selection.children = self.selections()
            found.append(selection)
        self.take("}")
        return found

    def arguments(self) -> dict[str, Any]:
        self.take("(")
        found: dict[str, Any] = {}
        while self.peek() != ")":
            if self.peek() == ",":
                self.take()
                continue
            name = self.take()
            self.take(":")
            found[name] = self.value()
        self.take(")")
        return found

    def value(self) -> Any:
        token = self.take()
        if token == "$":
            return self.variables.get(self.take())
        if token.startswith('"'):
            return token[1:-1]
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        return {"true": True, "false": False, "null": None}.get(token, token)


def answer(fake: FakeGitHub, payload: dict[str, Any], writer: bool) -> Answer:
    """The answer to one GraphQL request."""
    try:
        kind, selections = _Parser(str(payload.get("query", "")), payload.get("variables") or {}).operation()
    except GraphQLSyntaxError as error:
        return 200, {"errors": [{"message": f"Parse error: {error}"}]}
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for selection in selections:
        if kind == "mutation" and not writer:
            data[selection.name] = None
            errors.append(
                {
                    "type": "FORBIDDEN",
                    "path": [selection.name],
                    "message": "Resource not accessible by personal access token",
                }
            )
            continue
        resolver = (MUTATIONS if kind == "mutation" else QUERIES).get(selection.name)
        if resolver is None:
            errors.append({"message": f"Field '{selection.name}' doesn't exist on type '{kind}'"})
            continue
        value, problem = resolver(fake, selection.arguments)
        data[selection.name] = None if value is None else _select(value, selection.children)
        if problem is not None:
            errors.append({**problem, "path": [selection.name]})
    return 200, {"data": data, **({"errors": errors} if errors else {})}


def _select(value: Any, selections: list[Selection]) -> Any:
    """``value`` narrowed to the selections (inline fragments apply when ``__typename`` matches)."""
    if isinstance(value, list):
        return [_select(item, selections) for item in value]
    if not isinstance(value, dict) or not selections:
        return value
    found: dict[str, Any] = {}
    for selection in selections:
        if selection.on is not None:
            if value.get("__typename") == selection.on:
                found.update(_select(value, selection.children))
            continue
        item = value.get(selection.name)
        if callable(item):
            item = item(**selection.arguments)
        found[selection.name] = _select(item, selection.children)
    return found


# -- objects --------------------------------------------------------------------------------------


def repository_node_id(name: str) -> str:
    """The repository's node id, as ``GET /repos/{owner}/{repo}`` answers it (standin/github.py)."""
    return f"R_kgDO{_id('repo:' + name)}"


def _repository_object(name: str) -> dict[str, Any]:
    return {"__typename": "Repository", "id": repository_node_id(name), "name": name}


def _actors(fake: FakeGitHub, ids: list[str]) -> Any:
    """An allowance connection, ``(first: N) → {nodes: [{actor}]}``, of the users and teams these node
    ids name.
    """
    actors = []
    for node_id in ids:
        for login in sorted(fake.users):
            if user(login)["node_id"] == node_id:
                actors.append({"__typename": "User", "id": node_id, "name": login, "login": login})
        for slug in sorted(fake.teams):
            found = team(fake.owner, slug)
            if found["node_id"] == node_id:
                actors.append({"__typename": "Team", "id": node_id, "name": found["name"], "slug": slug})

    def connection(first: int = 100, **_: Any) -> dict[str, Any]:
        return {"nodes": [{"actor": actor} for actor in actors[:first]]}

    return connection


RULE_BOOLEANS = (
    "allowsDeletions",
    "allowsForcePushes",
    "blocksCreations",
    "dismissesStaleReviews",
    "isAdminEnforced",
    "requiresApprovingReviews",
    "requiresCodeOwnerReviews",
    "requiresCommitSignatures",
    "requiresConversationResolution",
    "requiresLinearHistory",
    "requiresStatusChecks",
    "requiresStrictStatusChecks",
    "restrictsPushes",
    "restrictsReviewDismissals",
    "requireLastPushApproval",
    "lockBranch",
)
"""The ``BranchProtectionRule`` booleans the provider reads (util_v4_branch_protection.go); an input
that leaves one out gets GitHub's default, false (GraphQL reference, ``CreateBranchProtectionRuleInput``)."""
ALLOWANCES = {
    "pushAllowances": "pushActorIds",
    "reviewDismissalAllowances": "reviewDismissalActorIds",
    "bypassForcePushAllowances": "bypassForcePushActorIds",
    "bypassPullRequestAllowances": "bypassPullRequestActorIds",
}


def _rule_object(fake: FakeGitHub, stored: dict[str, Any]) -> dict[str, Any]:
    rule = {key: value for key, value in stored.items() if not key.startswith("_")}
    rule["__typename"] = "BranchProtectionRule"
    rule["repository"] = _repository_object(stored["_repository"])
    for connection, key in ALLOWANCES.items():
        rule[connection] = _actors(fake, stored["_" + key])
    return rule


def _find_node(fake: FakeGitHub, node_id: Any) -> dict[str, Any] | None:
    for name, repository in fake.repositories.items():
        if repository_node_id(name) == node_id:
            return _repository_object(name)
        if node_id in repository.protection_rules:
            return _rule_object(fake, repository.protection_rules[node_id])
    return None


def _not_resolved(node_id: Any) -> dict[str, Any]:
    return {"type": "NOT_FOUND", "message": f"Could not resolve to a node with the global id of '{node_id}'."}


def _node(fake: FakeGitHub, arguments: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    found = _find_node(fake, arguments.get("id"))
    return (found, None) if found is not None else (None, _not_resolved(arguments.get("id")))


def _repository(fake: FakeGitHub, arguments: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    owner, asked = str(arguments.get("owner")), str(arguments.get("name"))
    name = fake.named(owner, asked)
    if name is None:
        message = f"Could not resolve to a Repository with the name '{owner}/{asked}'."
        return None, {"type": "NOT_FOUND", "message": message}
    return _repository_object(name), None


# -- mutations ------------------------------------------------------------------------------------


def rest_protection(fake: FakeGitHub, repository: str, rule: dict[str, Any]) -> dict[str, Any]:
    """The REST view of a rule: "Get branch protection" for a branch it covers, in the shape of
    GitHub's example. A part the rule does not turn on is left out, as GitHub leaves it out.
    """
    branch = rule["pattern"]
    base = f"https://api.github.com/repos/{fake.owner}/{repository}/branches/{branch}/protection"
    protection = reference("GET_repos_OWNER_REPO_branches_BRANCH_protection")
    protection["url"] = base
    if rule["requiresStatusChecks"]:
        contexts = list(rule["requiredStatusCheckContexts"])
        protection["required_status_checks"] = {
            "url": f"{base}/required_status_checks",
            # `enforcement_level` (deprecated) says whom the checks bind: admins too when enforced.
            "enforcement_level": "everyone" if rule["isAdminEnforced"] else "non_admins",
            "strict": rule["requiresStrictStatusChecks"],
            "contexts": contexts,
            "contexts_url": f"{base}/required_status_checks/contexts",
            # Contexts set without an app (`requiredStatusCheckContexts`) accept any source: app_id null.
            "checks": [{"context": context, "app_id": None} for context in contexts],
        }
    else:
        protection.pop("required_status_checks")
    protection["enforce_admins"] = {"url": f"{base}/enforce_admins", "enabled": rule["isAdminEnforced"]}
    reviews = protection["required_pull_request_reviews"]
    if rule["requiresApprovingReviews"]:
        reviews.update(
            url=f"{base}/required_pull_request_reviews",
            dismiss_stale_reviews=rule["dismissesStaleReviews"],
            require_code_owner_reviews=rule["requiresCodeOwnerReviews"],
            required_approving_review_count=rule["requiredApprovingReviewCount"],
            require_last_push_approval=rule["requireLastPushApproval"],
        )
        if not rule["restrictsReviewDismissals"]:
            reviews.pop("dismissal_restrictions")
        bypassers = _rest_actors(fake, rule.get("_bypassPullRequestActorIds", []))
        if bypassers["users"] or bypassers["teams"]:
            # go-github's PullRequestReviewsEnforcement.BypassPullRequestAllowances (users, teams, apps)
            reviews["bypass_pull_request_allowances"] = {**bypassers, "apps": []}
    else:
        protection.pop("required_pull_request_reviews")
    if not rule["restrictsPushes"]:
        protection.pop("restrictions")
    protection["required_linear_history"] = {"enabled": rule["requiresLinearHistory"]}
    protection["allow_force_pushes"] = {"enabled": rule["allowsForcePushes"]}
    protection["allow_deletions"] = {"enabled": rule["allowsDeletions"]}
    protection["required_conversation_resolution"] = {"enabled": rule["requiresConversationResolution"]}
    protection["lock_branch"] = {"enabled": rule["lockBranch"]}
    # Not in GitHub's example, in its schema and go-github's Protection (RequiredSignatures,
    # BlockCreations): what `requiresCommitSignatures` and `blocksCreations` show as over REST.
    protection["required_signatures"] = {
        "url": f"{base}/required_signatures",
        "enabled": rule["requiresCommitSignatures"],
    }
    protection["block_creations"] = {"enabled": rule["blocksCreations"]}
    # `lockAllowsFetchAndMerge`, which this maps to, is not an input the provider sends: false.
    protection["allow_fork_syncing"] = {"enabled": False}
    return dict(protection)


def _rest_actors(fake: FakeGitHub, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The users and teams these node ids name, as REST objects (an allowance's ``users`` and ``teams``)."""
    wanted = set(ids)
    users = [user(login) for login in sorted(fake.users)]
    teams = [team(fake.owner, slug) for slug in sorted(fake.teams)]
    return {
        "users": [found for found in users if found["node_id"] in wanted],
        "teams": [found for found in teams if found["node_id"] in wanted],
    }


def _store(
    fake: FakeGitHub, repository: FakeRepository, rule: dict[str, Any], old_pattern: str | None
) -> None:
    repository.protection_rules[rule["id"]] = rule
    if old_pattern is not None and old_pattern != rule["pattern"]:
        repository.classic.pop(old_pattern, None)
    repository.classic[rule["pattern"]] = rest_protection(fake, rule["_repository"], rule)


def _apply_input(rule: dict[str, Any], given: dict[str, Any]) -> None:
    for key in RULE_BOOLEANS:
        if given.get(key) is not None:
            rule[key] = bool(given[key])
    if given.get("requiredApprovingReviewCount") is not None:
        rule["requiredApprovingReviewCount"] = int(given["requiredApprovingReviewCount"])
    if given.get("requiredStatusCheckContexts") is not None:
        rule["requiredStatusCheckContexts"] = list(given["requiredStatusCheckContexts"])
    if given.get("pattern") is not None:
        rule["pattern"] = str(given["pattern"])
    for key in ALLOWANCES.values():
        if key in given:  # null and [] both clear an allowance list
            rule["_" + key] = list(given[key] or [])


def _create_rule(fake: FakeGitHub, arguments: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    given = arguments.get("input") or {}
    node = _find_node(fake, given.get("repositoryId"))
    if node is None or node["__typename"] != "Repository":
        return None, _not_resolved(given.get("repositoryId"))
    name = node["name"]
    repository = fake.repositories[name]
    pattern = given.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        return None, {"type": "UNPROCESSABLE", "message": "Pattern can't be blank"}
    if any(rule["pattern"] == pattern for rule in repository.protection_rules.values()):
        # Not in GitHub's reference; the web UI's wording for a second rule of one pattern.
        return None, {"type": "UNPROCESSABLE", "message": f"Name already protected: {pattern}"}
    rule: dict[str, Any] = dict.fromkeys(RULE_BOOLEANS, False)
    rule.update(
        id=f"BPR_kwDO{_id(f'{name}:{pattern}')}",
        pattern=pattern,
        requiredApprovingReviewCount=0,
        requiredStatusCheckContexts=[],
        _repository=name,
        **{"_" + key: [] for key in ALLOWANCES.values()},
    )
    _apply_input(rule, given)
    _store(fake, repository, rule, None)
    return {"branchProtectionRule": _rule_object(fake, rule)}, None


def _rule_by_id(fake: FakeGitHub, node_id: Any) -> tuple[FakeRepository, dict[str, Any]] | None:
    for repository in fake.repositories.values():
        if node_id in repository.protection_rules:
            return repository, repository.protection_rules[node_id]
    return None


def _update_rule(fake: FakeGitHub, arguments: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    given = arguments.get("input") or {}
    found = _rule_by_id(fake, given.get("branchProtectionRuleId"))
    if found is None:
        return None, _not_resolved(given.get("branchProtectionRuleId"))
    repository, rule = found
    old_pattern = rule["pattern"]
    _apply_input(rule, given)
    _store(fake, repository, rule, old_pattern)
    return {"branchProtectionRule": _rule_object(fake, rule)}, None


def _delete_rule(fake: FakeGitHub, arguments: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    given = arguments.get("input") or {}
    found = _rule_by_id(fake, given.get("branchProtectionRuleId"))
    if found is None:
        return None, _not_resolved(given.get("branchProtectionRuleId"))
    repository, rule = found
    del repository.protection_rules[rule["id"]]
    repository.classic.pop(rule["pattern"], None)
    return {"clientMutationId": given.get("clientMutationId")}, None


QUERIES = {"node": _node, "repository": _repository}
MUTATIONS = {
    "createBranchProtectionRule": _create_rule,
    "updateBranchProtectionRule": _update_rule,
    "deleteBranchProtectionRule": _delete_rule,
}
