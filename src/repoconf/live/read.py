"""Read one repository's live settings over GitHub's REST API into the concepts' views.

Requests per repository: the environment listing, per environment its secrets and variables (and its
deployment branch policies when it has custom ones), the repository's secrets and variables, the
ruleset listing and one read per ruleset repoconf manages (or, with classic protection, one per branch
rule). Reviewer objects in the environment listing carry login and slug, so no look-ups are needed.
When the policy requires files or status checks, the default branch's content costs 1 + W more: its
recursive tree, and the text of each of its W workflow files.

Every answer is validated with the concepts' response models; an answer that does not fit is a one-line
:class:`~repoconf.github.errors.UnusableResponse` naming the request. A 403 becomes a one-line cause
with what to do (a token permission, or the plan rulesets on private repositories need).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from repoconf.concepts import environments
from repoconf.concepts.access import (
    LiveCollaboratorPermission,
    LiveRepositoryTeam,
    grants,
    reviewer_names,
)
from repoconf.concepts.branches import (
    LiveClassicProtection,
    LiveRuleset,
    LiveRulesetSummary,
    RulesetAnswer,
    classic_branches,
)
from repoconf.concepts.bypass import read_actors
from repoconf.concepts.content import (
    MAX_WORKFLOW_FILES,
    NOT_READ,
    Content,
    LiveFileContent,
    LiveTree,
    Unusable,
    needs_content,
    workflow_paths,
    workflow_text,
)
from repoconf.concepts.environments import LiveDeploymentPolicy, LiveEnvironment, LiveEnvironmentAnswer
from repoconf.concepts.live import LiveModel
from repoconf.concepts.ruleset_titles import (
    RELEASE_TAG_CREATION_RULESET,
    RELEASE_TAG_RULESET,
    branch_pattern_of,
)
from repoconf.concepts.secrets_variables import (
    LiveActions,
    LiveSecret,
    LiveVariable,
    live_secret_names,
    live_variable_values,
)
from repoconf.concepts.table import live_view
from repoconf.github.client import GitHub
from repoconf.github.errors import Forbidden, GitHubError, HTTPStatusError, NotFound, UnusableResponse
from repoconf.github.permissions import needed
from repoconf.github.responses import parse_answer, parse_answers
from repoconf.live.blobs import BlobStore
from repoconf.policy.model import RepositorySettings

VARIABLES_PER_PAGE = 30
"""GitHub's maximum ``per_page`` for variables listings (``variables-per-page``: max 30)."""

PLAN_LIMIT_MARKERS = ("upgrade to github pro", "make this repository public")


@dataclass
class LiveRepository:
    """A repository's settings as GitHub answered them; ``exists`` false when the repository is not there.

    The answers are kept as GitHub gave them (validated): the concepts' tables read the views from them
    (the audit, import), and adopt reads the ids.
    """

    name: str
    exists: bool = True
    environments: dict[str, LiveEnvironmentAnswer] = field(default_factory=dict)
    actions: LiveActions = field(default_factory=LiveActions)
    """Repository-scope secrets (names) and variables."""
    branch_rulesets: dict[str, RulesetAnswer] = field(default_factory=dict)
    """By branch pattern: rulesets named ``repoconf branch <pattern>``."""
    classic: dict[str, LiveClassicProtection | None] = field(default_factory=dict)
    """By branch: classic protection, None where the branch is not protected."""
    missing_branches: set[str] = field(default_factory=set)
    """Branches of classic rules that do not exist ("Branch not found")."""
    release_tags: RulesetAnswer | None = None
    tag_creation: RulesetAnswer | None = None
    """The ``repoconf release tag creation`` ruleset (``release_tags.created_by``)."""
    unmanaged_rulesets: list[str] = field(default_factory=list)
    """Names of the repository's own rulesets repoconf did not create (reported by ``import``)."""
    inherited_rulesets: list[str] = field(default_factory=list)
    """Names of organization or enterprise rulesets that apply to the repository (not its own)."""
    teams: dict[str, LiveRepositoryTeam] | None = None
    """The repository's teams by slug, when read (None: not read, or the token cannot list them)."""
    users: dict[str, str | None] = field(default_factory=dict)
    """Reviewer logins (folded) → their permission on the repository (None: unreadable)."""
    reviewer_teams: dict[str, bool | None] = field(default_factory=dict)
    """Reviewer team slugs (folded) → whether the team has a permission on the repository (None:
    unknown to this token)."""
    ruleset_ids: dict[str, int] = field(default_factory=dict)
    """The repository's own rulesets' ids by name (what adopt imports them by)."""
    content: Content | None = None
    """The default branch's files and workflows, when they were asked for."""

    def environment(self, name: str) -> LiveEnvironmentAnswer | None:
        """An environment by name, as GitHub matches names: case-insensitively."""
        folded = name.casefold()
        return next((env for key, env in self.environments.items() if key.casefold() == folded), None)


