"""The policy model: plain, frozen data validated by pydantic.

Everything below the loader works with these classes, never with raw YAML. Field descriptions reach
the JSON Schema (``repoconf schema``), so they are written for the person editing a policy file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from repoconf.policy.identifiers import (
    ActionsName,
    EnvironmentName,
    Login,
    PropertyName,
    PropertyValue,
    RefPattern,
    RepositoryName,
    RepositoryPattern,
    RequiredPath,
    SelectorName,
    TeamSlug,
    Topic,
    looks_like_token,
)
from repoconf.policy.versions import BOUNDS, MAX_DIGITS, Bounds, VersionKind, version_patterns
from repoconf.policy.versions import DEFAULT as DEFAULT_BOUNDS

DEFAULT_API_URL = "https://api.github.com"
MAX_REVIEWERS = 6
MAX_WAIT_TIMER = 43200
MAX_DEPLOYMENT_POLICIES = 50
"""repoconf's own bound on an environment's branch and tag patterns (expanded). GitHub's REST reference
states no limit; 50 keeps every environment on one page of the audit's policy listing (100 per page)
and the stack small, with room for the 37 of `main` + final + candidate versions."""


def _source_name(kind: str) -> Callable[[str], str]:
    """A secret source names where the value is: a name shaped like a token is a value in the wrong place."""

    def check(name: str) -> str:
        if looks_like_token(name):
            raise ValueError(
                f"this {kind} looks like a credential itself (not shown): put the value in the stack's "
                "secret config or the environment, and write only its name here"
            )
        return name

    return check


def _located(title: str, where: tuple[str | int, ...], value: Any, message: str) -> ValidationError:
    """A validation error of a whole model that points at the one value it is about (so the policy error
    is located on that line, not on the model's first).
    """
    error = PydanticCustomError("policy", message)
    return ValidationError.from_exception_data(title, [InitErrorDetails(type=error, loc=where, input=value)])


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConfigSource(_Frozen):
    """A secret read from the Pulumi stack's secret config ``KEY`` (in the project's namespace)."""

    config: Annotated[str, AfterValidator(_source_name("config key"))] = Field(
        min_length=1,
        pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$",
        description="Stack config key, in the Pulumi project's own namespace (written without it), set with "
        "`pulumi config set --secret KEY VALUE`.",
    )

    def describe(self) -> str:
        """Human description of where the value comes from."""
        return f"stack config {self.config}"


class EnvSource(_Frozen):
    """A secret read from an environment variable when the program runs."""

    env: Annotated[str, AfterValidator(_source_name("environment variable name"))] = Field(
        min_length=1,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding the value at deploy time.",
    )

    def describe(self) -> str:
        """Human description of where the value comes from."""
        return f"environment variable {self.env}"


class ExternalSource(_Frozen):
    """A secret whose value repoconf never holds: set once on GitHub, its presence audited."""

    external: bool = Field(
        strict=True,
        description="`true`: the secret must exist in this scope, but its value is set outside repoconf "
        "(`gh secret set NAME --env ENV --repo OWNER/REPO`), so it is in no stack config, no Pulumi state "
        "and no deploy job. The audit verifies that it exists.",
    )

    @field_validator("external")
    @classmethod
    def _only_true(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                "`external` is `true` or absent: for a value repoconf holds, write `{config: KEY}` or "
                "`{env: VAR}` instead"
            )
        return value

    def describe(self) -> str:
        """Human description of where the value comes from."""
        return "a value set on GitHub outside repoconf"


LITERAL_VALUE_REFUSED = (
    "a secret must name its source, `{config: KEY}`, `{env: VAR}` or `{external: true}`, never hold a "
    "value: move the value to `pulumi config set --secret KEY`, an environment variable, or GitHub itself"
)


def _source_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in ("config", "env", "external"):
            if kind in value:
                return kind
        return None
    if isinstance(value, ConfigSource):
        return "config"
    if isinstance(value, EnvSource):
        return "env"
    if isinstance(value, ExternalSource):
        return "external"
    return None


# A callable discriminator, not a plain union: a literal value must fail with one message that never
# repeats the value, rather than with one error per union member quoting the input.
SecretSource = Annotated[
    Annotated[ConfigSource, Tag("config")]
    | Annotated[EnvSource, Tag("env")]
    | Annotated[ExternalSource, Tag("external")],
    Discriminator(
        _source_kind,
        custom_error_type="secret_source",
        custom_error_message=LITERAL_VALUE_REFUSED,
    ),
    Field(
        description="Where the secret's value comes from: `{config: KEY}` or `{env: VAR}` at deploy "
        "time, or `{external: true}` (set on GitHub, never held by repoconf). Literal values are refused "
        "so that no secret is ever committed.",
    ),
]


def held_by_stack(secrets: Mapping[str, Any]) -> dict[str, ConfigSource | EnvSource]:
    """The secrets whose values the Pulumi program reads and writes (every source but external)."""
    return {name: source for name, source in secrets.items() if isinstance(source, ConfigSource | EnvSource)}


def _unique_names(scope: str) -> AfterValidator:
    """GitHub compares secret, variable and environment names case-insensitively: two that differ only
    in case collide.
    """

    def check(value: dict[str, Any]) -> dict[str, Any]:
        seen: dict[str, str] = {}
        for name in value:
            folded = name.casefold()
            if folded in seen:
                raise ValueError(
                    f"{scope} names {seen[folded]!r} and {name!r} collide: GitHub compares them "
                    "case-insensitively"
                )
            seen[folded] = name
        return value

    return AfterValidator(check)


Secrets = Annotated[dict[ActionsName, SecretSource], _unique_names("secret")]
Variables = Annotated[dict[ActionsName, str], _unique_names("variable")]


class Reviewers(_Frozen):
    """Required reviewers of an environment, by GitHub login and team slug."""

    users: tuple[Login, ...] = Field(
        default=(), description="GitHub logins of users who may approve deployments."
    )
    teams: tuple[TeamSlug, ...] = Field(
        default=(), description="Slugs of teams (in the policy's owner) who may approve deployments."
    )

    @model_validator(mode="after")
    def _no_duplicates(self) -> Reviewers:
        for kind, names in (("user", self.users), ("team", self.teams)):
            seen: set[str] = set()
            for name in names:
                if name.casefold() in seen:
                    raise ValueError(
                        f"{kind} {name!r} is listed twice (GitHub compares names case-insensitively)"
                    )
                seen.add(name.casefold())
        return self

    @property
    def count(self) -> int:
        """Total number of reviewers; GitHub accepts at most six."""
        return len(self.users) + len(self.teams)


PREFIX = re.compile(r"^[A-Za-z0-9._/-]*$")


def _literal_prefix(text: str) -> str:
    if PREFIX.fullmatch(text) is None:
        raise ValueError(
            "a version prefix is literal text: letters, digits, `.`, `_`, `/` or `-`, no wildcards"
        )
    return text


def _digit_counts(values: tuple[int, ...]) -> tuple[int, ...]:
    if len(set(values)) != len(values):
        raise ValueError("each digit count once")
    return tuple(sorted(values))


DigitCounts = Annotated[
    tuple[Annotated[int, Field(ge=1, le=MAX_DIGITS, strict=True)], ...],
    Field(min_length=1, max_length=MAX_DIGITS),
    AfterValidator(_digit_counts),
]


class VersionTags(_Frozen):
    """Release versions as fnmatch patterns GitHub can match: `{versions: final}`, `{versions: candidate}`."""

    versions: VersionKind = Field(
        description="`final` (v1.2.3) or `candidate` (v1.2.3-rc1): expands to one pattern per version "
        f"shape with digit classes (by default {BOUNDS})."
    )
    prefix: Annotated[str, AfterValidator(_literal_prefix)] = Field(
        default="v",
        max_length=50,
        json_schema_extra={"pattern": PREFIX.pattern},
        description='Literal text before the version (`v` in v1.2.3; `""` for 1.2.3).',
    )
    major: DigitCounts = Field(
        default=DEFAULT_BOUNDS.major,
        description="How many digits the major part may have (`[1, 2, 4]` adds calendar versions such as "
        "v2024.8.30). Each count is one more pattern per shape: keep them tight.",
    )
    minor: DigitCounts = Field(
        default=DEFAULT_BOUNDS.minor, description="How many digits the minor part may have."
    )
    patch: DigitCounts = Field(
        default=DEFAULT_BOUNDS.patch, description="How many digits the patch part may have."
    )
    candidate: DigitCounts = Field(
        default=DEFAULT_BOUNDS.candidate,
        description="How many digits a candidate's number may have (`-rc1` … `-rc99` by default); only for "
        "`versions: candidate`.",
    )

    @model_validator(mode="after")
    def _candidate_bounds_for_candidates(self) -> VersionTags:
        if self.versions is VersionKind.FINAL and self.candidate != DEFAULT_BOUNDS.candidate:
            raise ValueError(
                "`candidate` bounds a release candidate's number: only for `versions: candidate`"
            )
        return self

    @property
    def bounds(self) -> Bounds:
        """The entry's digit bounds."""
        return Bounds(self.major, self.minor, self.patch, self.candidate)

    def patterns(self) -> tuple[str, ...]:
        """The fnmatch patterns this entry stands for."""
        return version_patterns(self.versions, self.prefix, self.bounds)

    def describe(self) -> str:
        """The entry as written in the policy."""
        prefix = "" if self.prefix == "v" else f", prefix: {self.prefix!r}"
        bounds = "".join(
            f", {part}: {list(getattr(self, part))}"
            for part in ("major", "minor", "patch", "candidate")
            if getattr(self, part) != getattr(DEFAULT_BOUNDS, part)
        )
        return f"{{versions: {self.versions}{prefix}{bounds}}}"


