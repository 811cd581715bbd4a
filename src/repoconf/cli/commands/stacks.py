"""`repoconf stacks`: one policy in many stacks, each a group of its repositories, run as a matrix.

- without ``--groups``: the workflows' matrix, ``{"stack": [...]}``: the group stacks committed for
  ``--stack`` (``Pulumi.<stack>-<K>.yaml`` with ``group: K/N``), or the stack alone;
- ``--groups N``: the matrix of ``--stack`` split in N groups; ``--setup``: the Pulumi commands that
  create the group stacks (their config copied from the stack) and set each one's group;
  ``--moves-from M``: the ``pulumi state move`` commands that carry each repository whose group changes
  from the stack it was in with M groups (1: the stack unsplit) to its stack with N.

What a repository's group is, and why it never moves when other repositories come or go:
:mod:`repoconf.policy.groups`.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from repoconf.cli.selection import from_list
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.groups import MAX_GROUPS, group_of
from repoconf.policy.loader import DEFAULT_POLICY, load
from repoconf.project import GROUP, Project, StackSettings, group_stack, split_stacks, stack_file


def _count(value: int, option: str) -> int:
    if not 1 <= value <= MAX_GROUPS:
        raise UsageError(f"{option}: {value} groups: expected 1 to {MAX_GROUPS}")
    return value


def stack_of(stack: str, groups: int, repository: str) -> str:
    """The stack that declares ``repository`` when ``stack`` is split in ``groups`` (1: not split)."""
    return stack if groups == 1 else group_stack(stack, group_of(repository, groups))


def matrix(stacks: list[str]) -> str:
    """``strategy.matrix`` as one line of JSON (a job output)."""
    return json.dumps({"stack": stacks}, separators=(",", ":"))


def _setup(directory: Path, stack: str, groups: int) -> list[str]:
    existing = {settings.stack: settings for settings in split_stacks(directory, stack)}
    unsplit = directory / stack_file(stack)
    template = stack if unsplit.is_file() else next(iter(existing), None)
    if template is None:
        raise UsageError(
            f"{unsplit}: no such file: the group stacks copy the config of stack {stack!r} "
            f"(`pulumi stack init {stack}` first)"
        )
    lines = [f"# stack {stack!r} in {groups} group(s): run in {directory}, then commit the stack files"]
    wanted = {stack: ""} if groups == 1 else {group_stack(stack, k): f"{k}/{groups}" for k in range(groups)}
    for name, group in wanted.items():
        quoted = shlex.quote(name)
        have = existing.get(name) or (StackSettings.read(directory, stack) if name == template else None)
        if have is None:
            lines.append(f"pulumi stack init {quoted} --copy-config-from {shlex.quote(template)} --no-select")
        elif str(have.group or "") == group:
            continue
        if group:
            lines.append(f"pulumi config set --stack {quoted} {GROUP.name} {group}")
        elif have is None or have.group is not None:
            lines.append(f"pulumi config rm --stack {quoted} {GROUP.name}")
    surplus = [name for name in existing if name not in wanted]
    if surplus:
        lines.append(
            "# after the moves (--moves-from), these stacks hold nothing: "
            + "; ".join(f"pulumi stack rm {shlex.quote(name)}" for name in surplus)
        )
    return lines


def _moves(
    directory: Path, stack: str, groups: int, before: int, policy: str | None, repositories_from: Path | None
) -> list[str]:
    project = Project.read(directory)
    if policy is None:
        base = directory / stack_file(stack)
        policy = str(StackSettings.read(directory, stack).policy) if base.is_file() else DEFAULT_POLICY
    loaded = from_list(load(policy), repositories_from)
    if loaded.selection is not None and loaded.selection.selected is None:
        raise UsageError(
            f"{loaded.source.file} has selectors: the moves need the repositories they select, "
            "--repositories-from FILE"
        )
    from repoconf.program.repository import COMPONENT_TYPE

    moves: dict[tuple[str, str], list[str]] = {}
    for name in loaded.policy.repositories:
        source, destination = stack_of(stack, before, name), stack_of(stack, groups, name)
        if source != destination:
            urn = f"urn:pulumi:{source}::{project.name}::{COMPONENT_TYPE}::{name}"
            moves.setdefault((source, destination), []).append(urn)
    moved = sum(len(urns) for urns in moves.values())
    lines = [
        f"# {moved} of {len(loaded.policy.repositories)} repositories change stacks ({before} → {groups} "
        "groups); each moves with its resources and the provider (`pulumi state move`)"
    ]
    for (source, destination), urns in sorted(moves.items()):
        lines.append(
            f"pulumi state move --source {shlex.quote(source)} --dest {shlex.quote(destination)} --yes "
            + " ".join(shlex.quote(urn) for urn in urns)
        )
    return lines


def stacks_command(
    policy: str | None,
    *,
    stack: str,
    project_dir: Path,
    groups: int | None = None,
    setup: bool = False,
    moves_from: int | None = None,
    repositories_from: Path | None = None,
) -> ExitCode:
    """Print the matrix, the set-up commands or the moves (see the module's description)."""
    if groups is None:
        if setup or moves_from is not None:
            raise UsageError("--setup and --moves-from need --groups N, the number of groups to set up")
        split = split_stacks(project_dir, stack)
        if not split:  # a stack without settings would fail every job of the matrix: say so now
            StackSettings.read(project_dir, stack)
        print(matrix([settings.stack for settings in split] or [stack]))
        return ExitCode.OK
    _count(groups, "--groups")
    if setup and moves_from is not None:
        raise UsageError("--setup and --moves-from print different commands: give one of them")
    if setup:
        print("\n".join(_setup(project_dir, stack, groups)))
    elif moves_from is not None:
        before = _count(moves_from, "--moves-from")
        print("\n".join(_moves(project_dir, stack, groups, before, policy, repositories_from)))
    else:
        print(matrix([stack] if groups == 1 else [group_stack(stack, k) for k in range(groups)]))
    return ExitCode.OK
