"""Release versions as deployment tag patterns: `{versions: final}` and `{versions: candidate}`.

GitHub matches deployment tag policies with Ruby's ``File.fnmatch`` (:mod:`repoconf.policy.fnmatch`):
no regular expressions, no negation, no ``{a,b}`` alternation (GitHub passes ``FNM_PATHNAME`` only, not
``FNM_EXTGLOB``). ``v*`` therefore admits ``v1.2.3-rc1``, and ``v[0-9]*.[0-9]*.[0-9]*`` admits
``v1.2.3-rc1`` and ``v1.2.3.4`` too, because ``*`` matches any run of characters. The only exact
description of "a final version" is one pattern per shape, each digit a ``[0-9]`` class:
``v[0-9].[0-9].[0-9]``, ``v[0-9].[0-9][0-9].[0-9]``, …

Bounds (documented in docs/guide.md): major and minor take one or two digits, patch one to three,
a candidate's number one or two (``-rc1`` … ``-rc99``). That is 2 × 2 × 3 = 12 final patterns and
24 candidate patterns; an environment taking both and ``main`` holds 37 deployment policies.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from itertools import product

MAJOR_DIGITS = (1, 2)
MINOR_DIGITS = (1, 2)
PATCH_DIGITS = (1, 2, 3)
CANDIDATE_DIGITS = (1, 2)
CANDIDATE_MARK = "-rc"


class VersionKind(StrEnum):
    """Which release versions a `{versions: ...}` entry stands for."""

    FINAL = "final"
    CANDIDATE = "candidate"


def _digits(count: int) -> str:
    return "[0-9]" * count


@functools.cache
def final_patterns(prefix: str) -> tuple[str, ...]:
    """``PREFIX MAJOR.MINOR.PATCH`` for every digit count within the bounds, e.g. ``v[0-9].[0-9].[0-9]``."""
    return tuple(
        f"{prefix}{_digits(major)}.{_digits(minor)}.{_digits(patch)}"
        for major, minor, patch in product(MAJOR_DIGITS, MINOR_DIGITS, PATCH_DIGITS)
    )


@functools.cache
def candidate_patterns(prefix: str) -> tuple[str, ...]:
    """A final pattern followed by ``-rcN`` with one or two digits, e.g. ``v[0-9].[0-9].[0-9]-rc[0-9]``."""
    return tuple(
        f"{final}{CANDIDATE_MARK}{_digits(number)}"
        for final, number in product(final_patterns(prefix), CANDIDATE_DIGITS)
    )


def version_patterns(kind: VersionKind, prefix: str) -> tuple[str, ...]:
    """The fnmatch patterns that together match exactly the versions of ``kind`` within the bounds."""
    return final_patterns(prefix) if kind is VersionKind.FINAL else candidate_patterns(prefix)


BOUNDS = (
    f"major and minor of {MAJOR_DIGITS[0]}–{MAJOR_DIGITS[-1]} digits, patch of "
    f"{PATCH_DIGITS[0]}–{PATCH_DIGITS[-1]}, candidates {CANDIDATE_MARK}0 to {CANDIDATE_MARK}99"
)
"""The bounds in words, for messages and the schema."""


def as_entries(tags: list[str]) -> list[str | dict[str, str]]:
    """Tag patterns as a policy writes them: each complete version set becomes its `{versions: ...}` entry.

    The inverse of the expansion, for ``repoconf import``: a live environment holding the 12 final
    patterns reads back as ``{versions: final}``, not as 12 lines. Incomplete sets stay as patterns.
    """
    remaining = list(tags)
    entries: list[str | dict[str, str]] = []
    for kind in (VersionKind.CANDIDATE, VersionKind.FINAL):
        shape = version_patterns(kind, "")[0]
        prefixes = dict.fromkeys(tag[: -len(shape)] for tag in remaining if tag.endswith(shape))
        for prefix in prefixes:
            expected = version_patterns(kind, prefix)
            if all(pattern in remaining for pattern in expected):
                remaining = [tag for tag in remaining if tag not in expected]
                entry = {"versions": str(kind)}
                entries.append(entry if prefix == "v" else {**entry, "prefix": prefix})
    return [*entries, *remaining]