def _tag_entry_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "tag-pattern"
    if isinstance(value, dict | VersionTags):
        return "version-set"
    return None


# A callable discriminator, not a plain union: a bad entry is one error in policy words.
TagEntry = Annotated[
    # tag names that are no key of the data, so that an error's location skips them
    Annotated[RefPattern, Tag("tag-pattern")] | Annotated[VersionTags, Tag("version-set")],
    Discriminator(
        _tag_entry_kind,
        custom_error_type="tag_entry",
        custom_error_message="a deployment tag entry is an fnmatch pattern (`v*`) or "
        "`{versions: final}` / `{versions: candidate}`",
    ),
]


class DeploymentRefs(_Frozen):
    """Which refs may deploy to an environment."""

    protected: Literal[True] | None = Field(
        default=None,
        description="Only protected branches may deploy. Mutually exclusive with `branches` and `tags`.",
    )
    branches: tuple[RefPattern, ...] | None = Field(
        default=None, description="fnmatch patterns of branches allowed to deploy (e.g. `main`)."
    )
    tags: tuple[TagEntry, ...] | None = Field(
        default=None,
        description="Tags allowed to deploy: fnmatch patterns (`v*` admits release candidates too) or "
        "`{versions: final}` / `{versions: candidate}`.",
    )

    @model_validator(mode="after")
    def _exclusive(self) -> DeploymentRefs:
        if self.protected and (self.branches is not None or self.tags is not None):
            raise ValueError("`protected` and `branches`/`tags` are mutually exclusive: keep one of them")
        if not self.protected and self.branches is None and self.tags is None:
            raise ValueError(
                "give `protected: true` or `branches`/`tags` patterns; remove "
                "`deployment_refs` to allow any ref"
            )
        count = len(self.branches or ()) + len(self.tag_patterns())
        if count > MAX_DEPLOYMENT_POLICIES:
            raise ValueError(
                f"these branches and tags expand to {count} deployment policies; repoconf keeps an "
                f"environment at {MAX_DEPLOYMENT_POLICIES} at most: use fewer entries or a wider pattern"
            )
        return self

    def tag_sources(self) -> list[tuple[str, str]]:
        """Each tag pattern GitHub is given, with the policy entry it comes from (duplicates once)."""
        found: dict[str, str] = {}
        for entry in self.tags or ():
            if isinstance(entry, VersionTags):
                described = entry.describe()
                for pattern in entry.patterns():
                    found.setdefault(pattern, described)
            else:
                found.setdefault(entry, repr(entry))
        return list(found.items())

    def tag_patterns(self) -> tuple[str, ...]:
        """The tag patterns GitHub is given: version entries expanded, duplicates once."""
        return tuple(pattern for pattern, _ in self.tag_sources())


