"""The Pulumi project of a configuration repository: ``Pulumi.yaml``, ``Pulumi.<stack>.yaml`` and the
stack config keys the program reads, in one place for the program, ``repoconf new`` and the commands
that take ``--stack``.

**The config namespace is the project's own name.** Pulumi lets a project declare a typed key (``type``,
``default``, ``secret``) only when the key is *namespaced by the project*: written without a namespace
(``policy``) or as ``<project-name>:policy``; any other namespace may only carry a ``value``
(pulumi/pulumi ``sdk/go/common/workspace/project.go``, ``Project.Validate`` and
``configKeyIsNamespacedByProject``). So ``Pulumi.yaml`` declares the bare keys below, which Pulumi stores
as ``<project>:KEY`` in the stack settings (``pulumi config set owner acme-sandbox``), and the program
reads ``pulumi.Config()``, whose default namespace is the project's name. That holds for any project
name; this repository's project is called ``repoconf``, so its keys read ``repoconf:owner``.

Reading is bounded and located: at most :data:`MAX_BYTES`, UTF-8, one YAML document composed into nodes
(never constructed, so ``name: 2024-02-30`` is the text Pulumi sees, not a date), every problem a
one-line ``FILE:LINE:COL`` error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from repoconf.errors import Location, UsageError
from repoconf.files import Unreadable, read_file
from repoconf.policy.groups import Group
from repoconf.policy.loader import DEFAULT_POLICY
from repoconf.text import printable

PROJECT_FILE = "Pulumi.yaml"
MAX_BYTES = 1024 * 1024
"""A project or stack settings file is a few KiB (encrypted secrets included); more is the wrong file."""
PROJECT_NAME_LIMIT = 100


@dataclass(frozen=True)
class ConfigKey:
    """A stack config key the program reads, as ``Pulumi.yaml`` declares it."""

    name: str
    default: str | None
    description: str


POLICY = ConfigKey(
    "policy",
    DEFAULT_POLICY,
    "Path of the policy file, relative to this project (the directory of Pulumi.yaml).",
)
OWNER = ConfigKey(
    "owner",
    "",
    "The organization or user this stack manages instead of the policy owner (e.g. a sandbox); "
    "empty: the policy owner.",
)
GROUP = ConfigKey(
    "group",
    "",
    "This stack's share of the policy's repositories: K/N, the group K of N (`repoconf stacks`); empty: "
    "all of them.",
)
PROGRAM_KEYS = (POLICY, OWNER, GROUP)


def stack_file(stack: str) -> str:
    """The settings file of ``stack``: ``Pulumi.<stack>.yaml`` beside ``Pulumi.yaml``."""
    return f"Pulumi.{stack}.yaml"


def project_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Pulumi project name (pulumi/pulumi ``sdk/go/common/tokens``,
    ``ValidateProjectName``: 1–100 letters, digits, ``-``, ``_`` or ``.``), or None.
    """
    if not 0 < len(name) <= PROJECT_NAME_LIMIT:
        return f"a project name has 1 to {PROJECT_NAME_LIMIT} characters"
    if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in name):
        return "a project name has only letters, digits, '-', '_' and '.'"
    return None


