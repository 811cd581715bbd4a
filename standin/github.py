"""A small stateful GitHub stand-in on 127.0.0.1 for the audit's tests and benchmark.

It answers the REST endpoints the audit reads with the response shapes of GitHub's REST API reference
(its example responses, field for field), paginates with ``Link`` headers, checks the bearer token, and
can inject faults: a status with headers and body, or a delay, for the next N requests to a path.
Repositories are configured "as repoconf deploys them" from a policy, then mutated by tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from repoconf.concepts.names import RELEASE_TAG_RULESET, branch_ruleset_title
from repoconf.policy.model import ProtectionEngine, RepositorySettings, TagOperation

STAMP = "2024-05-17T08:43:03Z"
API_DOCS = "https://docs.github.com/rest"


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
    environments: dict[str, FakeEnvironment] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)
    rulesets: list[dict[str, Any]] = field(default_factory=list)
    """Full ruleset objects, as "Get a repository ruleset" returns them."""
    classic: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Branch → protection object, as "Get branch protection" returns it."""
    issues: list[dict[str, Any]] = field(default_factory=list)
    """Issue objects, as "Get an issue" returns them; comments under the key ``_comments``."""


@dataclass
class Fault:
    """What to answer instead, for the next ``times`` requests whose path matches."""

    pattern: re.Pattern[str]
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"message": "Server Error"})
    delay: float = 0.0
    times: int = 1