class Environment(_Frozen):
    """A GitHub deployment environment and its protection rules."""

    reviewers: Reviewers | None = Field(
        default=None, description="Required reviewers; absent means no approval is needed."
    )
    wait_timer: int = Field(
        default=0,
        ge=0,
        le=MAX_WAIT_TIMER,
        strict=True,
        description="Minutes to wait before a deployment may proceed (0–43200).",
    )
    prevent_self_review: bool = Field(
        default=False,
        strict=True,
        description="The person who triggered a run may not approve it.",
    )
    can_admins_bypass: bool = Field(
        default=False,
        strict=True,
        description="Administrators may bypass the protection rules. repoconf defaults to false "
        "(GitHub and the provider default to true).",
    )
    deployment_refs: DeploymentRefs | None = Field(
        default=None, description="Refs allowed to deploy; absent means any ref."
    )
    secrets: Secrets = Field(
        default_factory=dict, description="Environment secrets: NAME → source of the value."
    )
    variables: Variables = Field(
        default_factory=dict, description="Environment variables: NAME → value (a string)."
    )
    protect: bool = Field(
        default=False,
        strict=True,
        description="Pulumi `protect`: a policy edit can never delete this environment or its children.",
    )


class StatusCheck(_Frozen):
    """A required status check pinned to the GitHub App that must report it."""

    context: str = Field(min_length=1, description="The check's name as it reports (`Unit Tests`).")
    app_id: int | None = Field(
        default=None, ge=1, description="Id of the GitHub App that must report the check."
    )


