"""``--stack S``: the organization and policy a stack manages, read before any request."""

from __future__ import annotations

from pathlib import Path

from repoconf.errors import UsageError
from repoconf.policy.loader import LoadedPolicy, load
from repoconf.project import StackSettings


def stack_policy(directory: Path, stack: str, policy: str | None) -> tuple[StackSettings, LoadedPolicy]:
    """The stack's settings and its policy, loaded. ``policy``, when given, must be the stack's own: a
    command that acts for a stack uses the policy its program loads, nothing else.
    """
    settings = StackSettings.read(directory, stack)
    if policy is not None and Path(policy).resolve() != settings.policy.resolve():
        raise UsageError(
            f"{policy} is not the policy of stack {stack!r}, which loads {settings.policy} "
            f"({settings.file}): leave POLICY out, or change the stack's policy"
        )
    return settings, load(settings.policy)