class LiveTeam(LiveModel):
    """An item of ``GET /orgs/{org}/teams``."""

    id: int
    slug: str


class TeamDirectory:
    """The owner's teams by id, listed once per run and only when a ruleset names a team.

    Ruleset bypass actors carry team ids; the policy names teams by slug. ``GET /orgs/{org}/teams`` needs
    "Members: read" on the organization: without it (403), or for a user-owned repository (404), a team
    cannot be named and what depends on it is unverified. Shared by the audit's worker threads.
    """

    def __init__(self, github: GitHub, owner: str) -> None:
        self._github = github
        self._owner = owner
        self._lock = threading.Lock()
        self._slugs: dict[int, str] | None = None
        self._repositories: dict[str, frozenset[str] | None] = {}

    def slug(self, team_id: int) -> str | None:
        """The team's slug, or None when the teams cannot be listed or none has this id."""
        with self._lock:
            if self._slugs is None:
                path = _path("orgs", self._owner, "teams")
                try:
                    teams = parse_answers(LiveTeam, self._github.paginate(path), f"GET {path}")
                    self._slugs = {team.id: team.slug for team in teams}
                except (Forbidden, NotFound):
                    self._slugs = {}
            return self._slugs.get(team_id)

    def repositories(self, slug: str) -> frozenset[str] | None:
        """The repositories the team has a permission on (names folded), listed once per run per team
        (``GET /orgs/{org}/teams/{team_slug}/repos``); None when they cannot be listed (a 403 without
        "Members: read", a 404 for a team that does not exist or a user-owned repository).

        One listing per reviewer team and run, instead of one repository-teams listing per repository:
        what keeps the audit at its floor of requests per repository.
        """
        key = slug.casefold()
        with self._lock:
            if key not in self._repositories:
                path = _path("orgs", self._owner, "teams", slug, "repos")
                try:
                    found = parse_answers(LiveTeamRepository, self._github.paginate(path), f"GET {path}")
                    self._repositories[key] = frozenset(repository.name.casefold() for repository in found)
                except (Forbidden, NotFound):
                    self._repositories[key] = None
            return self._repositories[key]


class LiveTeamRepository(LiveModel):
    """An item of ``GET /orgs/{org}/teams/{team_slug}/repos`` (a minimal repository)."""

    name: str


class LiveRepositoryInfo(LiveModel):
    """``GET /repos/{owner}/{repo}``: what `import` needs of it — the name as the repository was created
    (GitHub finds ``acme/LEGACY`` as ``legacy`` and answers with ``legacy``).
    """

    name: str


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def _explain_forbidden(error: Forbidden) -> GitHubError:
    """A 403 as a cause and what to do."""
    if any(marker in error.message.lower() for marker in PLAN_LIMIT_MARKERS):
        return GitHubError(
            f"{error.method} {error.path}: rulesets on a private repository need GitHub Pro, Team or "
            f"Enterprise (GitHub said: {error.message}): make the repository public or upgrade its plan"
        )
    permission = needed(error.method, error.path)  # the one table: repoconf.github.permissions
    needs = f"a fine-grained token needs {permission} on this repository, a classic token the repo scope"
    return GitHubError(
        f"{error.method} {error.path}: HTTP 403 ({error.message or 'Forbidden'}): "
        f"{needs if permission else 'the token lacks a permission this read needs'}"
    )


@dataclass(frozen=True)
class ReadPlan:
    """What to read of a repository besides its settings (each costs requests only when asked for)."""

    classic_branches: tuple[str, ...] = ()
    """Branches whose classic protection to read (one request each)."""
    content: bool = False
    """The default branch's tree and workflow files (1 + W)."""
    teams: bool = False
    """The repository's teams and their permissions (one listing): for ``access`` grants."""
    reviewer_teams: tuple[str, ...] = ()
    """Teams whose access to the repository to check (from the run's listing of each team's
    repositories; the repository's own teams listing only where that cannot be read)."""
    users: tuple[str, ...] = ()
    """Users whose permission on the repository to read (one request each)."""
    reviewers_on_github: bool = False
    """Also check the access of every reviewer GitHub's environments name (import: the policy is what is
    being written, so the live reviewers are the ones it will declare)."""


def plan_for(settings: RepositorySettings) -> ReadPlan:
    """What the audit reads of a repository the policy describes so."""
    return ReadPlan(
        classic_branches=tuple(classic_branches(settings)),
        content=needs_content(settings),
        teams=bool(grants(settings)),
        reviewer_teams=tuple(sorted({name for _, kind, name in reviewer_names(settings) if kind == "teams"})),
        users=tuple(sorted({name for _, kind, name in reviewer_names(settings) if kind == "users"})),
    )


