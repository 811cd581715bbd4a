"""YAML text to plain data with the line and column of every key and value.

PyYAML's composer keeps a mark on every node; this module walks the node graph itself instead of using
PyYAML's constructor, because the constructor silently keeps the last of duplicate keys and expands
aliases without bound. Paths are tuples of mapping keys and list indexes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from repoconf.errors import Location

Path = tuple[str | int, ...]

# An alias expands to a copy of its anchor; a document of nested aliases ("billion laughs") expands
# exponentially. Real policies expand a few times at most, so a generous budget over the document's
# own node count refuses bombs quickly without ever refusing an honest file.
EXPANSION_FACTOR = 20
EXPANSION_FLOOR = 100_000
MAX_DEPTH = 32
"""Nesting a policy never needs (the deepest real path is about 7 levels): deeper is refused, located."""
MAX_NUMBER_DIGITS = 18
"""No setting takes a number this long; Python refuses to convert much longer ones at all."""
INT_TAG = "tag:yaml.org,2002:int"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document was written."""

    file: str
    values: dict[Path, Location] = field(default_factory=dict)
    keys: dict[Path, Location] = field(default_factory=dict)

    def value(self, path: Path) -> Location:
        """Location of the value at ``path``, or of its nearest written ancestor."""
        return self._nearest(self.values, path)

    def key(self, path: Path) -> Location:
        """Location of the key naming ``path`` (falls back to the value's location)."""
        if path in self.keys:
            return self.keys[path]
        return self.value(path)

    def _nearest(self, table: dict[Path, Location], path: Path) -> Location:
        for end in range(len(path), -1, -1):
            location = table.get(path[:end])
            if location is not None:
                return location
        return Location(self.file, 1, 1)


class SourceError(Exception):
    """The YAML itself is unusable (syntax, duplicate key, alias bomb...)."""

    def __init__(self, location: Location, path: Path, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.path = path
        self.message = message


def _location(file: str, node: yaml.Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Builder:
    def __init__(self, file: str, budget: int) -> None:
        self.file = file
        self.budget = budget
        self.source = SourceMap(file)
        self._active: set[int] = set()
        self._scalars = yaml.SafeLoader("")

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        """A scalar's value; a value its tag cannot have (``!!int abc``, ``!!bool maybe``) is located."""
        digits = node.value.lstrip("+-").replace("_", "")
        if node.tag == INT_TAG and len(digits) > MAX_NUMBER_DIGITS:
            raise SourceError(
                _location(self.file, node), path, f"a number of {len(digits)} digits is not a valid setting"
            )
        try:
            return self._scalars.construct_object(node)
        except yaml.constructor.ConstructorError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            raise SourceError(
                _location(self.file, node),
                path,
                f"{shown!r} is not a valid {_short_tag(node.tag)} value; remove the tag or fix the value",
            ) from None

    def build(self, node: yaml.Node, path: Path) -> Any:
        if len(path) > MAX_DEPTH:
            raise SourceError(_location(self.file, node), path[:MAX_DEPTH], TOO_DEEP)
        self.budget -= 1
        if self.budget < 0:
            raise SourceError(
                _location(self.file, node),
                path,
                "YAML aliases expand to too many values; write the repeated settings once in "
                "`defaults` instead of nesting anchors",
            )
        self.source.values[path] = _location(self.file, node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self._active:
            raise SourceError(_location(self.file, node), path, "a YAML alias refers to its own anchor")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        raise SourceError(_location(self.file, node), path, "unsupported YAML node")

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_location = _location(self.file, key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError(
                    key_location,
                    path,
                    "YAML merge keys (<<) are not supported; put shared settings in `defaults`",
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(key_location, path, "mapping keys must be plain strings")
            key = key_node.value
            if key in result:
                first = self.source.keys[(*path, key)]
                raise SourceError(
                    key_location,
                    (*path, key),
                    f"duplicate key {key!r} (first written at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
            self.source.keys[(*path, key)] = key_location
            result[key] = self.build(value_node, (*path, key))
        return result


def _count_nodes(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return len(seen)


TOO_DEEP = f"the document nests deeper than {MAX_DEPTH} levels, which no policy needs"


def _too_deep(text: str, file: str) -> Location:
    """Where nesting first passes :data:`MAX_DEPTH`, found with PyYAML's event parser (not recursive)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return Location(file, mark.line + 1, mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return Location(file, 1, 1)


MAX_INDENT = 8 * MAX_DEPTH
FLOW_OPENERS = "[{"
FLOW_CLOSERS = "]}"
TOKEN_STARTS = " \t\n:,-?[{"


def _nesting_problem(text: str, file: str) -> Location | None:
    """Where the text nests deeper than :data:`MAX_DEPTH`, found in one linear pass before PyYAML sees it.

    PyYAML's scanner is quadratic in the depth of flow collections (``[[[[...``) and its composer is
    recursive: a deeply nested document would hang or overflow the stack. This pass counts flow
    collections (skipping quoted scalars and comments) and measures block indentation.
    """
    depth = 0
    line, line_start = 1, 0
    previous = "\n"  # the last character that is not a space, or a newline at the start of a line
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line, line_start, previous = line + 1, index + 1, "\n"
            following = text[index + 1 : index + 2 + MAX_INDENT]
            if len(following) - len(following.lstrip(" ")) > MAX_INDENT:
                return Location(file, line, 1)
        elif char in " \t":
            pass
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char in "'\"" and previous in TOKEN_STARTS:
            index = _end_of_quoted(text, index)
            previous = char
            continue
        else:
            if char in FLOW_OPENERS and (depth > 0 or previous in TOKEN_STARTS):
                depth += 1
                if depth > MAX_DEPTH:
                    return Location(file, line, index - line_start + 1)
            elif char in FLOW_CLOSERS and depth > 0:
                depth -= 1
            previous = char
        index += 1
    return None


def _end_of_quoted(text: str, start: int) -> int:
    """The index after a quoted scalar starting at ``start`` (``''`` escapes a single quote, a backslash
    the next character in double quotes).
    """
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text.startswith("''", index):
                index += 2
                continue
            return index + 1
        index += 1
    return index


def parse(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain data and its source map.

    Raises :class:`SourceError` for syntax errors, several documents, duplicate keys, merge keys and
    alias expansion beyond a budget proportional to the document's size.
    """
    too_deep = _nesting_problem(text, file)
    if too_deep is not None:
        raise SourceError(too_deep, (), TOO_DEEP)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:
        # Characters YAML forbids (NUL, BEL, other controls): located at the character itself.
        before = text[: error.position]
        line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
        raise SourceError(
            Location(file, line, column),
            (),
            f"invalid YAML: control character U+{error.character:04X} is not allowed in a policy"
            if isinstance(error.character, int)
            else "invalid YAML: a character is not allowed here",
        ) from None
    except RecursionError:
        raise SourceError(_too_deep(text, file), (), TOO_DEEP) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise SourceError(Location(file, line, column), (), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise SourceError(Location(file, 1, 1), (), f"invalid YAML: {error}") from None
    if root is None:
        raise SourceError(Location(file, 1, 1), (), "the policy file is empty")
    budget = max(EXPANSION_FLOOR, EXPANSION_FACTOR * _count_nodes(root))
    builder = _Builder(file, budget)
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise SourceError(_too_deep(text, file), (), TOO_DEEP) from None
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        location = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        raise SourceError(location, (), f"invalid YAML value: {error.problem}") from None
    return data, builder.source