def _check_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict | StatusCheck):
        return "pinned"
    return None


# A callable discriminator, not a plain union: a bad check is one error in policy words, not one error
# per union member.
RequiredCheck = Annotated[
    Annotated[Annotated[str, Field(min_length=1)], Tag("name")] | Annotated[StatusCheck, Tag("pinned")],
    Discriminator(
        _check_kind,
        custom_error_type="required_check",
        custom_error_message="a required status check is a name (`Unit Tests`) or "
        "`{context: NAME, app_id: ID}`",
    ),
]


MAX_RULESET_APPROVALS = 10
"""A ruleset's ``pull_request.required_approving_review_count`` maximum (GitHub's rule schema,
../shared/github-api/SCHEMA_repository-rule-types.json; the provider's IntBetween(0, 10),
resource_github_repository_ruleset.go v6.13.0)."""
MAX_CLASSIC_APPROVALS = 6
"""Classic protection's maximum (REST "Update branch protection": required_approving_review_count 0–6)."""


class BranchRule(_Frozen):
    """Protection of the branches matching a pattern (the mapping key)."""

    required_approvals: int = Field(
        default=1,
        ge=0,
        le=MAX_RULESET_APPROVALS,
        strict=True,
        description=f"Approving reviews a pull request needs (0–{MAX_RULESET_APPROVALS}; classic "
        f"protection 0–{MAX_CLASSIC_APPROVALS}).",
    )
    dismiss_stale_reviews: bool = Field(
        default=False, strict=True, description="New commits dismiss earlier approvals."
    )
    require_code_owner_reviews: bool = Field(
        default=False, strict=True, description="A code owner must approve."
    )
    require_last_push_approval: bool = Field(
        default=False,
        strict=True,
        description="Someone other than the person who pushed last must approve (the most recent push "
        "needs another reviewer's approval).",
    )
    required_status_checks: tuple[RequiredCheck, ...] = Field(
        default=(),
        description="Checks that must pass: a name, or `{context, app_id}` to pin the app.",
    )
    require_up_to_date: bool = Field(
        default=False, strict=True, description="The branch must be up to date before merging."
    )
    linear_history: bool = Field(default=False, strict=True, description="Forbid merge commits.")
    enforce_admins: bool = Field(
        default=False,
        strict=True,
        description='The rules apply to administrators too ("Include administrators").',
    )
    protect: bool = Field(
        default=False,
        strict=True,
        description="Pulumi `protect`: a policy edit can never delete this rule's ruleset or protection.",
    )

    @model_validator(mode="after")
    def _up_to_date_needs_checks(self) -> BranchRule:
        if self.require_up_to_date and not self.required_status_checks:
            raise _located(
                "BranchRule",
                ("require_up_to_date",),
                True,
                "`require_up_to_date` needs at least one required status check (GitHub's status-check "
                "rule cannot exist without one, so it would never be applied): add "
                "`required_status_checks` or remove `require_up_to_date`",
            )
        return self

    @field_validator("required_status_checks")
    @classmethod
    def _unique_checks(cls, value: tuple[str | StatusCheck, ...]) -> tuple[str | StatusCheck, ...]:
        seen: set[str] = set()
        for check in value:
            context = check if isinstance(check, str) else check.context
            if context in seen:
                raise ValueError(f"status check {context!r} is listed twice")
            seen.add(context)
        return value

    def check_contexts(self) -> list[tuple[str, int | None]]:
        """Required checks as (context, app id or None)."""
        return [
            (c, None) if isinstance(c, str) else (c.context, c.app_id) for c in self.required_status_checks
        ]


