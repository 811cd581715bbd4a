"""A stateful GitHub stand-in on 127.0.0.1 for the tests and benchmarks.

It answers the REST endpoints repoconf calls with the response shapes of GitHub's REST reference (the
examples in ../shared/github-api/, field for field; tests/github/test_standin.py holds it to them) and
behaves as GitHub documents, unhappy cases included:

- a read-only token (``read_token``) does not see rulesets' ``bypass_actors`` ("only returned if the user
  making the API request has write access to the ruleset") and cannot write;
- a private repository on a plan without rulesets answers 403 "Upgrade to GitHub Pro or make this
  repository public to enable this feature.";
- organization rulesets appear in a repository's ruleset listing (``includes_parents`` defaults to true);
- page sizes are capped per endpoint (variables: 30, others: 100; defaults 10 and 30), and ``Link`` URLs
  use the ``/repositories/{id}/...`` form GitHub sends;
- issues listings hold unrelated issues and pull requests and are filtered by ``state`` and ``labels``;
- an empty repository's tree answers 409 "Git Repository is empty."; a tree can be ``truncated``; a
  token without "Contents: read" gets 403 on trees and contents;
- every answer carries ``x-ratelimit-*`` headers and an ``etag``.

Faults (a status with headers and body, a delay, a body trickled slowly, a body of any size made while
sent, gzip-compressed or not) can be injected for the next N requests to a path. Repositories are
configured "as repoconf deploys them" from a policy, then mutated.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import itertools
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from repoconf.concepts.ruleset_titles import (
    RELEASE_TAG_CREATION_RULESET,
    RELEASE_TAG_RULESET,
    branch_ruleset_title,
)
from repoconf.policy.model import BranchRule, ProtectionEngine, RepositorySettings, TagOperation
from standin import runs

REFERENCE = Path(__file__).resolve().parent / "reference"
STAMP = "2024-05-17T08:43:03Z"


@functools.cache
def _reference_text(name: str) -> str:
    return (REFERENCE / f"{name}.json").read_text(encoding="utf-8")


def known_as(names: Iterable[str], wanted: str) -> str | None:
    """``wanted`` as one of ``names`` spells it, GitHub comparing the two case-insensitively (logins,
    team slugs, repository, secret and variable names), or None.
    """
    return next((known for known in names if known.casefold() == wanted.casefold()), None)


def reference(name: str) -> Any:
    """A fresh copy of one of GitHub's example responses (standin/reference/NAME.json)."""
    return json.loads(_reference_text(name))


API_DOCS = "https://docs.github.com/rest"


CI_JOB = """\
  job{index}:
    name: {check}
    runs-on: ubuntu-24.04
    steps: [{{run: 'true'}}]
"""


def _sha(text: str) -> str:
    """A git-like object id for a path or a text."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def blob_id(text: str) -> str:
    """Git's object id of a file holding ``text`` (``blob <size>``, a zero byte, the bytes), as a tree
    and the contents API give it.
    """
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _etag(payload: bytes) -> str:
    """A weak ETag of a body, as GitHub sends (``W/"..."``)."""
    return f'W/"{hashlib.sha256(payload).hexdigest()[:32]}"'


def _id(text: str) -> int:
    return 1 + sum((index + 1) * ord(char) for index, char in enumerate(text)) % 9_999_999


def user(login: str) -> dict[str, Any]:
    """A simple-user object as GitHub returns it."""
    uid = _id("user:" + login)
    base = f"https://api.github.com/users/{login}"
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": "User",
        "site_admin": False,
    }


BASE_ROLE_IDS = {"maintain": 2, "write": 4, "admin": 5}
"""``RepositoryRole`` bypass actor ids of GitHub's base roles, written here from the provider's documentation
(integrations/terraform-provider-github, website/docs/r/repository_ruleset.html.markdown), not imported
from repoconf, so that the stand-in cannot agree with a mistake of ours."""


PULL_REQUEST_PARAMETERS: dict[str, str] = {
    "required_approving_review_count": "required_approvals",
    "dismiss_stale_reviews_on_push": "dismiss_stale_reviews",
    "require_code_owner_review": "require_code_owner_reviews",
    "require_last_push_approval": "require_last_push_approval",
}
"""A ruleset's ``pull_request`` rule parameter (SCHEMA_repository-rule-types.json) → the branch-rule field
that sets it; written here, not taken from repoconf's concept tables, so that the stand-in cannot agree
with a mistake of theirs."""

CLASSIC_REVIEWS: dict[str, str] = {
    "required_approving_review_count": "required_approvals",
    "dismiss_stale_reviews": "dismiss_stale_reviews",
    "require_code_owner_reviews": "require_code_owner_reviews",
    "require_last_push_approval": "require_last_push_approval",
}
"""Classic protection's ``required_pull_request_reviews`` key (GitHub's "Get branch protection"
example) → the branch-rule field that sets it."""


def team_slug(name: str) -> str:
    """The slug GitHub gives a team of this name: lower-case, each run of other characters than letters,
    digits, ``.``, ``_`` and ``-`` one ``-`` (GitHub's examples: the team "Justice League" has slug
    ``justice-league``; tests/github/test_standin.py holds this to them). GitHub does not document what it
    does with ``.`` and ``_``; the stand-in keeps them, so that a team made for a policy's slug (letters,
    digits, ``.``, ``_``, ``-``: repoconf.policy.identifiers) is found by that slug, in any case.
    """
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")


def team(owner: str, slug: str) -> dict[str, Any]:
    """A team object as GitHub returns it."""
    tid = _id("team:" + slug)
    return {
        "id": tid,
        "node_id": f"MDQ6VGVhbT{tid}",
        "url": f"https://api.github.com/teams/{tid}",
        "html_url": f"https://github.com/orgs/{owner}/teams/{slug}",
        "name": slug.replace("-", " ").title(),
        "slug": slug,
        "description": f"The {slug} team.",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "admin",
        "members_url": f"https://api.github.com/teams/{tid}/members{{/member}}",
        "repositories_url": f"https://api.github.com/teams/{tid}/repos",
        "parent": None,
    }


Router = Callable[["FakeGitHub", str, str, dict[str, list[str]], bytes], "tuple[int, Any] | None"]
"""A router: (stand-in, method, canonical path, query, raw body) → (status, body), or None when the
request is not one it serves. The path is still percent-encoded: a router matches it, then decodes each
segment it took (:func:`decoded`)."""


def decoded(match: re.Match[str]) -> tuple[Any, ...]:
    """A route's groups, each percent-decoded (None for a group that did not take part).

    Routes match the raw path and decode after matching: an environment named ``a/b`` is sent as
    ``environments/a%2Fb`` (GitHub's REST docs for ``environment_name``: "The name of the environment.
    The name must be URL encoded. For example, any slashes in the name must be replaced with %2F."), and
    decoding the whole path first would split it into two segments.
    """
    return tuple(None if group is None else unquote(group) for group in match.groups())


@dataclass
class FakeEnvironment:
    """An environment's state."""

    users: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    wait_timer: int = 0
    prevent_self_review: bool = False
    can_admins_bypass: bool = True
    branch_policy: str | None = None  # None (any ref), "protected" or "custom"
    policies: list[tuple[str, str]] = field(default_factory=list)  # (pattern, "branch" | "tag")
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeRepository:
    """A repository's state."""

    default_branch: str = "main"
    private: bool = False
    plan_has_rulesets: bool = True
    """False: a private repository on GitHub Free, where rulesets answer 403."""
    branches: set[str] = field(default_factory=lambda: {"main"})
    files: dict[str, str] = field(default_factory=dict)
    """The default branch's files: path → text."""
    tree_truncated: bool = False
    """GitHub truncates a recursive tree listing past its limits (100,000 entries or 7 MB)."""
    contents_readable: bool = True
    """False: a fine-grained token without "Contents: read" (403 on trees and contents)."""
    environments: dict[str, FakeEnvironment] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)
    rulesets: list[dict[str, Any]] = field(default_factory=list)
    """Full ruleset objects, as "Get a repository ruleset" returns them."""
    classic: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Branch → protection object, as "Get branch protection" returns it."""
    issues: list[dict[str, Any]] = field(default_factory=list)
    """Issue objects, as "Get an issue" returns them; comments under the key ``_comments``."""
    teams: dict[str, str] = field(default_factory=dict)
    """Teams with a permission on the repository: slug → ``pull`` … ``admin`` (standin/access.py)."""
    collaborators: dict[str, str] = field(default_factory=dict)
    """Users' permissions on the repository: login → ``admin``, ``write`` or ``read``."""
    deployments: list[dict[str, Any]] = field(default_factory=list)
    """Deployment objects, oldest first, as "List deployments" returns them (it lists newest first)."""
    deployment_statuses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """Deployment id → its statuses, oldest first."""
    deployments_readable: bool = True
    """False: a workflow token without ``deployments: read`` (403 on the Deployments API)."""
    protection_rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    """GraphQL ``BranchProtectionRule`` objects by node id, as the provider creates them
    (standin/graphql.py); each also writes its REST view into :attr:`classic`."""
    topics: list[str] = field(default_factory=list)
    properties: dict[str, str | list[str]] = field(default_factory=dict)
    """Custom property values (a list for a multi-select property), served by standin/org.py."""
    archived: bool = False
    fork: bool = False

    def environment(self, name: str) -> tuple[str, FakeEnvironment] | None:
        """The environment of this name and its stored spelling: GitHub's environment names are
        case-insensitive (a PUT of ``Staging`` updates ``staging``).
        """
        for stored, env in self.environments.items():
            if stored.casefold() == name.casefold():
                return stored, env
        return None