def stack_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a stack settings file here, or None (letters, digits, ``-_.``)."""
    allowed = all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)
    if not name or len(name) > PROJECT_NAME_LIMIT or not allowed:
        return "a stack name has 1 to 100 letters, digits, '-', '_' or '.'"
    return None


def _located(file: Path, node: yaml.Node | None, message: str) -> UsageError:
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
    return UsageError(printable(f"{Location(str(file), line, column)}: {message}"))


def _compose(file: Path) -> yaml.MappingNode:
    """The file's one YAML document as nodes; bounded, UTF-8, located errors."""
    try:  # never a wait on a FIFO, never more than the bound (repoconf.files)
        data = read_file(file, MAX_BYTES)
    except Unreadable as error:
        if error.limit is not None:
            raise UsageError(
                f"{file}: larger than {MAX_BYTES // 1024} KiB, which no Pulumi settings file is"
            ) from None
        if error.reason == "No such file or directory":
            raise UsageError(f"{file}: no such file") from None
        raise UsageError(printable(f"{file}: cannot read: {error.reason}")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise UsageError(
            f"{Location(str(file), line, column)}: not UTF-8 text (byte 0x{data[error.start]:02x}): "
            "save the file as UTF-8"
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(str(file), mark.line + 1, mark.column + 1) if mark else Location(str(file), 1, 1)
        raise UsageError(printable(f"{where}: invalid YAML: {error.problem or error.context}")) from None
    except yaml.YAMLError as error:
        raise UsageError(printable(f"{file}: invalid YAML: {error}")) from None
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        raise UsageError(f"{file}: nested deeper than a Pulumi settings file ever is") from None
    if not isinstance(root, yaml.MappingNode):
        raise _located(file, root, "expected a mapping of settings")
    return root


def _entries(file: Path, node: yaml.MappingNode) -> dict[str, yaml.Node]:
    entries: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _located(file, key, "expected a plain key")
        if key.value in entries:
            raise _located(file, key, f"{key.value!r} is set twice")
        entries[key.value] = value
    return entries


def _text(file: Path, node: yaml.Node, field: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _located(file, node, f"{field}: expected a single value")
    return str(node.value)


@dataclass(frozen=True)
class Project:
    """What ``Pulumi.yaml`` says that repoconf needs: its directory, name and config defaults."""

    directory: Path
    name: str
    defaults: dict[str, str]
    """Bare key → default of the keys the project declares with a ``default``."""

    @classmethod
    def read(cls, directory: Path) -> Project:
        """Read ``directory/Pulumi.yaml``; a located usage error when it cannot be used."""
        file = directory / PROJECT_FILE
        entries = _entries(file, _compose(file))
        if "name" not in entries:
            raise UsageError(f"{file}: no `name:`: a Pulumi project names itself")
        name = _text(file, entries["name"], "name")
        problem = project_name_problem(name)
        if problem is not None:
            raise _located(file, entries["name"], f"name: {name!r}: {problem}")
        defaults: dict[str, str] = {}
        config = entries.get("config")
        if isinstance(config, yaml.MappingNode):
            for key, declaration in _entries(file, config).items():
                bare = key.removeprefix(f"{name}:")
                if ":" in bare:
                    continue  # another namespace's value (e.g. github:owner), not ours
                if isinstance(declaration, yaml.MappingNode):
                    default = _entries(file, declaration).get("default")
                    if default is not None:
                        defaults[bare] = _text(file, default, f"config.{key}.default")
                elif isinstance(declaration, yaml.ScalarNode):  # shorthand: `key: value` is a default
                    defaults[bare] = declaration.value
        elif config is not None:
            raise _located(file, config, "config: expected a mapping of keys")
        return cls(directory, name, defaults)


@dataclass(frozen=True)
class StackSettings:
    """A stack as the program sees it: the project's defaults under the stack's own settings."""

    project: Project
    stack: str
    file: Path
    values: dict[str, str]
    """Bare key → value of this project's keys (``<project>:KEY`` or ``KEY`` in the stack file)."""

    @classmethod
    def read(cls, directory: Path, stack: str) -> StackSettings:
        """Read ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` in ``directory``; located usage errors."""
        problem = stack_name_problem(stack)
        if problem is not None:
            raise UsageError(f"--stack: {printable(stack)!r}: {problem}")
        project = Project.read(directory)
        file = directory / stack_file(stack)
        if not file.is_file():
            raise UsageError(
                f"{file}: no such file: stack {stack!r} has no settings here "
                f"(`pulumi stack init {stack}` in {directory}, or pass the stack that manages it)"
            )
        entries = _entries(file, _compose(file))
        values = dict(project.defaults)
        config = entries.get("config")
        if isinstance(config, yaml.MappingNode):
            for key, node in _entries(file, config).items():
                bare = key.removeprefix(f"{project.name}:")
                if ":" in bare:
                    continue
                if isinstance(node, yaml.ScalarNode):
                    values[bare] = node.value
                # a mapping here is a `secure:` value or structured config: nothing the reader needs
        elif config is not None:
            raise _located(file, config, "config: expected a mapping of keys")
        return cls(project, stack, file, values)

    @property
    def owner(self) -> str | None:
        """The stack's ``owner`` override, or None when it manages the policy's owner."""
        return self.values.get(OWNER.name) or None

    @property
    def group(self) -> Group | None:
        """The stack's ``group`` (its share of the repositories), or None when it declares them all."""
        text = self.values.get(GROUP.name)
        if not text:
            return None
        try:
            return Group.parse(text)
        except ValueError as error:
            raise UsageError(f"{self.file}: {self.project.name}:{GROUP.name}: {error}") from None

    @property
    def policy(self) -> Path:
        """The policy file the stack's program loads, resolved against the project directory."""
        path = Path(self.values.get(POLICY.name) or DEFAULT_POLICY)
        return path if path.is_absolute() else self.project.directory / path


def group_stack(stack: str, index: int) -> str:
    """The name of group ``index``'s stack when ``stack`` is split (``staging`` → ``staging-3``)."""
    return f"{stack}-{index}"


def split_stacks(directory: Path, stack: str) -> list[StackSettings]:
    """The group stacks of ``stack`` committed in ``directory`` (``Pulumi.<stack>-<K>.yaml``, each with
    ``group: K/N``, every K of 0 … N−1 present, one N), in group order; ``[]`` when it is not split.
    A set that is not complete and consistent is a usage error naming the file to fix.
    """
    problem = stack_name_problem(stack)
    if problem is not None:
        raise UsageError(f"--stack: {printable(stack)!r}: {problem}")
    pattern = re.compile(rf"Pulumi\.{re.escape(stack)}-(0|[1-9][0-9]{{0,3}})\.yaml")
    try:
        indexes = sorted(
            int(found.group(1)) for path in directory.iterdir() if (found := pattern.fullmatch(path.name))
        )
    except OSError as error:
        raise UsageError(f"{directory}: cannot list: {error.strerror or error}") from None
    stacks = [StackSettings.read(directory, group_stack(stack, index)) for index in indexes]
    counts: set[int] = set()
    for index, settings in zip(indexes, stacks, strict=True):
        group = settings.group
        if group is None or group.index != index:
            raise UsageError(
                f"{settings.file}: {settings.project.name}:{GROUP.name} must be {index}/N, the stack's "
                "group: `repoconf stacks --groups N --setup` sets it"
            )
        counts.add(group.groups)
    if len(counts) > 1:
        shown = ", ".join(map(str, sorted(counts)))
        raise UsageError(
            f"the group stacks of {stack!r} disagree on the number of groups ({shown}): "
            "`repoconf stacks --groups N --setup` sets them all"
        )
    if counts:
        groups = counts.pop()
        missing = [k for k in range(groups) if k not in indexes]
        if missing:
            files = ", ".join(stack_file(group_stack(stack, k)) for k in missing)
            raise UsageError(
                f"stack {stack!r} is split in {groups} but {files} is missing: "
                "`repoconf stacks --groups N --setup` creates it"
            )
    return stacks