class TagOperation(StrEnum):
    """Operations on a tag that a release-tag ruleset can forbid."""

    DELETION = "deletion"
    UPDATE = "update"
    FORCE_PUSH = "force_push"
    CREATION = "creation"

    @property
    def rule(self) -> str:
        """The ruleset rule that forbids it (GitHub's REST rule type and the provider's field)."""
        return "non_fast_forward" if self is TagOperation.FORCE_PUSH else str(self)


class RepositoryRole(StrEnum):
    """GitHub's base repository roles that a ruleset can let bypass it."""

    ADMIN = "admin"
    MAINTAIN = "maintain"
    WRITE = "write"


class TeamPermission(StrEnum):
    """A team's permission on a repository, in the REST API's words (Read, Triage, Write, Maintain,
    Admin in GitHub's interface).
    """

    PULL = "pull"
    TRIAGE = "triage"
    PUSH = "push"
    MAINTAIN = "maintain"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Higher grants more (each permission includes the ones before it)."""
        return list(TeamPermission).index(self)


class Access(_Frozen):
    """Who may use the repository: teams and the permission the policy grants each."""

    teams: dict[TeamSlug, TeamPermission] = Field(
        default_factory=dict,
        description="Team slug → `pull`, `triage`, `push`, `maintain` or `admin` (GitHub's Read … Admin). "
        "A reviewer team needs at least `pull` to approve deployments.",
    )

    @field_validator("teams")
    @classmethod
    def _teams_once(cls, value: dict[str, TeamPermission]) -> dict[str, TeamPermission]:
        folded = [slug.casefold() for slug in value]
        for slug in value:
            if folded.count(slug.casefold()) > 1:
                raise ValueError(f"team {slug!r} is listed twice (GitHub compares slugs case-insensitively)")
        return value


class TagCreators(_Frozen):
    """Who may create production tags: the only bypass actors of the tag-creation ruleset. Empty lists
    mean no one may (what `repoconf import` writes when the token cannot see who may: the strictest).
    """

    teams: tuple[TeamSlug, ...] = Field(
        default=(), description="Slugs of teams (in the policy's owner) who may create production tags."
    )
    roles: tuple[RepositoryRole, ...] = Field(
        default=(), description="Repository roles whose holders may create production tags."
    )

    @model_validator(mode="after")
    def _once(self) -> TagCreators:
        for kind, names in (("team", self.teams), ("role", tuple(map(str, self.roles)))):
            folded = [name.casefold() for name in names]
            for name in names:
                if folded.count(name.casefold()) > 1:
                    raise ValueError(f"{kind} {name!r} is listed twice")
        return self


class ReleaseTags(_Frozen):
    """Protection of release tags by a tag ruleset."""

    pattern: RefPattern = Field(description="fnmatch pattern of release tags (`v*`).")
    protect_from: tuple[TagOperation, ...] = Field(
        default=(TagOperation.DELETION, TagOperation.UPDATE, TagOperation.FORCE_PUSH),
        min_length=1,
        description="Operations forbidden on matching tags, to everyone (the ruleset has no bypass).",
    )
    except_: tuple[RefPattern, ...] = Field(
        default=(),
        alias="except",
        description="Tag patterns excluded from the protection (e.g. `v*-rc*`, deletable RCs).",
    )
    created_by: TagCreators | None = Field(
        default=None,
        description="Only these teams and roles may create matching tags (a second ruleset whose "
        "`creation` rule they alone bypass); `except` tags stay creatable by writers. Absent: anyone "
        "with write access may push a production tag.",
    )
    protect: bool = Field(
        default=False,
        strict=True,
        description="Pulumi `protect`: a policy edit can never delete the release-tag rulesets.",
    )

    @model_validator(mode="after")
    def _creation_once(self) -> ReleaseTags:
        if self.created_by is not None and TagOperation.CREATION in self.protect_from:
            raise ValueError(
                "`created_by` lets some people create release tags, `protect_from: [creation]` forbids it "
                "to everyone: keep one of them"
            )
        return self


class ProtectionEngine(StrEnum):
    """How branch rules are enforced on GitHub."""

    RULESET = "ruleset"
    CLASSIC = "classic"


GUIDE_REQUIRED_FILES: tuple[str, ...] = (
    ".github/workflows/release.yaml",
    ".github/actions/",
    "src/**/__init__.py",
    "tests/",
    "CHANGELOG.md",
    "pyproject.toml",
)
"""The release guide's "Required Files": what the shipped policy requires (`repoconf init` writes them)."""