@dataclass
class Fault:
    """What to answer instead, for the next ``times`` requests whose path matches."""

    pattern: re.Pattern[str]
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"message": "Server Error"})
    delay: float = 0.0
    times: int = 1
    trickle: float = 0.0
    """Seconds between the body's bytes (a slow server), instead of one write."""
    raw: bytes | None = None
    """A body sent as is (not JSON), e.g. an HTML page."""
    applied: bool = False
    """Perform the request first, then answer with the fault (a write applied whose answer was lost)."""
    padding: int = 0
    """Spaces after the body (JSON whitespace), made while sent: a body of any size (1.2 GB) is never
    held in memory."""
    encoding: str | None = None
    """``gzip``: the body (padding included) is sent gzip-compressed, with ``Content-Encoding: gzip``."""
    length: bool = True
    """False: no ``Content-Length``; the body ends when the connection closes."""
    head_trickle: float = 0.0
    """Seconds between the bytes of a long response head (a server holding a request by its headers)."""


class FakeGitHub:
    """The stand-in's state; :meth:`start` serves it on an ephemeral loopback port."""

    def __init__(
        self,
        owner: str,
        token: str = "ghp_fake_test_token_0123456789",
        page_size: int = 100,
        read_token: str | None = None,
        rate_limit: int = 5000,
    ) -> None:
        self.owner = owner
        self.token = token
        self.read_token = read_token
        """A token with read access only: no ``bypass_actors``, no writes."""
        self.page_size = page_size
        self.repositories: dict[str, FakeRepository] = {}
        self.teams: set[str] = set()
        """The owner's teams by slug (``GET /orgs/{org}/teams``): every team a deployed policy names, by
        the slug GitHub gives it (:meth:`add_team`); endpoints look slugs up case-insensitively."""
        self.users: set[str] = set()
        """Logins of the accounts ``GET /users/{login}`` knows (environment reviewers by id resolve to
        these); canonical spelling, looked up case-insensitively as GitHub does."""
        self.teams_readable = True
        """False: a token without the organization's "Members: read" (403 on the teams listing)."""
        self.org_rulesets: list[dict[str, Any]] = []
        """Organization rulesets: listed in every repository's rulesets unless ``includes_parents=false``."""
        self.sends_can_admins_bypass = True
        """github.com sends ``can_admins_bypass``; the REST description (and GHES) may not."""
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (method and path with query, authorization header)
        self.rate_limit = rate_limit
        self.used = 0
        self.not_modified = 0
        """Requests answered 304 (GitHub does not charge them against the rate limit)."""
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- set-up -----------------------------------------------------------------------------------

    def add_team(self, name: str) -> str:
        """Make a team of this name (known already: nothing); return its slug as GitHub derives it."""
        slug = team_slug(name)
        self.teams.add(slug)
        return slug

    def find_user(self, login: str) -> str | None:
        """The login of the account ``login`` names, in its own spelling (GitHub's logins are
        case-insensitive), or None when the stand-in knows no such account.
        """
        return known_as(self.users, login)

    def find_team(self, slug: str) -> str | None:
        """The slug of the team ``slug`` names, as GitHub stores it: GitHub looks slugs up
        case-insensitively (``GET /orgs/{org}/teams/Release-Managers`` finds ``release-managers``).
        """
        return known_as(self.teams, slug)

    def deploy(self, name: str, settings: RepositorySettings) -> FakeRepository:
        """Configure a repository as `pulumi up` with this policy would leave it, in GitHub's spelling:
        teams by the slug GitHub derives (:meth:`add_team`), secret and variable names upper-case (GitHub
        stores them so: standin/writes.py). tests/github/test_provider_emulator.py holds the result to
        what the provider's own calls leave, for a policy setting every option.
        """
        repository = FakeRepository()
        for env_name, env in settings.environments.items():
            refs = env.deployment_refs
            state = FakeEnvironment(
                users=[self.find_user(login) or login for login in env.reviewers.users]
                if env.reviewers
                else [],
                teams=[self.add_team(slug) for slug in env.reviewers.teams] if env.reviewers else [],
                wait_timer=env.wait_timer,
                prevent_self_review=env.prevent_self_review,
                can_admins_bypass=env.can_admins_bypass,
                secrets={secret.upper() for secret in env.secrets},
                variables={variable.upper(): value for variable, value in env.variables.items()},
            )
            if refs is not None:
                state.branch_policy = "protected" if refs.protected else "custom"
                state.policies = [(p, "branch") for p in refs.branches or ()]
                state.policies += [(p, "tag") for p in refs.tag_patterns()]
            repository.environments[env_name] = state
        repository.secrets = {secret.upper() for secret in settings.secrets}
        repository.variables = {variable.upper(): value for variable, value in settings.variables.items()}
        for pattern, rule in settings.branches.items():
            if not any(wildcard in pattern for wildcard in "*?["):
                repository.branches.add(pattern)
            if settings.protection_engine is ProtectionEngine.CLASSIC:
                repository.classic[pattern] = self.classic_protection(name, pattern, rule)
            else:
                repository.rulesets.append(self.branch_ruleset(name, pattern, rule))
        creators: list[str] = []
        if settings.release_tags is not None:
            tags = settings.release_tags
            forbidden = set(tags.protect_from)
            rules = [{"type": operation.rule} for operation in TagOperation if operation in forbidden]
            repository.rulesets.append(
                self.ruleset(
                    name,
                    RELEASE_TAG_RULESET,
                    "tag",
                    [f"refs/tags/{tags.pattern}"],
                    [f"refs/tags/{p}" for p in tags.except_],
                    rules,
                    [],
                )
            )
            if tags.created_by is not None:
                creators = [self.add_team(slug) for slug in tags.created_by.teams]
                bypass = [
                    {"actor_id": team(self.owner, slug)["id"], "actor_type": "Team", "bypass_mode": "always"}
                    for slug in creators
                ] + [
                    {"actor_id": BASE_ROLE_IDS[role], "actor_type": "RepositoryRole", "bypass_mode": "always"}
                    for role in tags.created_by.roles
                ]
                repository.rulesets.append(
                    self.ruleset(
                        name,
                        RELEASE_TAG_CREATION_RULESET,
                        "tag",
                        [f"refs/tags/{tags.pattern}"],
                        [f"refs/tags/{p}" for p in tags.except_],
                        [{"type": "creation"}],
                        bypass,
                    )
                )
        repository.files = self.files_for(settings)
        # the organization as it stands around the policy: reviewers can read the repository, release-tag
        # creators can push to it, and the policy's own grants are in place
        for state in repository.environments.values():
            for slug in state.teams:
                repository.teams.setdefault(slug, "pull")
            for login in state.users:
                repository.collaborators.setdefault(login, "write")
        for slug in creators:
            repository.teams.setdefault(slug, "push")
        if settings.access is not None:
            repository.teams.update(
                {self.add_team(slug): str(permission) for slug, permission in settings.access.teams.items()}
            )
        self.repositories[name] = repository
        return repository

    @staticmethod
    def files_for(settings: RepositorySettings) -> dict[str, str]:
        """A default branch that satisfies the policy: each required file, and a pull-request workflow
        reporting each required check.
        """
        files: dict[str, str] = {}
        for wanted in settings.required_files or ():
            if wanted.endswith("/"):
                files[wanted + ".keep"] = ""
            else:
                files[wanted.replace("**/", "pkg/").replace("*", "x").replace("?", "x")] = ""
        checks = sorted({c for rule in settings.branches.values() for c, _ in rule.check_contexts()})
        if checks:
            jobs = "".join(CI_JOB.format(index=index, check=check) for index, check in enumerate(checks))
            files[".github/workflows/ci.yaml"] = f"name: ci\non:\n  pull_request:\njobs:\n{jobs}"
        return files

    def ruleset(
        self,
        repository: str,
        title: str,
        target: str,
        include: list[str],
        exclude: list[str],
        rules: list[dict[str, Any]],
        bypass: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """A ruleset object as "Get a repository ruleset" returns it."""
        rid = _id(f"{repository}:{title}")
        source = f"{self.owner}/{repository}"
        return {
            "id": rid,
            "name": title,
            "target": target,
            "source_type": "Repository",
            "source": source,
            "enforcement": "active",
            "bypass_actors": bypass,
            "current_user_can_bypass": "never",
            "conditions": {"ref_name": {"include": include, "exclude": exclude}},
            "rules": rules,
            "node_id": f"RRS_lACkVXNlcgQ{rid}",
            "_links": {
                "self": {"href": f"https://api.github.com/repos/{self.owner}/{repository}/rulesets/{rid}"},
                "html": {"href": f"https://github.com/{self.owner}/{repository}/rules/{rid}"},
            },
            "created_at": STAMP,
            "updated_at": STAMP,
        }

    def branch_ruleset(self, repository: str, pattern: str, rule: BranchRule) -> dict[str, Any]:
        """The ruleset repoconf declares for a branch rule."""
        rules: list[dict[str, Any]] = [
            {"type": "deletion"},
            {"type": "non_fast_forward"},
            {
                "type": "pull_request",
                "parameters": {
                    "allowed_merge_methods": ["merge", "squash", "rebase"],
                    "required_review_thread_resolution": False,
                    **{key: getattr(rule, field) for key, field in PULL_REQUEST_PARAMETERS.items()},
                },
            },
        ]
        if rule.linear_history:
            rules.append({"type": "required_linear_history"})
        checks = rule.check_contexts()
        if checks:
            rules.append(
                {
                    "type": "required_status_checks",
                    "parameters": {
                        "do_not_enforce_on_create": False,
                        "required_status_checks": [
                            {"context": c} if a is None else {"context": c, "integration_id": a}
                            for c, a in checks
                        ],
                        "strict_required_status_checks_policy": rule.require_up_to_date,
                    },
                }
            )
        bypass = (
            []
            if rule.enforce_admins
            else [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}]
        )
        return self.ruleset(
            repository, branch_ruleset_title(pattern), "branch", [f"refs/heads/{pattern}"], [], rules, bypass
        )

    def classic_protection(self, repository: str, branch: str, rule: BranchRule) -> dict[str, Any]:
        """A branch protection object as "Get branch protection" returns it (GitHub's example, with this
        rule's settings; no push restrictions or dismissal restrictions, which repoconf does not set).
        """
        base = f"https://api.github.com/repos/{self.owner}/{repository}/branches/{branch}/protection"
        checks = rule.check_contexts()
        protection = reference("GET_repos_OWNER_REPO_branches_BRANCH_protection")
        protection.pop("restrictions")
        protection["url"] = base
        protection["required_status_checks"] = {
            "url": f"{base}/required_status_checks",
            "enforcement_level": "everyone" if rule.enforce_admins else "non_admins",
            "strict": rule.require_up_to_date,
            "contexts": [c for c, _ in checks],
            "contexts_url": f"{base}/required_status_checks/contexts",
            "checks": [{"context": c, "app_id": a} for c, a in checks],
        }
        if not checks:  # the provider sends no required_status_checks block without contexts
            protection.pop("required_status_checks")
        protection["enforce_admins"] = {"url": f"{base}/enforce_admins", "enabled": rule.enforce_admins}
        reviews = protection["required_pull_request_reviews"]
        reviews.pop("dismissal_restrictions")
        reviews["url"] = f"{base}/required_pull_request_reviews"
        reviews.update({key: getattr(rule, field) for key, field in CLASSIC_REVIEWS.items()})
        protection["required_linear_history"] = {"enabled": rule.linear_history}
        # What repoconf leaves off: the program declares force pushes, deletions, conversation resolution,
        # the branch lock, signatures and creation blocks off, and the provider never sends
        # lockAllowsFetchAndMerge (githubv4 CreateBranchProtectionRuleInput; standin/graphql.py), so fork
        # syncing stays off too.
        for setting in (
            "allow_force_pushes",
            "allow_deletions",
            "required_conversation_resolution",
            "lock_branch",
            "allow_fork_syncing",
            "block_creations",
        ):
            protection[setting] = {"enabled": False}
        protection["required_signatures"] = {"url": f"{base}/required_signatures", "enabled": False}
        return dict(protection)

    def org_ruleset(self, title: str, target: str = "branch") -> dict[str, Any]:
        """Add an organization ruleset that applies to every repository."""
        rid = _id(f"org:{title}")
        ruleset = {
            **self.ruleset("", title, target, ["~DEFAULT_BRANCH"], [], [{"type": "deletion"}], []),
            "id": rid,
            "source_type": "Organization",
            "source": self.owner,
        }
        self.org_rulesets.append(ruleset)
        return ruleset

    def add_issue(
        self,
        repository: str,
        title: str,
        labels: list[str],
        state: str = "open",
        pull_request: bool = False,
        author: str = "octocat",
        body: str | None = None,
    ) -> dict[str, Any]:
        """An issue (or a pull request, which GitHub's issue listing also returns) made by ``author``
        (a person, unless told otherwise).
        """
        issues = self.repositories[repository].issues
        issue = self.issue(
            repository, len(issues) + 1, {"title": title, "body": body or f"{title}.", "labels": labels}
        )
        issue["state"] = state
        issue["user"] = user(author)
        if pull_request:
            number = issue["number"]
            issue["pull_request"] = {
                "url": f"https://api.github.com/repos/{self.owner}/{repository}/pulls/{number}",
                "html_url": f"https://github.com/{self.owner}/{repository}/pull/{number}",
                "diff_url": f"https://github.com/{self.owner}/{repository}/pull/{number}.diff",
                "patch_url": f"https://github.com/{self.owner}/{repository}/pull/{number}.patch",
            }
        issues.append(issue)
        return issue

    def add_deployment(
        self, repository: str, ref: str, environment: str, states: list[str]
    ) -> dict[str, Any]:
        """A deployment of ``ref`` to ``environment`` with these statuses (oldest first), built from
        GitHub's examples of "List deployments" and "List deployment statuses".
        """
        state = self.repositories[repository]
        deployment_id = 1000 + len(state.deployments)
        url = f"https://api.github.com/repos/{self.owner}/{repository}/deployments/{deployment_id}"
        deployment: dict[str, Any] = reference("GET_repos_OWNER_REPO_deployments")[0]
        deployment.update(
            url=url,
            id=deployment_id,
            ref=ref,
            sha=_sha(ref),
            environment=environment,
            original_environment=environment,
            statuses_url=f"{url}/statuses",
            repository_url=f"https://api.github.com/repos/{self.owner}/{repository}",
            creator=user("github-actions[bot]"),
        )
        state.deployments.append(deployment)
        statuses = []
        for index, status_state in enumerate(states):
            status = reference("GET_repos_OWNER_REPO_deployments_DEPLOYMENT_ID_statuses")[0]
            status.update(
                url=f"{url}/statuses/{index + 1}",
                id=deployment_id * 100 + index + 1,
                state=status_state,
                environment=environment,
                deployment_url=url,
                repository_url=deployment["repository_url"],
            )
            statuses.append(status)
        state.deployment_statuses[deployment_id] = statuses
        return deployment

    def fault(self, path_regex: str, **kwargs: Any) -> Fault:
        """Answer the next matching request(s) with a fault instead."""
        fault = Fault(re.compile(path_regex), **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    # -- serving ----------------------------------------------------------------------------------

    def start(self) -> str:
        """Serve on 127.0.0.1; return the API base URL."""
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

            def do_GET(self) -> None:
                state._handle(self)

            def do_POST(self) -> None:
                state._handle(self)

            def do_PATCH(self) -> None:
                state._handle(self)

            def do_PUT(self) -> None:
                state._handle(self)

            def do_DELETE(self) -> None:
                state._handle(self)

            def log_message(self, *_: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        """The API base URL of the running server."""
        if self._server is None:
            raise RuntimeError("start() the stand-in first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        authorization = handler.headers.get("Authorization", "")
        with self._lock:
            self.requests.append((f"{handler.command} {handler.path}", authorization))
            fault = next((f for f in self.faults if f.times > 0 and f.pattern.search(url.path)), None)
            if fault is not None:
                fault.times -= 1
        length = int(handler.headers.get("Content-Length") or 0)
        raw_payload = handler.rfile.read(length) if length else b""
        if fault is not None and fault.applied:
            self._dispatch(handler, url.path, url.query, authorization, raw_payload)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            payload = fault.raw if fault.raw is not None else json.dumps(fault.body).encode()
            if fault.head_trickle:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._write_slow_head(handler, fault, payload)
                return
            if fault.padding or fault.encoding or not fault.length:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # stopped at its bound
                    self._write_large(handler, fault, payload)
                return
            self._respond(handler, fault.status, payload, fault.headers, fault.trickle)
            return
        status, body = self._dispatch(handler, url.path, url.query, authorization, raw_payload)
        if status == 200 and isinstance(body, tuple):
            key, items = body
            self._send_page(handler, self._canonical(url.path), parse_qs(url.query), key, items)
            return
        self._send(handler, status, body)

    def _dispatch(
        self,
        handler: BaseHTTPRequestHandler,
        raw_path: str,
        raw_query: str,
        authorization: str,
        raw_payload: bytes,
    ) -> tuple[int, Any]:
        """The answer to one request: a status and a body (or ``(key, items)`` of a listing to page)."""
        if authorization not in (f"Bearer {self.token}", f"Bearer {self.read_token}") or not authorization:
            return 401, {"message": "Bad credentials", "documentation_url": API_DOCS, "status": "401"}
        writer = authorization == f"Bearer {self.token}"
        query = parse_qs(raw_query)
        path = self._canonical(raw_path)  # still encoded: routes decode the segments they match
        if path == "/graphql" and handler.command == "POST":
            from standin import graphql  # builds on this module, so imported late

            with self._lock:  # mutations change shared state
                return graphql.answer(self, json.loads(raw_payload or b"{}"), writer)
        if handler.command != "GET" and not writer:
            return 403, {
                "message": "Resource not accessible by personal access token",
                "documentation_url": API_DOCS,
                "status": "403",
            }
        if re.fullmatch(r"/repos/[^/]+/[^/]+/issues(/.*)?", path):
            with self._lock:  # writes change shared state
                return self._issues(handler.command, path, query, json.loads(raw_payload or b"{}"))
        for router in self.routers():
            with self._lock:  # writes change shared state
                answer = router(self, handler.command, path, query, raw_payload)
            if answer is not None:
                return answer
        if handler.command != "GET":
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        return self._route(path, query, writer)

    def routers(self) -> list[Router]:
        """Routers tried before the built-in read routes, in order: each answers a request it serves
        and None otherwise. Modules that build on this one (standin/writes.py: the endpoints the Pulumi
        provider writes through) are imported here, late, to keep the import graph acyclic.
        """
        from standin import access, org, writes

        return [writes.route, access.route, org.route]

    def _canonical(self, path: str) -> str:
        """The path as the routes read it: ``/repositories/{id}/...`` (the form GitHub's Link URLs use) as
        ``/repos/{owner}/{name}/...``, and the owner and repository spelled as they were created, since
        GitHub finds them whatever their case (its REST parameters: "The name is not case sensitive").
        """
        match = re.fullmatch(r"/repositories/(\d+)(/.*)?", path)
        if match is not None:
            for name in self.repositories:
                if _id("repo:" + name) == int(match.group(1)):
                    return f"/repos/{self.owner}/{name}{match.group(2) or ''}"
            return path
        repository = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if repository is not None:
            known = self.named(*decoded(repository)[:2])
            return path if known is None else f"/repos/{self.owner}/{known}{repository.group(3) or ''}"
        organization = re.fullmatch(r"/orgs/([^/]+)(/.*)?", path)
        if organization is not None and decoded(organization)[0].casefold() == self.owner.casefold():
            return f"/orgs/{self.owner}{organization.group(2) or ''}"
        return path

    def _public_path(self, path: str) -> str:
        """The ``/repositories/{id}/...`` form of a repository path, as GitHub writes Link URLs."""
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        name = None if match is None else self.named(*decoded(match)[:2])
        if match is None or name is None:
            return path
        return f"/repositories/{_id('repo:' + name)}{match.group(3) or ''}"

    def _send_page(
        self,
        handler: BaseHTTPRequestHandler,
        path: str,
        query: dict[str, list[str]],
        key: str | None,
        items: list[Any],
    ) -> None:
        # GitHub's per-endpoint page sizes: variables default 10, max 30; the others default 30, max 100.
        variables = path.endswith("/variables")
        default, cap = (10, 30) if variables else (30, 100)
        per_page = min(int(query.get("per_page", [str(default)])[0]), cap, self.page_size)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        headers: dict[str, str] = {}
        last = max(1, -(-len(items) // per_page))
        kept = [
            (name, value)
            for name, values in query.items()
            if name not in ("page", "per_page")
            for value in values
        ]
        # the path as it came (still encoded), the other parameters encoded again: `environment=prod eu`
        # stays one parameter
        base = f"{self.base}{self._public_path(path)}?" + "".join(f"{urlencode([pair])}&" for pair in kept)
        links = []
        if page < last:
            links.append(f'<{base}per_page={per_page}&page={page + 1}>; rel="next"')
            links.append(f'<{base}per_page={per_page}&page={last}>; rel="last"')
        if links:
            headers["Link"] = ", ".join(links)
        body: Any = chunk if key is None else {"total_count": len(items), key: chunk}
        self._send(handler, 200, body, headers)

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        payload = b"" if status == 204 else json.dumps(body).encode()  # a 204 has no body
        # Conditional requests, as GitHub answers them: a matching If-None-Match gets 304, no body.
        if (
            status == 200
            and handler.command == "GET"
            and handler.headers.get("If-None-Match") == _etag(payload)
        ):
            with self._lock:
                self.not_modified += 1
            self._respond(handler, 304, b"", headers or {}, 0.0, etag=_etag(payload))
            return
        self._respond(handler, status, payload, headers or {}, 0.0)

    def _respond(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        trickle: float,
        etag: str | None = None,
    ) -> None:
        try:
            self._write(handler, status, payload, headers, trickle, etag)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up first (a timeout test): nothing to answer

    def _write(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        trickle: float,
        etag: str | None = None,
    ) -> None:
        with self._lock:
            if status != 304:  # GitHub: a 304 does not count against the primary rate limit
                self.used += 1
            used = self.used
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        merged = {
            "x-ratelimit-limit": str(self.rate_limit),
            "x-ratelimit-remaining": str(max(0, self.rate_limit - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
            "etag": etag or _etag(payload),
        }
        merged |= {name.lower(): value for name, value in headers.items()}
        for name, value in merged.items():
            handler.send_header(name, value)
        handler.end_headers()
        if trickle:
            for index in range(len(payload)):
                handler.wfile.write(payload[index : index + 1])
                handler.wfile.flush()
                time.sleep(trickle)
        else:
            handler.wfile.write(payload)

    @staticmethod
    def _chunks(fault: Fault, payload: bytes) -> Iterator[bytes]:
        """The fault's body: the payload, its padding made a MiB at a time, compressed as it goes."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31) if fault.encoding == "gzip" else None
        pieces = itertools.chain(
            [payload],
            (b" " * min(1 << 20, fault.padding - done) for done in range(0, fault.padding, 1 << 20)),
        )
        for piece in pieces:
            yield compressor.compress(piece) if compressor is not None else piece
        if compressor is not None:
            yield compressor.flush()

    @staticmethod
    def _write_slow_head(handler: BaseHTTPRequestHandler, fault: Fault, payload: bytes) -> None:
        padding = "".join(f"X-Padding-{index}: {'a' * 60}\r\n" for index in range(150))  # about 12 KiB
        head = (
            f"HTTP/1.1 {fault.status} Slow\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n{padding}\r\n"
        ).encode()
        for index in range(len(head)):
            handler.wfile.write(head[index : index + 1])
            handler.wfile.flush()
            time.sleep(fault.head_trickle)
        handler.wfile.write(payload)

    def _write_large(self, handler: BaseHTTPRequestHandler, fault: Fault, payload: bytes) -> None:
        handler.send_response(fault.status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in fault.headers.items():
            handler.send_header(name, value)
        if fault.encoding is not None:
            handler.send_header("Content-Encoding", fault.encoding)
        if fault.length:  # the size first (compressed: counted in a first pass), never the body held
            size = (
                sum(map(len, self._chunks(fault, payload)))
                if fault.encoding
                else len(payload) + fault.padding
            )
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        for chunk in self._chunks(fault, payload):
            handler.wfile.write(chunk)

    # -- routes -----------------------------------------------------------------------------------

    def named(self, owner: str, name: str) -> str | None:
        """The repository ``owner/name`` as it was created, or None: GitHub finds an owner and a
        repository whatever the case of their names, and answers with the names as they were created.
        """
        if owner.casefold() != self.owner.casefold():
            return None
        return known_as(self.repositories, name)

    def _route(self, path: str, query: dict[str, list[str]], writer: bool) -> tuple[int, Any]:
        not_found = (404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"})
        if path == f"/orgs/{self.owner}/teams":
            if not self.teams_readable:
                return 403, {
                    "message": "Resource not accessible by personal access token",
                    "documentation_url": API_DOCS,
                    "status": "403",
                }
            return 200, (None, [team(self.owner, slug) for slug in sorted(self.teams)])
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if match is None:
            return not_found
        name = self.named(*decoded(match)[:2])
        if name is None:
            return not_found
        rest = match.group(3) or ""  # still encoded: each branch below decodes what it takes
        repository = self.repositories[name]
        repo_url = f"https://api.github.com/repos/{self.owner}/{name}"
        if rest == "":
            return 200, self._repository(name, repository)
        if rest == "/environments":
            return 200, (
                "environments",
                [self._environment(repo_url, n, e) for n, e in repository.environments.items()],
            )
        env_match = re.fullmatch(
            r"/environments/([^/]+)/(deployment-branch-policies|secrets|variables)", rest
        )
        if env_match:
            found = repository.environment(decoded(env_match)[0])
            if found is None:
                return not_found
            env = found[1]
            kind = env_match.group(2)
            if kind == "deployment-branch-policies":
                return 200, (
                    "branch_policies",
                    [
                        {
                            "id": _id(f"{name}:{p}:{t}"),
                            "node_id": f"MDE2OkdhdGVCcmFuY2hQb2xpY3k{_id(p)}",
                            "name": p,
                            "type": t,
                        }
                        for p, t in env.policies
                    ],
                )
            if kind == "secrets":
                return 200, (
                    "secrets",
                    [{"name": s, "created_at": STAMP, "updated_at": STAMP} for s in sorted(env.secrets)],
                )
            return 200, (
                "variables",
                [
                    {"name": k, "value": v, "created_at": STAMP, "updated_at": STAMP}
                    for k, v in sorted(env.variables.items())
                ],
            )
        if rest == "/actions/secrets":
            return 200, (
                "secrets",
                [{"name": s, "created_at": STAMP, "updated_at": STAMP} for s in sorted(repository.secrets)],
            )
        if rest == "/actions/variables":
            return 200, (
                "variables",
                [
                    {"name": k, "value": v, "created_at": STAMP, "updated_at": STAMP}
                    for k, v in sorted(repository.variables.items())
                ],
            )
        if (rest.startswith(("/git/trees/", "/contents/"))) and not repository.contents_readable:
            return 403, {
                "message": "Resource not accessible by personal access token",
                "documentation_url": API_DOCS,
                "status": "403",
            }
        if rest.startswith("/git/trees/"):
            return self._tree(name, repository)
        if rest.startswith("/contents/"):
            return self._content(name, repository, unquote(rest.removeprefix("/contents/")))
        if rest.startswith("/deployments"):
            return self._deployments(repository, rest, query)
        if rest.startswith(runs.PREFIXES):  # Actions runs, reviews, compare, git refs and tags
            return runs.answer(self, name, repository, rest, query)
        if rest == "/rulesets" or rest.startswith("/rulesets/"):
            return self._rulesets(repository, rest, query, writer)
        if rest == "/branches":
            # "List branches" (REST docs, repos/list-branches; no example is vendored): short-branch
            # items, `protected=true` keeps the branches protected by classic protection or a ruleset.
            wanted = query.get("protected", [""])[0]
            items = []
            for branch in sorted(repository.branches):
                protected = branch in repository.classic or any(
                    r.get("target") == "branch"
                    and f"refs/heads/{branch}" in r["conditions"]["ref_name"]["include"]
                    for r in repository.rulesets
                    if r.get("conditions")
                )
                if wanted == "true" and not protected:
                    continue
                sha = _sha(f"{name}:{branch}")
                items.append(
                    {
                        "name": branch,
                        "commit": {"sha": sha, "url": f"{repo_url}/commits/{sha}"},
                        "protected": protected,
                        "protection_url": f"{repo_url}/branches/{branch}/protection",
                    }
                )
            return 200, (None, items)
        protection_match = re.fullmatch(r"/branches/(.+)/protection", rest)
        if protection_match:
            branch = decoded(protection_match)[0]
            if branch not in repository.branches:
                return 404, {"message": "Branch not found", "documentation_url": API_DOCS, "status": "404"}
            protection = repository.classic.get(branch)
            if protection is None:
                return 404, {
                    "message": "Branch not protected",
                    "documentation_url": API_DOCS,
                    "status": "404",
                }
            return 200, protection
        return not_found

    def _tree(self, name: str, repository: FakeRepository) -> tuple[int, Any]:
        """``GET .../git/trees/HEAD?recursive=1`` (GitHub's example, with this branch's files)."""
        if not repository.files:
            return 409, {
                "message": "Git Repository is empty.",
                "documentation_url": API_DOCS,
                "status": "409",
            }
        template = reference(
            "GET_repos_OWNER_REPO_git_trees_TREE_SHA__response-recursively-retrieving-a-tree"
        )
        blob = template["tree"][0]
        directories = sorted(
            {
                "/".join(path.split("/")[:end])
                for path in repository.files
                for end in range(1, path.count("/") + 1)
            }
        )
        base = f"https://api.github.com/repos/{self.owner}/{name}/git"
        entries: list[dict[str, Any]] = [
            {
                "path": path,
                "mode": "040000",
                "type": "tree",
                "sha": _sha(path),
                "url": f"{base}/trees/{_sha(path)}",
            }
            for path in directories
        ]
        entries += [
            {
                **blob,
                "path": path,
                "size": len(text.encode()),
                "sha": blob_id(text),
                "url": f"{base}/blobs/{blob_id(text)}",
            }
            for path, text in sorted(repository.files.items())
        ]
        return 200, {
            **template,
            "sha": _sha(name),
            "url": f"{base}/trees/{_sha(name)}",
            "tree": entries,
            "truncated": repository.tree_truncated,
        }

    def _content(self, name: str, repository: FakeRepository, path: str) -> tuple[int, Any]:
        """``GET .../contents/{path}`` for a file (GitHub's example, with this file)."""
        if path not in repository.files:
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        text = repository.files[path]
        found = reference("GET_repos_OWNER_REPO_contents_PATH__response-if-content-is-a-file")
        encoded = base64.b64encode(text.encode()).decode()
        content = (
            "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n"
        )  # as GitHub wraps it
        if len(text.encode()) > 1 << 20:  # "Between 1-100 MB": the object form, no text (REST docs)
            found["encoding"] = "none"
            content = ""
        url = f"https://api.github.com/repos/{self.owner}/{name}/contents/{path}"
        found.update(
            size=len(text.encode()),
            name=path.rsplit("/", 1)[-1],
            path=path,
            content=content,
            sha=blob_id(text),
            url=url,
            git_url=f"https://api.github.com/repos/{self.owner}/{name}/git/blobs/{blob_id(text)}",
            html_url=f"https://github.com/{self.owner}/{name}/blob/main/{path}",
            download_url=f"https://raw.githubusercontent.com/{self.owner}/{name}/main/{path}",
        )
        found["_links"] = {"git": found["git_url"], "self": url, "html": found["html_url"]}
        return 200, found

    def _deployments(
        self, repository: FakeRepository, rest: str, query: dict[str, list[str]]
    ) -> tuple[int, Any]:
        """The Deployments API: "List deployments" (newest first; filters ``environment``, ``ref``,
        ``sha``, ``task``) and "List deployment statuses" (newest first).
        """
        if not repository.deployments_readable:
            return 403, {
                "message": "Resource not accessible by integration",
                "documentation_url": API_DOCS,
                "status": "403",
            }
        if rest == "/deployments":
            filters = ("environment", "ref", "sha", "task")
            found = [
                d
                for d in reversed(repository.deployments)
                if all(d[key] == query[key][0] for key in filters if key in query)
            ]
            return 200, (None, found)
        match = re.fullmatch(r"/deployments/(\d+)/statuses", rest)
        if match is None or int(match.group(1)) not in repository.deployment_statuses:
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        return 200, (None, list(reversed(repository.deployment_statuses[int(match.group(1))])))

    def _rulesets(
        self, repository: FakeRepository, rest: str, query: dict[str, list[str]], writer: bool
    ) -> tuple[int, Any]:
        if repository.private and not repository.plan_has_rulesets:
            return 403, {
                "message": "Upgrade to GitHub Pro or make this repository public to enable this feature.",
                "documentation_url": API_DOCS,
                "status": "403",
            }
        parents = query.get("includes_parents", ["true"])[0] != "false"
        rulesets = repository.rulesets + (self.org_rulesets if parents else [])
        if rest == "/rulesets":
            keys = (
                "id",
                "name",
                "source_type",
                "source",
                "enforcement",
                "node_id",
                "_links",
                "created_at",
                "updated_at",
            )
            return 200, (None, [{k: r[k] for k in keys} for r in rulesets])
        found = [r for r in rulesets if str(r["id"]) == rest.removeprefix("/rulesets/")]
        if not found:
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        ruleset = dict(found[0])
        if not writer:  # "bypass_actors is only returned if the user ... has write access to the ruleset"
            ruleset.pop("bypass_actors", None)
        return 200, ruleset

    def _issues(
        self, method: str, path: str, query: dict[str, list[str]], payload: dict[str, Any]
    ) -> tuple[int, Any]:
        not_found = (404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"})
        edit = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/comments/(\d+)", path)
        if edit is not None:
            owner, repository_name, cid = decoded(edit)
            return self._edit_comment(method, owner, repository_name, int(cid), payload)
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues(?:/(\d+)(/comments)?)?", path)
        if match is None:
            return not_found
        owner, asked, number, comments = decoded(match)
        repository_name = self.named(owner, asked)
        if repository_name is None:
            return not_found
        repository = self.repositories[repository_name]
        if number is None:
            if method == "GET":
                # GitHub's filters: `state` (default open) and `labels` (comma-separated, all required);
                # pull requests are listed too, marked by their `pull_request` key.
                state = query.get("state", ["open"])[0]
                labels = set(query.get("labels", [""])[0].split(",")) - {""}
                found = [
                    self._public_issue(issue)
                    for issue in repository.issues
                    if state in ("all", issue["state"])
                    and labels <= {label["name"] for label in issue["labels"]}
                ]
                ascending = query.get("direction", ["desc"])[0] == "asc"
                return 200, (None, sorted(found, key=lambda issue: issue["number"], reverse=not ascending))
            if method != "POST":
                return not_found
            issue = self.issue(repository_name, len(repository.issues) + 1, payload)
            repository.issues.append(issue)
            return 201, self._public_issue(issue)
        found_issue = [i for i in repository.issues if i["number"] == int(number)]
        if not found_issue:
            return not_found
        issue = found_issue[0]
        if comments:
            if method == "GET":  # "List issue comments": oldest first
                return 200, (None, list(issue["_comments"]))
            if method != "POST":
                return not_found
            comment = self.comment(repository_name, issue, payload["body"])
            issue["_comments"].append(comment)
            return 201, comment
        if method == "GET":
            return 200, self._public_issue(issue)
        if method != "PATCH":
            return not_found
        for key in ("title", "body", "state", "state_reason"):
            if key in payload:
                issue[key] = payload[key]
        if payload.get("state") == "closed":
            issue["closed_at"] = STAMP
        if "duplicate_issue_id" in payload:
            issue["_duplicate_of"] = payload["duplicate_issue_id"]
        return 200, self._public_issue(issue)

    def _edit_comment(
        self, method: str, owner: str, repository: str, cid: int, payload: dict[str, Any]
    ) -> tuple[int, Any]:
        """``PATCH .../issues/comments/{id}``: the comment with its new body."""
        not_found = (404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"})
        name = self.named(owner, repository)
        if method != "PATCH" or name is None:
            return not_found
        for issue in self.repositories[name].issues:
            for comment in issue["_comments"]:
                if comment["id"] == cid:
                    comment.update(body=payload["body"], updated_at=STAMP)
                    return 200, comment
        return not_found

    @staticmethod
    def _public_issue(issue: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in issue.items() if not k.startswith("_")}

    def add_comment(self, repository: str, number: int, body: str, author: str) -> dict[str, Any]:
        """A comment someone else (``author``) left on issue or pull request ``number``."""
        issue = next(i for i in self.repositories[repository].issues if i["number"] == number)
        comment = self.comment(repository, issue, body)
        comment["user"] = user(author)
        issue["_comments"].append(comment)
        return comment

    def comment(self, repository: str, issue: dict[str, Any], body: str) -> dict[str, Any]:
        """An issue comment as "Create an issue comment" returns it (GitHub's example, with this body)."""
        cid = _id(f"{repository}#{issue['number']}:{len(issue['_comments'])}:{body[:50]}")
        base = f"https://api.github.com/repos/{self.owner}/{repository}/issues"
        comment = reference("POST_repos_OWNER_REPO_issues_ISSUE_NUMBER_comments")
        comment.update(
            id=cid,
            node_id=f"MDEyOklzc3VlQ29tbWVudD{cid}",
            url=f"{base}/comments/{cid}",
            html_url=f"https://github.com/{self.owner}/{repository}/issues/{issue['number']}#issuecomment-{cid}",
            body=body,
            user=user("github-actions[bot]"),
            created_at=STAMP,
            updated_at=STAMP,
            issue_url=f"{base}/{issue['number']}",
            author_association="NONE",
        )
        return dict(comment)

    def issue(self, repository: str, number: int, payload: dict[str, Any]) -> dict[str, Any]:
        """An issue object as "Create an issue" returns it (GitHub's example, with this issue's values)."""
        base = f"https://api.github.com/repos/{self.owner}/{repository}/issues/{number}"
        issue = reference("POST_repos_OWNER_REPO_issues")
        issue.pop("pull_request")  # only pull requests carry it
        label = reference("POST_repos_OWNER_REPO_issues")["labels"][0]
        issue.update(
            id=_id(f"{repository}#{number}"),
            node_id=f"I_kwDO{_id(str(number))}",
            url=base,
            repository_url=f"https://api.github.com/repos/{self.owner}/{repository}",
            labels_url=f"{base}/labels{{/name}}",
            comments_url=f"{base}/comments",
            events_url=f"{base}/events",
            html_url=f"https://github.com/{self.owner}/{repository}/issues/{number}",
            number=number,
            state="open",
            state_reason=None,
            title=payload.get("title", ""),
            body=payload.get("body"),
            user=user("github-actions[bot]"),
            labels=[
                {
                    **label,
                    "id": _id(name),
                    "node_id": f"LA_{_id(name)}",
                    "url": f"https://api.github.com/repos/{self.owner}/{repository}/labels/{name}",
                    "name": name,
                    "description": None,
                    "color": "ededed",
                    "default": False,
                }
                for name in payload.get("labels", [])
            ],
            assignee=None,
            assignees=[],
            milestone=None,
            locked=False,
            active_lock_reason=None,
            comments=0,
            closed_at=None,
            closed_by=None,
            created_at=STAMP,
            updated_at=STAMP,
            author_association="NONE",
        )
        issue["_comments"] = []
        return dict(issue)

    def _repository(self, name: str, repository: FakeRepository) -> dict[str, Any]:
        """GitHub's full-repository example, renamed to this repository, with its settings."""
        rid = _id("repo:" + name)
        text = _reference_text("GET_repos_OWNER_REPO").replace("octocat/Hello-World", f"{self.owner}/{name}")
        found = json.loads(text)
        found.update(
            id=rid,
            node_id=f"R_kgDO{rid}",
            name=name,
            full_name=f"{self.owner}/{name}",
            private=repository.private,
            owner=user(self.owner),
            default_branch=repository.default_branch,
            visibility="private" if repository.private else "public",
            topics=list(repository.topics),
            archived=repository.archived,
            fork=repository.fork,
        )
        return dict(found)

    def _environment(self, repo_url: str, name: str, env: FakeEnvironment) -> dict[str, Any]:
        eid = _id("env:" + name)
        rules: list[dict[str, Any]] = []
        if env.wait_timer:
            rules.append(
                {
                    "id": eid + 1,
                    "node_id": f"MDQ6R2F0ZT{eid + 1}",
                    "type": "wait_timer",
                    "wait_timer": env.wait_timer,
                }
            )
        if env.users or env.teams:
            rules.append(
                {
                    "id": eid + 2,
                    "node_id": f"MDQ6R2F0ZT{eid + 2}",
                    "prevent_self_review": env.prevent_self_review,
                    "type": "required_reviewers",
                    "reviewers": [{"type": "User", "reviewer": user(u)} for u in env.users]
                    + [{"type": "Team", "reviewer": team(self.owner, t)} for t in env.teams],
                }
            )
        if env.branch_policy is not None:
            rules.append({"id": eid + 3, "node_id": f"MDQ6R2F0ZT{eid + 3}", "type": "branch_policy"})
        return {
            "id": eid,
            "node_id": f"MDExOkVudmlyb25tZW50{eid}",
            "name": name,
            "url": f"{repo_url}/environments/{name}",
            "html_url": f"https://github.com/{self.owner}/deployments/activity_log?environments_filter={name}",
            "created_at": STAMP,
            "updated_at": STAMP,
            **({"can_admins_bypass": env.can_admins_bypass} if self.sends_can_admins_bypass else {}),
            "protection_rules": rules,
            "deployment_branch_policy": None
            if env.branch_policy is None
            else {
                "protected_branches": env.branch_policy == "protected",
                "custom_branch_policies": env.branch_policy == "custom",
            },
        }