def read_repository(
    github: GitHub,
    owner: str,
    name: str,
    plan: ReadPlan = ReadPlan(),
    teams: TeamDirectory | None = None,
    blobs: BlobStore | None = None,
) -> LiveRepository:
    """Everything the audit compares, for one repository; ``exists=False`` on a 404 of the repository.
    ``plan``: what to read besides the settings. ``teams``: the run's shared directory of the owner's
    teams (one is made for this call when absent). ``blobs``: the run's workflow files by blob id.

    Raises :class:`GitHubError` (one line) when part of the repository cannot be read.
    """
    try:
        live = _read(github, owner, name, plan, teams or TeamDirectory(github, owner))
        if live.exists:
            users = set(plan.users) | (_live_reviewers(live, "users") if plan.reviewers_on_github else set())
            for login in sorted(users):
                live.users[login.casefold()] = _user_permission(github, owner, name, login)
    except Forbidden as error:
        raise _explain_forbidden(error) from None
    if plan.content and live.exists:
        live.content = read_content(github, owner, name, blobs)
    return live


def read_content(github: GitHub, owner: str, name: str, blobs: BlobStore | None = None) -> Content:
    """The default branch's tree (one request) and its workflow files' texts (one each, at most
    :data:`~repoconf.concepts.content.MAX_WORKFLOW_FILES`).

    The tree and the files are written by whoever can push to the repository, so nothing about them ends
    the read of the repository's settings: an empty repository (409 "Git Repository is empty.") has no
    files; a tree this token cannot read (403: a fine-grained token without "Contents: read"; 404), a
    truncated one or one past the client's bounds, and a workflow file that cannot be read or used, make
    the affected checks unverified with the reason, never drift and never an error of the repository.
    """
    repo = _path("repos", owner, name)
    # `HEAD` names the default branch: the endpoint takes "the SHA1 value or ref (branch or tag) name of
    # the tree" (REST docs, "Get a tree"), which spares the request for the branch's name.
    tree_path = f"{repo}/git/trees/HEAD"
    try:
        tree = parse_answer(LiveTree, github.get(tree_path, {"recursive": 1}), f"GET {tree_path}")
    except HTTPStatusError as error:
        if error.status == 409:
            return Content(frozenset(), frozenset())
        if error.status in (403, 404):
            return Content.unreadable(
                f"GitHub answered {error.status} for the default branch's tree: a fine-grained token needs "
                '"Contents: read"'
            )
        raise
    except UnusableResponse as error:
        return Content.unreadable(f"the default branch's tree cannot be used ({error})")
    texts: dict[str, str | Unusable] = {}
    ids = {entry.path: entry.sha for entry in tree.tree if entry.type == "blob"}
    for index, path in enumerate(workflow_paths(ids)):
        if index >= MAX_WORKFLOW_FILES:
            texts[path] = Unusable(NOT_READ)
            continue
        blob_id = ids[path]
        if blobs is None or not blob_id:
            texts[path] = _workflow_file(github, repo, path, None, None)
            continue
        with blobs.fetching(blob_id):  # one request per distinct file, however many repositories hold it
            known = blobs.get(blob_id)
            texts[path] = (
                workflow_text(known)
                if known is not None
                else _workflow_file(github, repo, path, blob_id, blobs)
            )
    return Content.from_tree(tree, texts)


def _workflow_file(
    github: GitHub, repo: str, path: str, blob_id: str | None, blobs: BlobStore | None
) -> str | Unusable:
    """One workflow file's text from the contents API (kept by blob id when it is the tree's blob)."""
    file_path = f"{repo}/contents/{quote(path, safe='/')}"
    try:
        answer = parse_answer(LiveFileContent, github.get(file_path), f"GET {file_path}")
    except HTTPStatusError as error:
        if error.status not in (403, 404):
            raise
        return Unusable(f"GitHub answered {error.status} for its content")
    except UnusableResponse as error:
        return Unusable(f"its content cannot be used ({error})")
    data = answer.data()
    if isinstance(data, Unusable):
        return data
    if blobs is not None and blob_id is not None:
        blobs.put(blob_id, data)  # kept only if it is the tree's blob (it hashes to its id)
    return workflow_text(data)


def _live_reviewers(live: LiveRepository, kind: str) -> set[str]:
    """The reviewers (``users`` or ``teams``) GitHub's environments name."""
    return {
        reviewer
        for answer in live.environments.values()
        for reviewer in live_view(environments.TABLE, answer)["reviewers"][kind]
    }