class RepositorySettings(_Frozen):
    """Everything a repository gets: `defaults` deep-merged with its own entry."""

    environments: Annotated[dict[EnvironmentName, Environment], _unique_names("environment")] = Field(
        default_factory=dict, description="Deployment environments by name."
    )
    secrets: Secrets = Field(default_factory=dict, description="Repository Actions secrets: NAME → source.")
    variables: Variables = Field(
        default_factory=dict, description="Repository Actions variables: NAME → value."
    )
    branches: dict[RefPattern, BranchRule] = Field(
        default_factory=dict, description="Branch rules by branch name pattern (`main`)."
    )
    release_tags: ReleaseTags | None = Field(
        default=None, description="Release-tag ruleset; absent means no tag ruleset."
    )
    access: Access | None = Field(
        default=None,
        description="Teams granted a permission on the repository (one team-repository grant each); "
        "absent: repoconf grants none (teams it does not list are left as they are).",
    )
    protection_engine: ProtectionEngine = Field(
        default=ProtectionEngine.RULESET,
        description="`ruleset` (repository rulesets) or `classic` (branch protection).",
    )
    required_files: tuple[RequiredPath, ...] | None = Field(
        default=None,
        description="What the default branch must hold: paths (`CHANGELOG.md`), globs "
        "(`src/**/__init__.py`), directories ending in `/` (`tests/`). Absent, `[]` or null: no file "
        "is required (the shipped policy lists the release guide's).",
    )
    adopt: bool = Field(
        default=False,
        strict=True,
        description="Import existing GitHub settings into the Pulumi stack instead of creating "
        "them (where GitHub's ids can be derived).",
    )

    @model_validator(mode="after")
    def _classic_checks_unpinned(self) -> RepositorySettings:
        if self.protection_engine is ProtectionEngine.CLASSIC:
            for pattern, rule in self.branches.items():
                if rule.required_approvals > MAX_CLASSIC_APPROVALS:
                    raise _located(
                        "RepositorySettings",
                        ("branches", pattern, "required_approvals"),
                        rule.required_approvals,
                        f"classic branch protection requires at most {MAX_CLASSIC_APPROVALS} approvals "
                        f"(rulesets up to {MAX_RULESET_APPROVALS}): lower it, or use "
                        "`protection_engine: ruleset`",
                    )
                for index, (context, app_id) in enumerate(rule.check_contexts()):
                    if app_id is not None:
                        raise _located(
                            "RepositorySettings",
                            ("branches", pattern, "required_status_checks", index),
                            context,
                            f"check {context!r} pins app {app_id}, which classic branch protection cannot "
                            "(the provider sets check names only): use `protection_engine: ruleset`, or "
                            "write the check's name alone",
                        )
        return self


def _api_url(text: str) -> str:
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", text):
        raise ValueError(
            "expected the REST API's base URL, http(s) and no query: https://api.github.com, or "
            "https://HOST/api/v3 for GitHub Enterprise Server"
        )
    return text.rstrip("/")


class GitHubHost(_Frozen):
    """Which GitHub the policy's repositories live on: the one place that names the host."""

    api_url: Annotated[str, AfterValidator(_api_url)] = Field(
        default=DEFAULT_API_URL,
        description="REST API base URL (`https://HOST/api/v3` for GitHub Enterprise Server). The audit, "
        "import and adopt use it unless `--api-url` or `GITHUB_API_URL` says otherwise; the stack's "
        "provider uses it unless the stack sets `github:baseUrl`.",
    )

    @property
    def custom(self) -> bool:
        """Whether the policy names a host other than github.com's API."""
        return self.api_url != DEFAULT_API_URL


