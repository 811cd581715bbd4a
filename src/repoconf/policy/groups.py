"""One policy in many stacks: each repository belongs to one of N groups by its name alone.

A repository's group is Lamping and Veach's jump consistent hash ("A Fast, Minimal Memory, Consistent
Hash Algorithm", 2014, arXiv:1406.2294, the reference code of its Figure 1; tests/policy/test_groups.py
holds it to that code's values) of the first 8 bytes of the SHA-256 of its name, case-folded as GitHub
compares names. So:

- a repository's group never depends on which other repositories exist: adding or removing repositories,
  or a repository gaining a topic, never moves another one between stacks;
- growing from N to M groups moves only about (M − N) / M of the repositories, each into one of the new
  groups (never between the existing ones); shrinking moves only those of the groups removed;
- the groups are even: each holds about 1/N of the repositories.

A stack declares one group with the stack config key ``group`` (``K/N``): the program, the audit and
adopt keep only the repositories of that group (:func:`share`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from repoconf.policy.loader import LoadedPolicy

MAX_GROUPS = 1000
"""More stacks than any organisation needs (5,000 repositories at 100 per stack are 50)."""
_GROUP = re.compile(r"(0|[1-9][0-9]{0,3})/([1-9][0-9]{0,3})")
_MASK = (1 << 64) - 1


def jump(key: int, buckets: int) -> int:
    """The jump consistent hash of a 64-bit ``key`` into ``buckets`` (Lamping and Veach, Figure 1)."""
    bucket, following = -1, 0
    while following < buckets:
        bucket = following
        key = (key * 2862933555777941757 + 1) & _MASK
        following = int((bucket + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return bucket


def group_of(repository: str, groups: int) -> int:
    """The group (0 … ``groups`` − 1) a repository belongs to when the policy is split in ``groups``."""
    digest = hashlib.sha256(repository.casefold().encode("utf-8")).digest()
    return jump(int.from_bytes(digest[:8], "big"), groups)


@dataclass(frozen=True)
class Group:
    """One of ``groups`` groups: what a stack with ``group: K/N`` declares."""

    index: int
    groups: int

    @classmethod
    def parse(cls, text: str) -> Group:
        """``K/N`` with 0 ≤ K < N ≤ :data:`MAX_GROUPS`; a :class:`ValueError` says what is expected."""
        found = _GROUP.fullmatch(text.strip())
        if found is not None:
            index, groups = int(found.group(1)), int(found.group(2))
            if index < groups <= MAX_GROUPS:
                return cls(index, groups)
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise ValueError(
            f"{shown!r} is not a group: expected K/N, the group K (0 to N−1) of N (at most {MAX_GROUPS}), "
            "e.g. 0/8"
        )

    def __str__(self) -> str:
        return f"{self.index}/{self.groups}"

    def holds(self, repository: str) -> bool:
        """Whether the repository is in this group."""
        return group_of(repository, self.groups) == self.index


def share(loaded: LoadedPolicy, group: Group | None) -> LoadedPolicy:
    """The policy with only the repositories of ``group`` (all of them for None)."""
    if group is None:
        return loaded
    kept = {name: s for name, s in loaded.policy.repositories.items() if group.holds(name)}
    policy = loaded.policy.model_copy(update={"repositories": kept})
    return LoadedPolicy(policy, loaded.source, loaded.origins, loaded.selection)
