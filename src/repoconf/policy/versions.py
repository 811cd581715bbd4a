"""Release versions as deployment tag patterns: `{versions: final}` and `{versions: candidate}`.

GitHub matches deployment tag policies with Ruby's ``File.fnmatch`` (:mod:`repoconf.policy.fnmatch`):
no regular expressions, no negation, no ``{a,b}`` alternation (GitHub passes ``FNM_PATHNAME`` only, not
``FNM_EXTGLOB``). ``v*`` therefore admits ``v1.2.3-rc1``, and ``v[0-9]*.[0-9]*.[0-9]*`` admits
``v1.2.3-rc1`` and ``v1.2.3.4`` too, because ``*`` matches any run of characters. The only exact
description of "a final version" is one pattern per shape, each digit a ``[0-9]`` class:
``v[0-9].[0-9].[0-9]``, ``v[0-9].[0-9][0-9].[0-9]``, …

How many digits each part may have are the entry's *bounds* (docs/guide.md): by default major and minor
take one or two digits, patch one to three, a candidate's number one or two (``-rc1`` … ``-rc99``): 12 final
and 24 candidate patterns. ``major: [1, 2, 4]`` adds calendar versions (``v2024.8.30``) to SemVer-like
ones (``v1.2.3``, ``v24.3.1``). Every pattern is a resource (and a provider read on every refresh), so
bounds are worth keeping tight.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from itertools import product
from typing import Any

CANDIDATE_MARK = "-rc"
MAX_DIGITS = 8
"""The most digits a bound may name (a part of 8 digits, like ``20240830``, is already a date)."""


class VersionKind(StrEnum):
    """Which release versions a `{versions: ...}` entry stands for."""

    FINAL = "final"
    CANDIDATE = "candidate"


@dataclass(frozen=True)
class Bounds:
    """How many digits each part of a version may have."""

    major: tuple[int, ...] = (1, 2)
    minor: tuple[int, ...] = (1, 2)
    patch: tuple[int, ...] = (1, 2, 3)
    candidate: tuple[int, ...] = (1, 2)


DEFAULT = Bounds()
PARTS = ("major", "minor", "patch", "candidate")


def _digits(count: int) -> str:
    return "[0-9]" * count


@functools.cache
def final_patterns(prefix: str, bounds: Bounds = DEFAULT) -> tuple[str, ...]:
    """``PREFIX MAJOR.MINOR.PATCH`` for every digit count within the bounds, e.g. ``v[0-9].[0-9].[0-9]``."""
    return tuple(
        f"{prefix}{_digits(major)}.{_digits(minor)}.{_digits(patch)}"
        for major, minor, patch in product(bounds.major, bounds.minor, bounds.patch)
    )


@functools.cache
def candidate_patterns(prefix: str, bounds: Bounds = DEFAULT) -> tuple[str, ...]:
    """A final pattern followed by ``-rcN`` within the bounds, e.g. ``v[0-9].[0-9].[0-9]-rc[0-9]``."""
    return tuple(
        f"{final}{CANDIDATE_MARK}{_digits(number)}"
        for final, number in product(final_patterns(prefix, bounds), bounds.candidate)
    )


def version_patterns(kind: VersionKind, prefix: str, bounds: Bounds = DEFAULT) -> tuple[str, ...]:
    """The fnmatch patterns that together match exactly the versions of ``kind`` within the bounds."""
    if kind is VersionKind.FINAL:
        return final_patterns(prefix, bounds)
    return candidate_patterns(prefix, bounds)


def describe_bounds(bounds: Bounds, kind: VersionKind) -> str:
    """The bounds in words, for messages."""

    def counts(values: tuple[int, ...]) -> str:
        return "/".join(map(str, values))

    words = (
        f"major of {counts(bounds.major)} digits, minor of {counts(bounds.minor)}, "
        f"patch of {counts(bounds.patch)}"
    )
    if kind is VersionKind.CANDIDATE:
        words += f", candidate number of {counts(bounds.candidate)}"
    return words


BOUNDS = describe_bounds(DEFAULT, VersionKind.CANDIDATE)
"""The default bounds in words, for the schema."""

_SHAPE = re.compile(
    r"^(?P<prefix>[A-Za-z0-9._/-]*?)(?P<major>(?:\[0-9\])+)\.(?P<minor>(?:\[0-9\])+)\."
    r"(?P<patch>(?:\[0-9\])+)(?:-rc(?P<candidate>(?:\[0-9\])+))?$"
)


def _shape(pattern: str) -> tuple[str, VersionKind, tuple[int, ...]] | None:
    """A pattern's prefix, kind and digit counts, when it is one a version entry expands to."""
    match = _SHAPE.match(pattern)
    if match is None:
        return None
    counts = tuple(len(match.group(part) or "") // len("[0-9]") for part in PARTS)
    kind = VersionKind.CANDIDATE if match.group("candidate") else VersionKind.FINAL
    return match.group("prefix"), kind, counts if kind is VersionKind.CANDIDATE else counts[:3]


def as_entries(tags: list[str]) -> list[str | dict[str, Any]]:
    """Tag patterns as a policy writes them: each complete version set becomes its `{versions: ...}` entry
    (with its bounds when they are not the defaults).

    The inverse of the expansion, for ``repoconf import``: a live environment holding the 12 final
    patterns reads back as ``{versions: final}``, not as 12 lines. Incomplete sets stay as patterns.
    """
    groups: dict[tuple[str, VersionKind], set[tuple[int, ...]]] = defaultdict(set)
    for tag in tags:
        shape = _shape(tag)
        if shape is not None:
            groups[(shape[0], shape[1])].add(shape[2])
    entries: list[str | dict[str, Any]] = []
    taken: set[str] = set()
    candidates_first = sorted(groups.items(), key=lambda item: (item[0][1] is VersionKind.FINAL, item[0]))
    for (prefix, kind), shapes in candidates_first:
        width = len(next(iter(shapes)))
        axes = [tuple(sorted({shape[index] for shape in shapes})) for index in range(width)]
        if len(shapes) != len(list(product(*axes))):
            continue  # not a complete set: the patterns stay as they are
        bounds = Bounds(*axes) if kind is VersionKind.CANDIDATE else Bounds(axes[0], axes[1], axes[2])
        entry: dict[str, Any] = {"versions": str(kind)}
        if prefix != "v":
            entry["prefix"] = prefix
        for part in PARTS[: len(axes)]:
            if getattr(bounds, part) != getattr(DEFAULT, part):
                entry[part] = list(getattr(bounds, part))
        entries.append(entry)
        taken.update(version_patterns(kind, prefix, bounds))
    return [*entries, *(tag for tag in tags if tag not in taken)]
