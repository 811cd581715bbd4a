"""`repoconf new DIR`: a complete configuration repository from the installed package; `--check DIR`:
what this version would write differently.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from repoconf.cli.access import read_text_file
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.identifiers import login_problem, repository_problem
from repoconf.project import MAX_BYTES
from repoconf.text import printable


def _checked_names(owner: str, repository: str, project: str, stack: str, stack_owner: str | None) -> None:
    from repoconf.project import project_name_problem, stack_name_problem

    problems = [
        ("--owner", owner, login_problem(owner)),
        ("--repo", repository, repository_problem(repository)),
        ("--project", project, project_name_problem(project)),
        ("--stack", stack, stack_name_problem(stack)),
    ]
    if stack_owner is not None:
        problems.append(("--stack-owner", stack_owner, login_problem(stack_owner)))
    for option, value, problem in problems:
        if problem is not None:
            raise UsageError(printable(f"{option}: {value!r}: {problem}"))


def new_command(
    directory: Path,
    *,
    owner: str,
    repository: str,
    project: str | None,
    stack: str,
    stack_owner: str | None,
    requirement: str | None,
) -> ExitCode:
    """Write every file of the scaffold into ``directory``; refuse (exit 2, nothing written) when any of
    them exists.
    """
    from repoconf.scaffold.repository import Requirement, Scaffold, version

    name = project or directory.resolve().name
    _checked_names(owner, repository, name, stack, stack_owner)
    try:
        pinned = Requirement.pinned(requirement)
    except ValueError as error:
        raise UsageError(f"--requirement: {error}") from None
    files = Scaffold(owner, repository, name, stack, pinned, stack_owner).files()
    existing = [path for path in files if (directory / path).exists() or (directory / path).is_symlink()]
    if existing:
        raise UsageError(
            f"{directory} already has {', '.join(existing)}: repoconf new never overwrites "
            "(`repoconf new --check` compares an existing repository with this version)"
        )
    try:
        for path, text in files.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as error:
        raise UsageError(f"{directory}: cannot write: {error.strerror or error}") from None
    print(
        f"wrote {len(files)} files into {directory} (repoconf {version()}, project {name}, "
        f"stack {stack}, owner {owner}); next: cd {directory} && python3.11 -m venv .venv && "
        ".venv/bin/pip install -r requirements.txt && .venv/bin/repoconf validate --strict"
    )
    return ExitCode.OK


def _stack_of(directory: Path, stack: str | None) -> str:
    if stack is not None:
        return stack
    found = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))
    if len(found) != 1:
        raise UsageError(
            f"--stack: {directory} has {len(found)} stack settings files ({', '.join(found) or 'none'}): "
            "name the stack the workflows default to"
        )
    return found[0]


def _read(path: Path) -> str | None:
    """A kept file's text, None when it does not exist; bounded and never waited on (repoconf.files)."""
    if not path.exists() and not path.is_symlink():
        return None
    return read_text_file(path, None, MAX_BYTES)


def check_command(directory: Path, *, stack: str | None) -> ExitCode:
    """Print, as a patch (``git apply``-able), what this version would write differently in the files
    repoconf keeps, and what ``Pulumi.yaml`` lacks; exit 0 when nothing differs, 1 otherwise.
    """
    from repoconf.policy.loader import load
    from repoconf.project import PROJECT_FILE, StackSettings
    from repoconf.scaffold.repository import (
        OWNED,
        REQUIREMENTS,
        Requirement,
        Scaffold,
        project_problems,
        version,
    )

    settings = StackSettings.read(directory, _stack_of(directory, stack))
    loaded = load(settings.policy)
    problems: list[str] = []
    lines = [
        line.strip()
        for line in (_read(directory / REQUIREMENTS) or "").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    try:
        requirement = Requirement.pinned(lines[0] if len(lines) == 1 else "")
    except ValueError:
        try:
            requirement = Requirement.bumped(lines[0] if len(lines) == 1 else "")
        except ValueError as error:
            raise UsageError(f"{directory / REQUIREMENTS}: {error}") from None
    first = next(iter(loaded.policy.repositories), "widgets")
    scaffold = Scaffold(
        loaded.policy.owner,
        first,
        settings.project.name,
        settings.stack,
        requirement,
        policy=loaded.policy,
    )
    patch: list[str] = []
    for path in OWNED:
        expected = scaffold.files()[path] if path != REQUIREMENTS else scaffold.requirements()
        actual = _read(directory / path)
        if actual == expected:
            continue
        problems.append(f"{path}: {'missing' if actual is None else 'differs'}")
        patch += difflib.unified_diff(
            (actual or "").splitlines(keepends=True),
            expected.splitlines(keepends=True),
            "/dev/null" if actual is None else f"a/{path}",
            f"b/{path}",
        )
    problems += project_problems(scaffold.project_file(), _read(directory / PROJECT_FILE) or "")
    sys.stdout.write("".join(patch))
    for problem in problems:
        print(f"repoconf new --check: {problem}", file=sys.stderr)
    if problems:
        print(
            f"repoconf new --check: {directory} differs from what repoconf {version()} writes: apply the "
            "patch above (`repoconf new --check . | git apply`) and the Pulumi.yaml lines",
            file=sys.stderr,
        )
        return ExitCode.DRIFT
    print(f"repoconf new --check: {directory} is what repoconf {version()} writes", file=sys.stderr)
    return ExitCode.OK