def _wanted_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "one"
    if isinstance(value, list | tuple):
        return "any"
    return None


# A callable discriminator, not a plain union: a bad value is one error in policy words.
WantedValues = Annotated[
    Annotated[PropertyValue, Tag("one")]
    | Annotated[tuple[PropertyValue, ...], Field(min_length=1), Tag("any")],
    Discriminator(
        _wanted_kind,
        custom_error_type="property_values",
        custom_error_message="a property's wanted value is a string (`gold`) or a list of them "
        "(`[gold, silver]`)",
    ),
]


class RepositoryMatch(_Frozen):
    """Which of the owner's repositories a selector selects: every criterion given must hold."""

    topics: tuple[Topic, ...] = Field(
        default=(),
        description="The repository has at least one of these topics. Topics are set by the repository's "
        "maintainers and administrators: they can opt a repository in or out (docs/guide.md).",
    )
    properties: dict[PropertyName, WantedValues] = Field(
        default_factory=dict,
        description="Custom property → the value (or any of the values) it must have; every property "
        "named must match (a multi-select property matches when one of its values is wanted).",
    )
    names: tuple[RepositoryPattern, ...] = Field(
        default=(),
        description="The repository's name matches one of these patterns (`py-*`; `*`, `?`, `[...]`; "
        "compared case-insensitively, as GitHub compares names).",
    )
    exclude: tuple[RepositoryPattern, ...] = Field(
        default=(), description="Name patterns this selector never selects, whatever else matches."
    )
    archived: bool = Field(
        default=False,
        strict=True,
        description="Also select archived repositories (read-only on GitHub: excluded unless `true`).",
    )
    forks: bool = Field(default=False, strict=True, description="Also select forks (excluded unless `true`).")

    @model_validator(mode="after")
    def _criterion(self) -> RepositoryMatch:
        if not (self.topics or self.properties or self.names):
            raise ValueError(
                "give at least one of `topics`, `properties` or `names` (`names: ['*']` selects every "
                "repository)"
            )
        return self


class Selector(_Frozen):
    """Repositories chosen by rule, and what each of them gets (like a repository entry)."""

    match: RepositoryMatch = Field(description="Which repositories: topics, custom properties, names.")
    settings: RepositorySettings | None = Field(
        default=None,
        description="What a selected repository gets over `defaults`, merged as a repository entry is "
        "(`{}` or absent: `defaults` alone). Order: defaults, then each matching selector in file "
        "order, then the repository's own entry; two selectors that select one repository must not set "
        "a value differently.",
    )


class PolicyDocument(_Frozen):
    """The policy file as written: its schema is what editors validate against.

    The loader validates `defaults` merged into each repository as a whole
    (:class:`RepositorySettings`); this class describes the file's shape.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="repoconf policy",
        json_schema_extra={
            "$id": "https://repoconf.dev/policy.schema.json",
            "anyOf": [{"required": ["repositories"]}, {"required": ["selectors"]}],
        },
    )

    version: Literal[1] = Field(description="Policy format version; always 1.")
    owner: Login = Field(description="Organization or user owning the repositories.")
    github: GitHubHost = Field(
        default_factory=lambda: GitHubHost(),
        description="Which GitHub: `{api_url: ...}` (default github.com).",
    )
    defaults: RepositorySettings = Field(
        default_factory=RepositorySettings,
        description="What every repository gets unless its entry overrides it. Mappings merge key "
        "by key, lists and scalars replace, `null` removes an inherited key.",
    )
    repositories: dict[RepositoryName, RepositorySettings | None] = Field(
        default_factory=dict,
        description="Repositories by name; an entry overrides `defaults` and the selectors that select it "
        "(`{}` inherits all). Required unless `selectors` chooses the repositories.",
    )
    selectors: dict[SelectorName, Selector] = Field(
        default_factory=dict,
        description="Repositories chosen by rule (topics, custom properties, name patterns), resolved "
        "against the owner's repositories when the program runs, the audit reads, or a list is given "
        "(`--repositories-from`).",
    )


class Policy(_Frozen):
    """The validated policy: owner, the GitHub it lives on, and the merged settings of every repository."""

    owner: str
    repositories: dict[str, RepositorySettings]
    github: GitHubHost = Field(default_factory=lambda: GitHubHost())
