"""Which git refs may deploy to an environment, as GitHub decides it.

GitHub matches deployment branch and tag policies with Ruby's ``File.fnmatch`` and ``FNM_PATHNAME``
(:mod:`repoconf.policy.fnmatch`): ``*`` and ``?`` never cross a ``/`` (``release/*`` matches
``release/1.0`` but not ``release/1/x``), and a ``**/`` segment matches any number of segments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.policy.model import Environment, RepositorySettings


def ref_matches(pattern: str, name: str) -> bool:
    """Whether a branch or tag ``name`` matches a deployment policy ``pattern``."""
    return fnmatch_pathname(pattern, name)


class RefKind(StrEnum):
    """Branches and tags are matched against different policy lists."""

    BRANCH = "branch"
    TAG = "tag"


@dataclass(frozen=True)
class Ref:
    """A fully qualified git ref split into kind and short name."""

    kind: RefKind
    name: str

    @classmethod
    def parse(cls, ref: str) -> Ref:
        """Parse ``refs/heads/NAME`` or ``refs/tags/NAME``; raise ValueError otherwise."""
        for prefix, kind in (("refs/heads/", RefKind.BRANCH), ("refs/tags/", RefKind.TAG)):
            if ref.startswith(prefix) and len(ref) > len(prefix):
                return cls(kind, ref[len(prefix) :])
        raise ValueError(
            f"{ref!r} is not a full ref: write refs/heads/BRANCH or refs/tags/TAG (e.g. refs/tags/v1.2.3)"
        )

    def __str__(self) -> str:
        return f"refs/{'heads' if self.kind is RefKind.BRANCH else 'tags'}/{self.name}"


@dataclass(frozen=True)
class Verdict:
    """Whether a ref may deploy to an environment, and why."""

    allowed: bool
    reason: str


def protected_branch(settings: RepositorySettings, branch: str) -> bool:
    """A branch is protected when one of the repository's branch rules matches it."""
    return any(ref_matches(pattern, branch) for pattern in settings.branches)


def explain(settings: RepositorySettings, environment: Environment, ref: Ref) -> Verdict:
    """Decide, as GitHub would, whether ``ref`` may deploy to ``environment``."""
    refs = environment.deployment_refs
    if refs is None:
        return Verdict(True, "no deployment_refs: any ref may deploy")
    if refs.protected:
        if ref.kind is RefKind.TAG:
            return Verdict(False, "only protected branches may deploy; tags never can")
        if protected_branch(settings, ref.name):
            return Verdict(True, f"branch {ref.name!r} is protected by a branch rule")
        return Verdict(False, f"branch {ref.name!r} has no branch rule, so it is not protected")
    if ref.kind is RefKind.BRANCH:
        label, sources = "branches", [(pattern, repr(pattern)) for pattern in refs.branches or ()]
    else:
        label, sources = "tags", refs.tag_sources()
    for pattern, entry in sources:
        if ref_matches(pattern, ref.name):
            origin = "" if entry == repr(pattern) else f" (from {entry})"
            return Verdict(True, f"{ref.kind} {ref.name!r} matches {label} pattern {pattern!r}{origin}")
    if not sources:
        return Verdict(False, f"deployment_refs lists no {label}, so no {ref.kind} may deploy")
    counts = Counter(entry for _, entry in sources)
    listed = ", ".join(
        entry if count == 1 and entry.startswith("'") else f"{entry} ({count} patterns)"
        for entry, count in counts.items()
    )
    return Verdict(False, f"{ref.kind} {ref.name!r} matches none of the {label} patterns {listed}")


def sample_tag(pattern: str) -> str:
    """A tag the release pattern matches: each wildcard becomes a version (``v*`` → ``v1.2.3``)."""
    return pattern.replace("**", "1.2.3").replace("*", "1.2.3").replace("?", "1")