class FakeGitHub:
    """The stand-in's state; :meth:`start` serves it on an ephemeral loopback port."""

    def __init__(
        self, owner: str, token: str = "ghp_fake_test_token_0123456789", page_size: int = 100
    ) -> None:
        self.owner = owner
        self.token = token
        self.page_size = page_size
        self.repositories: dict[str, FakeRepository] = {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (path with query, authorization header)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- set-up -----------------------------------------------------------------------------------

    def deploy(self, name: str, settings: RepositorySettings) -> FakeRepository:
        """Configure a repository as `pulumi up` with this policy would leave it."""
        repository = FakeRepository()
        for env_name, env in settings.environments.items():
            refs = env.deployment_refs
            state = FakeEnvironment(
                users=list(env.reviewers.users) if env.reviewers else [],
                teams=list(env.reviewers.teams) if env.reviewers else [],
                wait_timer=env.wait_timer,
                prevent_self_review=env.prevent_self_review,
                can_admins_bypass=env.can_admins_bypass,
                secrets=set(env.secrets),
                variables=dict(env.variables),
            )
            if refs is not None:
                state.branch_policy = "protected" if refs.protected else "custom"
                state.policies = [(p, "branch") for p in refs.branches or ()]
                state.policies += [(p, "tag") for p in refs.tags or ()]
            repository.environments[env_name] = state
        repository.secrets = set(settings.secrets)
        repository.variables = dict(settings.variables)
        for pattern, rule in settings.branches.items():
            if settings.protection_engine is ProtectionEngine.CLASSIC:
                repository.classic[pattern] = self.classic_protection(name, pattern, rule)
            else:
                repository.rulesets.append(self.branch_ruleset(name, pattern, rule))
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
        self.repositories[name] = repository
        return repository

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
        return {
            "id": rid,
            "name": title,
            "target": target,
            "source_type": "Repository",
            "source": f"{self.owner}/{repository}",
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

    def branch_ruleset(self, repository: str, pattern: str, rule: Any) -> dict[str, Any]:
        """The ruleset repoconf declares for a branch rule."""
        rules: list[dict[str, Any]] = [
            {"type": "deletion"},
            {"type": "non_fast_forward"},
            {
                "type": "pull_request",
                "parameters": {
                    "allowed_merge_methods": ["merge", "squash", "rebase"],
                    "dismiss_stale_reviews_on_push": rule.dismiss_stale_reviews,
                    "require_code_owner_review": rule.require_code_owner_reviews,
                    "require_last_push_approval": False,
                    "required_approving_review_count": rule.required_approvals,
                    "required_review_thread_resolution": False,
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

    def classic_protection(self, repository: str, branch: str, rule: Any) -> dict[str, Any]:
        """A branch protection object as "Get branch protection" returns it."""
        base = f"https://api.github.com/repos/{self.owner}/{repository}/branches/{branch}/protection"
        checks = rule.check_contexts()
        return {
            "url": base,
            "required_status_checks": {
                "url": f"{base}/required_status_checks",
                "strict": rule.require_up_to_date,
                "contexts": [c for c, _ in checks],
                "contexts_url": f"{base}/required_status_checks/contexts",
                "checks": [{"context": c, "app_id": a} for c, a in checks],
            },
            "enforce_admins": {"url": f"{base}/enforce_admins", "enabled": rule.enforce_admins},
            "required_pull_request_reviews": {
                "url": f"{base}/required_pull_request_reviews",
                "dismiss_stale_reviews": rule.dismiss_stale_reviews,
                "require_code_owner_reviews": rule.require_code_owner_reviews,
                "required_approving_review_count": rule.required_approvals,
                "require_last_push_approval": False,
            },
            "required_signatures": {"url": f"{base}/required_signatures", "enabled": False},
            "required_linear_history": {"enabled": rule.linear_history},
            "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
            "block_creations": {"enabled": False},
            "required_conversation_resolution": {"enabled": False},
            "lock_branch": {"enabled": False},
            "allow_fork_syncing": {"enabled": False},
        }

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
        with self._lock:
            self.requests.append((handler.path, handler.headers.get("Authorization", "")))
            fault = next((f for f in self.faults if f.times > 0 and f.pattern.search(url.path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            self._send(handler, fault.status, fault.body, fault.headers)
            return
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            self._send(
                handler, 401, {"message": "Bad credentials", "documentation_url": API_DOCS, "status": "401"}
            )
            return
        query = parse_qs(url.query)
        if handler.command != "GET" or re.fullmatch(r"/repos/[^/]+/[^/]+/issues", url.path):
            length = int(handler.headers.get("Content-Length") or 0)
            payload = json.loads(handler.rfile.read(length) or b"{}")
            status, body = self._issues(handler.command, unquote(url.path), query, payload)
        else:
            status, body = self._route(unquote(url.path))
        if status == 200 and isinstance(body, tuple):
            key, items = body
            self._send_page(handler, url.path, query, key, items)
            return
        self._send(handler, status, body)

    def _send_page(
        self,
        handler: BaseHTTPRequestHandler,
        path: str,
        query: dict[str, list[str]],
        key: str | None,
        items: list[Any],
    ) -> None:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100, self.page_size)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        headers: dict[str, str] = {}
        last = max(1, -(-len(items) // per_page))
        links = []
        if page < last:
            links.append(f'<{self.base}{path}?per_page={per_page}&page={page + 1}>; rel="next"')
            links.append(f'<{self.base}{path}?per_page={per_page}&page={last}>; rel="last"')
        if links:
            headers["Link"] = ", ".join(links)
        body: Any = chunk if key is None else {"total_count": len(items), key: chunk}
        self._send(handler, 200, body, headers)

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        payload = json.dumps(body).encode()
        try:
            self._write(handler, status, payload, headers)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up first (a timeout test): nothing to answer

    def _write(
        self, handler: BaseHTTPRequestHandler, status: int, payload: bytes, headers: dict[str, str] | None
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        merged = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999"}
        merged |= {name.lower(): value for name, value in (headers or {}).items()}
        for name, value in merged.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    # -- routes -----------------------------------------------------------------------------------

    def _route(self, path: str) -> tuple[int, Any]:
        not_found = (404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"})
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if match is None or match.group(1) != self.owner or match.group(2) not in self.repositories:
            return not_found
        name, rest = match.group(2), match.group(3) or ""
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
            env = repository.environments.get(env_match.group(1))
            if env is None:
                return not_found
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
            return 200, (None, [{k: r[k] for k in keys} for r in repository.rulesets])
        ruleset_match = re.fullmatch(r"/rulesets/(\d+)", rest)
        if ruleset_match:
            found = [r for r in repository.rulesets if r["id"] == int(ruleset_match.group(1))]
            return (200, found[0]) if found else not_found
        protection_match = re.fullmatch(r"/branches/(.+)/protection", rest)
        if protection_match:
            protection = repository.classic.get(protection_match.group(1))
            if protection is None:
                return 404, {
                    "message": "Branch not protected",
                    "documentation_url": API_DOCS,
                    "status": "404",
                }
            return 200, protection
        return not_found

    def _issues(
        self, method: str, path: str, query: dict[str, list[str]], payload: dict[str, Any]
    ) -> tuple[int, Any]:
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues(?:/(\d+)(/comments)?)?", path)
        if match is None or match.group(1) != self.owner or match.group(2) not in self.repositories:
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        repository = self.repositories[match.group(2)]
        if match.group(3) is None:
            if method == "GET":
                state = query.get("state", ["open"])[0]
                labels = set(query.get("labels", [""])[0].split(",")) - {""}
                found = [
                    {k: v for k, v in issue.items() if k != "_comments"}
                    for issue in repository.issues
                    if state in ("all", issue["state"])
                    and labels <= {label["name"] for label in issue["labels"]}
                ]
                return 200, (None, sorted(found, key=lambda issue: -issue["number"]))
            issue = self.issue(match.group(2), len(repository.issues) + 1, payload)
            repository.issues.append(issue)
            return 201, {k: v for k, v in issue.items() if k != "_comments"}
        found_issue = [i for i in repository.issues if i["number"] == int(match.group(3))]
        if not found_issue:
            return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}
        issue = found_issue[0]
        if match.group(4):
            comment = {
                "id": _id(payload["body"]),
                "body": payload["body"],
                "user": user("github-actions[bot]"),
                "created_at": STAMP,
                "updated_at": STAMP,
            }
            issue["_comments"].append(comment)
            return 201, comment
        for key in ("title", "body", "state", "state_reason"):
            if key in payload:
                issue[key] = payload[key]
        if payload.get("state") == "closed":
            issue["closed_at"] = STAMP
        return 200, {k: v for k, v in issue.items() if k != "_comments"}

    def issue(self, repository: str, number: int, payload: dict[str, Any]) -> dict[str, Any]:
        """An issue object as "Create an issue" returns it."""
        base = f"https://api.github.com/repos/{self.owner}/{repository}/issues/{number}"
        return {
            "id": _id(f"{repository}#{number}"),
            "node_id": f"I_kwDO{_id(str(number))}",
            "url": base,
            "repository_url": f"https://api.github.com/repos/{self.owner}/{repository}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": f"https://github.com/{self.owner}/{repository}/issues/{number}",
            "number": number,
            "state": "open",
            "state_reason": None,
            "title": payload.get("title", ""),
            "body": payload.get("body"),
            "user": user("github-actions[bot]"),
            "labels": [
                {
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
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": 0,
            "closed_at": None,
            "created_at": STAMP,
            "updated_at": STAMP,
            "author_association": "NONE",
            "_comments": [],
        }

    def _repository(self, name: str, repository: FakeRepository) -> dict[str, Any]:
        rid = _id("repo:" + name)
        return {
            "id": rid,
            "node_id": f"R_kgDO{rid}",
            "name": name,
            "full_name": f"{self.owner}/{name}",
            "private": False,
            "owner": user(self.owner),
            "html_url": f"https://github.com/{self.owner}/{name}",
            "description": None,
            "fork": False,
            "url": f"https://api.github.com/repos/{self.owner}/{name}",
            "default_branch": repository.default_branch,
            "visibility": "public",
            "archived": False,
            "disabled": False,
            "created_at": STAMP,
            "updated_at": STAMP,
            "pushed_at": STAMP,
        }

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
            "can_admins_bypass": env.can_admins_bypass,
            "protection_rules": rules,
            "deployment_branch_policy": None
            if env.branch_policy is None
            else {
                "protected_branches": env.branch_policy == "protected",
                "custom_branch_policies": env.branch_policy == "custom",
            },
        }