def _read(github: GitHub, owner: str, name: str, plan: ReadPlan, directory: TeamDirectory) -> LiveRepository:
    repo = _path("repos", owner, name)
    live = LiveRepository(name)
    request = f"GET {repo}/environments"
    try:
        environments = parse_answers(
            LiveEnvironment, github.paginate(f"{repo}/environments", "environments"), request
        )
    except NotFound:
        # GitHub answers 404 both for a repository that does not exist and for one this token cannot see.
        live.exists = False
        return live
    for environment in environments:
        env_path = f"{repo}/environments/{quote(environment.name, safe='')}"
        policies: list[LiveDeploymentPolicy] = []
        if environment.has_custom_policies:
            policies = parse_answers(
                LiveDeploymentPolicy,
                github.paginate(f"{env_path}/deployment-branch-policies", "branch_policies"),
                f"GET {env_path}/deployment-branch-policies",
            )
        live.environments[environment.name] = LiveEnvironmentAnswer(
            item=environment,
            policies=policies,
            secrets=_secrets(github, f"{env_path}/secrets"),
            variables=_variables(github, f"{env_path}/variables"),
        )
    if plan.teams:
        live.teams = _teams(github, f"{repo}/teams")

    def team_names(team_id: int) -> str | None:
        # a bypass team with access to the repository is named from its teams listing, when one was read
        listed = {team.id: team.slug for team in (live.teams or {}).values()}
        return listed.get(team_id) or directory.slug(team_id)

    reviewer_teams = set(plan.reviewer_teams)
    if plan.reviewers_on_github:
        reviewer_teams |= _live_reviewers(live, "teams")
    for slug in sorted(reviewer_teams):
        repositories = directory.repositories(slug)
        if repositories is None and live.teams is None and not plan.teams:
            live.teams = _teams(github, f"{repo}/teams")  # read once, for every team that needs it
        if repositories is not None:
            live.reviewer_teams[slug.casefold()] = name.casefold() in repositories
        elif live.teams is not None:
            live.reviewer_teams[slug.casefold()] = slug.casefold() in {s.casefold() for s in live.teams}
        else:
            live.reviewer_teams[slug.casefold()] = None
    live.actions = LiveActions(
        _secrets(github, f"{repo}/actions/secrets"), _variables(github, f"{repo}/actions/variables")
    )
    summaries = parse_answers(LiveRulesetSummary, github.paginate(f"{repo}/rulesets"), f"GET {repo}/rulesets")
    for summary in summaries:
        if summary.inherited:
            live.inherited_rulesets.append(summary.name)
            continue
        live.ruleset_ids[summary.name] = summary.id
        pattern = branch_pattern_of(summary.name)
        if pattern is None and summary.name not in (RELEASE_TAG_RULESET, RELEASE_TAG_CREATION_RULESET):
            live.unmanaged_rulesets.append(summary.name)
            continue
        ruleset_path = f"{repo}/rulesets/{summary.id}"
        ruleset = parse_answer(LiveRuleset, github.get(ruleset_path), f"GET {ruleset_path}")
        answer = RulesetAnswer(ruleset, read_actors(ruleset.bypass_actors, team_names))
        if pattern is not None:
            live.branch_rulesets[pattern] = answer
        elif summary.name == RELEASE_TAG_RULESET:
            live.release_tags = answer
        else:
            live.tag_creation = answer
    for branch in plan.classic_branches:
        protection_path = f"{repo}/branches/{quote(branch, safe='')}/protection"
        try:
            raw = github.get(protection_path)
        except NotFound as error:
            if error.message == "Branch not protected":
                live.classic[branch] = None
            elif error.message == "Branch not found":
                live.classic[branch] = None
                live.missing_branches.add(branch)
            else:
                raise
            continue
        live.classic[branch] = parse_answer(LiveClassicProtection, raw, f"GET {protection_path}")
    return live


def _teams(github: GitHub, path: str) -> dict[str, LiveRepositoryTeam] | None:
    """The repository's teams by slug; None when this token cannot list them (403, or 404: a
    user-owned repository has no teams).
    """
    try:
        teams = parse_answers(LiveRepositoryTeam, github.paginate(path), f"GET {path}")
    except (Forbidden, NotFound):
        return None
    return {team.slug: team for team in teams}


def _user_permission(github: GitHub, owner: str, name: str, login: str) -> str | None:
    """A user's permission on the repository (``none``: no access); None when it cannot be read."""
    path = _path("repos", owner, name, "collaborators", login, "permission")
    try:
        return parse_answer(LiveCollaboratorPermission, github.get(path), f"GET {path}").permission
    except (Forbidden, NotFound):
        return None


def _secrets(github: GitHub, path: str) -> list[str]:
    return live_secret_names(parse_answers(LiveSecret, github.paginate(path, "secrets"), f"GET {path}"))


def _variables(github: GitHub, path: str) -> dict[str, str]:
    items = github.paginate(path, "variables", per_page=VARIABLES_PER_PAGE)
    return live_variable_values(parse_answers(LiveVariable, items, f"GET {path}"))
