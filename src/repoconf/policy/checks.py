"""Checks beyond the schema (SPEC §3): rules that catch policies GitHub accepts but that do not work.

Each rule is a function of one repository's merged settings yielding problems; :func:`run_checks` locates
them in the file and reports a problem written once in ``defaults`` once, not once per
repository.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from repoconf.policy.diagnostics import Diagnostic, Problem, Severity, merge_repeated
from repoconf.policy.fnmatch import literal_start
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import MAX_REVIEWERS, PREFIX, Environment, RepositorySettings, VersionTags
from repoconf.policy.refs import Ref, RefKind, explain, ref_matches, sample_tag
from repoconf.policy.versions import VersionKind

Rule = Callable[[RepositorySettings], Iterator[Problem]]


def tags_vs_branch_only(settings: RepositorySettings) -> Iterator[Problem]:
    """Release runs are triggered by tags: an environment limited to branches rejects them."""
    if settings.release_tags is None:
        return
    pattern = settings.release_tags.pattern
    tag = Ref(RefKind.TAG, sample_tag(pattern))
    for name, environment in settings.environments.items():
        refs = environment.deployment_refs
        if refs is None or explain(settings, environment, tag).allowed:
            continue
        if any(ref_matches(t, tag.name) or t == pattern for t in refs.tag_patterns()):
            continue
        # a secret behind reviewers takes final versions only (secret-behind-broad-tags)
        finals = _final_versions(pattern, tag.name) if _guards_secret(environment) else None
        tags = finals or repr(pattern)
        if refs.protected:
            kind, fix = (
                "protected branches",
                f"replace `protected: true` with `branches: [...]` and `tags: [{tags}]`",
            )
        else:
            kind, fix = "branches", f"add `tags: [{tags}]`"
        yield Problem(
            ("environments", name, "deployment_refs"),
            f"environment {name!r} admits {kind} but no tag matching release pattern {pattern!r}: "
            f'tag-triggered releases fail with "Tag {tag.name} is not allowed to deploy to {name}"; '
            f"{fix}",
            Severity.WARNING,
            name,
        )


def secret_in_two_scopes(settings: RepositorySettings) -> Iterator[Problem]:
    """A secret at repository and environment level from different sources: inside the environment's
    jobs the environment's value silently wins. The same source in both scopes is the same value, so
    nothing can surprise (the seed's process keeps PYPI_TOKEN in both on purpose).
    """
    repository_secrets = {name.upper(): source for name, source in settings.secrets.items()}
    for env_name, environment in settings.environments.items():
        if gated(environment):
            continue  # gated_secret_at_repository_scope says more
        for secret, source in environment.secrets.items():
            shadowed = repository_secrets.get(secret.upper())
            if shadowed is not None and shadowed != source:
                yield Problem(
                    ("environments", env_name, "secrets", secret),
                    f"secret {secret!r} is also a repository secret with another source "
                    f"({shadowed.describe()}); inside environment {env_name!r} the environment's "
                    f"value ({source.describe()}) wins: use one source or rename one",
                    Severity.WARNING,
                    env_name,
                )


def gated(environment: Environment) -> bool:
    """Whether a deployment to the environment waits for a reviewer's approval."""
    return environment.reviewers is not None and environment.reviewers.count > 0


def gated_secret_at_repository_scope(settings: RepositorySettings) -> Iterator[Problem]:
    """A secret a reviewer-gated environment holds, also at repository scope (whatever the sources):
    every workflow on every branch reads the repository's copy without the environment's approvals.
    """
    repository_secrets = {name.upper(): name for name in settings.secrets}
    for env_name, environment in settings.environments.items():
        if not gated(environment):
            continue
        for secret in environment.secrets:
            name = repository_secrets.get(secret.upper())
            if name is not None:
                yield Problem(
                    ("secrets", name),
                    f"secret {name!r} is held behind the reviewers of environment {env_name!r}, but "
                    "also at repository scope, where every workflow on every branch can read it "
                    "without their approval: remove it from the repository's secrets",
                    Severity.WARNING,
                )


def reviewer_limits(settings: RepositorySettings) -> Iterator[Problem]:
    """At most six reviewers; self-review prevention with one user can never be approved."""
    for name, environment in settings.environments.items():
        reviewers = environment.reviewers
        if environment.prevent_self_review and not gated(environment):
            yield Problem(
                ("environments", name, "prevent_self_review"),
                "prevent_self_review without reviewers does nothing on GitHub (it only stops the "
                "person who triggered a run from approving it): add reviewers or remove it",
                Severity.ERROR,
                name,
            )
        if reviewers is None:
            continue
        if reviewers.count > MAX_REVIEWERS:
            yield Problem(
                ("environments", name, "reviewers"),
                f"{reviewers.count} reviewers; GitHub allows at most {MAX_REVIEWERS} "
                "(users and teams together): use a team",
                Severity.ERROR,
                name,
            )
        if environment.prevent_self_review and len(reviewers.users) == 1 and not reviewers.teams:
            yield Problem(
                ("environments", name, "prevent_self_review"),
                f"prevent_self_review with the single reviewer {reviewers.users[0]!r}: runs they "
                "trigger can never be approved; add a second reviewer or a team",
                Severity.WARNING,
                name,
            )


def unprotective_branch_rules(settings: RepositorySettings) -> Iterator[Problem]:
    """A branch rule with no required check and no approval protects nothing."""
    for pattern, rule in settings.branches.items():
        if not rule.required_status_checks and rule.required_approvals == 0:
            yield Problem(
                ("branches", pattern, "required_status_checks"),
                f"branch rule {pattern!r} requires no status check and no approval, so it "
                "protects nothing: add required_status_checks or required_approvals",
                Severity.WARNING,
            )


NOT_FINAL = ("-rc1", "rc1", "a1", "b1", ".dev1", ".post1", "-beta.1")
"""Suffixes that turn a final version into one that is not (PEP 440 and SemVer pre-releases, dev and post
releases): a pattern that still matches after one is added admits more than final versions."""


def _not_final_example(entry: str | VersionTags) -> str | None:
    """A tag the entry admits that is no final version, or None."""
    if isinstance(entry, VersionTags):
        return f"{entry.prefix}1.2.3-rc1" if entry.versions is VersionKind.CANDIDATE else None
    sample = sample_tag(entry).replace("[0-9]", "1")
    return next((sample + end for end in NOT_FINAL if ref_matches(entry, sample + end)), None)


def _final_versions(pattern: str, tag: str) -> str | None:
    """``{versions: final}`` with the release pattern's literal start as its prefix, as written, when it
    admits the pattern's sample tag (``release-*`` → ``{versions: final, prefix: 'release-'}``).
    """
    prefix = literal_start(pattern)
    if PREFIX.fullmatch(prefix) is None:  # a `\` escape, or another character no prefix may hold
        return None
    entry = VersionTags(versions=VersionKind.FINAL, prefix=prefix)
    return entry.describe() if any(ref_matches(p, tag) for p in entry.patterns()) else None


def _guards_secret(environment: Environment) -> bool:
    """A reviewer-gated environment holding a secret: what reaches it should be a final version only."""
    return bool(environment.secrets) and gated(environment)


def secret_behind_broad_tags(settings: RepositorySettings) -> Iterator[Problem]:
    """A reviewer-gated environment that holds a secret (the PyPI token) and lists tags other than final
    versions: a release candidate, or any tag someone can push, reaches the secret.

    An ungated one, like `staging` with a Test PyPI token, takes release candidates by design.
    """
    for name, environment in settings.environments.items():
        refs = environment.deployment_refs
        if not _guards_secret(environment) or refs is None:
            continue
        secrets = ", ".join(sorted(environment.secrets))
        for index, entry in enumerate(refs.tags or ()):
            example = _not_final_example(entry)
            if example is not None:
                written = entry.describe() if isinstance(entry, VersionTags) else repr(entry)
                yield Problem(
                    ("environments", name, "deployment_refs", "tags", index),
                    f"environment {name!r} holds {secrets}, but its tags entry {written} admits {example}, "
                    "which is no final version: use `{versions: final}`",
                    Severity.WARNING,
                    name,
                )


RULES: dict[str, Rule] = {
    "tags-vs-branch-only": tags_vs_branch_only,
    "secret-in-two-scopes": secret_in_two_scopes,
    "gated-secret-at-repository-scope": gated_secret_at_repository_scope,
    "reviewer-limit": reviewer_limits,
    "required-checks": unprotective_branch_rules,
    "secret-behind-broad-tags": secret_behind_broad_tags,
}


def run_checks(loaded: LoadedPolicy) -> list[Diagnostic]:
    """Every rule over every repository, located and collapsed across repositories."""
    found: list[Diagnostic] = []
    for repository, settings in loaded.policy.repositories.items():
        for rule_name, rule in RULES.items():
            found += [loaded.diagnose(repository, problem, rule_name) for problem in rule(settings)]
    return merge_repeated(found)
