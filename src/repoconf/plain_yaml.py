"""YAML that someone else wrote, read as GitHub Actions reads it, within a budget.

A managed repository's workflow files (and a project's ``Pulumi.yaml``) are written by people repoconf
does not trust. PyYAML's ``safe_load`` would expand an alias bomb without bound, recurse until the stack
overflows on deep nesting, turn ``2024-02-30`` into a date (and fail on it) and a 5,000-digit integer into
a Python ``int`` (and fail on it): YAML 1.1 as PyYAML reads it is not what GitHub reads.

GitHub parses workflows as YAML 1.2 with the core schema (actions/languageservices,
``workflow-parser/src/workflows/yaml-object-reader.ts``, at 4043eda: the ``yaml`` package's
``parseDocument``, no custom tags, anchors and aliases resolved). So here, as there:

- a plain scalar is ``null`` (``~``, ``null``, empty), a boolean (``true``/``false`` in three spellings),
  a number (decimal, ``0o``/``0x`` integers, floats, ``.inf``, ``.nan``) or else a string; dates, ``yes``,
  ``on`` and ``off`` are strings; a number is a double (JavaScript's number), never an unbounded integer;
- quoted scalars and scalars with any other tag are strings; mapping keys are strings;
- anchors and aliases work (GitHub Actions reads them since 2025-09-18), but each alias is charged the
  full size of what it repeats.

Bounds (refused with :class:`YamlRefused`): nesting deeper than ``max_depth``; more than ``max_nodes``
values or ``max_chars`` characters of scalars once aliases are expanded (an alias is not copied: the same
object is shared, so memory stays that of the text); a key that is not a scalar; a duplicate key (GitHub
refuses those too); a second document. Text that is not YAML at all raises :class:`YamlSyntaxError`.
The event parser (LibYAML's when PyYAML has it) is iterative and stops at the first bound passed, so
nothing here recurses or runs longer than one pass over the text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

MAX_DEPTH = 64
MAX_NODES = 250_000
MAX_CHARS = 8 << 20
CORE = "tag:yaml.org,2002:"

_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""LibYAML's parser when PyYAML was built with it (many times faster), else PyYAML's own."""


class YamlSyntaxError(Exception):
    """Not YAML: the parser's own message, with a 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"invalid YAML at line {line}, column {column}: {message}")
        self.line = line
        self.column = column


class YamlRefused(Exception):
    """YAML past a bound (or with a duplicate key, a key that is not a scalar...): ``reason`` says which."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason + (f" (line {line})" if line else ""))
        self.reason = str(self)


def _number(text: str) -> float:
    """A YAML 1.2 core number as the double JavaScript makes of it (huge ones become infinite)."""
    if _OCTAL.fullmatch(text) or _HEX.fullmatch(text):
        value = int(text[2:], 8 if text[1] == "o" else 16)  # bases 8 and 16 have no digit limit
        try:
            return float(value)
        except OverflowError:
            return math.inf
    return float(text)


def resolve(text: str) -> Any:
    """The value of a plain scalar under YAML 1.2's core schema."""
    if _NULL.fullmatch(text):
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _DECIMAL.fullmatch(text) or _OCTAL.fullmatch(text) or _HEX.fullmatch(text) or _FLOAT.fullmatch(text):
        return _number(text)
    if _INFINITY.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag, text = event.tag, event.value
    if tag is None and event.implicit[0]:
        return resolve(text)
    if tag in (f"{CORE}null", f"{CORE}bool", f"{CORE}int", f"{CORE}float"):
        value = resolve(text)
        kinds = {
            f"{CORE}null": type(None),
            f"{CORE}bool": bool,
            f"{CORE}int": float,
            f"{CORE}float": float,
        }
        if type(value) is kinds[tag]:
            return value
    return text  # quoted, `!`, `!!str`, or a tag GitHub does not know: the text itself


def scalar_text(value: Any) -> str:
    """A scalar as GitHub shows it in a string (JavaScript's ``String(value)``): ``3.10`` is ``3.1``,
    ``true`` is ``true``, ``null`` is empty.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    """ECMAScript's Number::toString (the shortest digits that round-trip, as Python's ``repr``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = int(exponent) + len(digits)  # where the decimal point sits after the digits' first
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if point - 1 > 0 else '-'}{abs(point - 1)}"


@dataclass
class _Frame:
    container: list[Any] | dict[str, Any]
    anchor: str | None
    nodes: int
    chars: int
    key: str | None = None


class _Builder:
    def __init__(self, max_depth: int, max_nodes: int, max_chars: int) -> None:
        self.max_depth, self.max_nodes, self.max_chars = max_depth, max_nodes, max_chars
        self.nodes = 0
        self.chars = 0
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.root: Any = None
        self.documents = 0

    def charge(self, nodes: int, chars: int, line: int) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > self.max_nodes:
            raise YamlRefused(f"more than {self.max_nodes:,} values once its aliases are expanded", line)
        if self.chars > self.max_chars:
            raise YamlRefused(f"more than {self.max_chars:,} characters once its aliases are expanded", line)

    def add(self, value: Any, line: int, scalar: bool) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
        elif frame.key is None:
            if not scalar or value is None:
                raise YamlRefused("a mapping key that is not a string, number or boolean", line)
            key = scalar_text(value)
            if key in frame.container:
                raise YamlRefused(f"the duplicate key {key[:60]!r}", line)
            frame.key = key
        else:
            frame.container[frame.key] = value
            frame.key = None

    def event(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlRefused("more than one YAML document", line)
        elif isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
            self.charge(1, len(event.value), line)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1, len(event.value))
            self.add(value, line, scalar=True)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if len(self.stack) >= self.max_depth:
                raise YamlRefused(f"nested deeper than {self.max_depth} levels", line)
            self.charge(1, 0, line)
            container: list[Any] | dict[str, Any] = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            self.stack.append(_Frame(container, event.anchor, self.nodes, self.chars))
        elif isinstance(event, yaml.CollectionEndEvent):
            frame = self.stack.pop()
            if frame.anchor is not None:  # an alias repeats all it holds, aliases inside included
                self.anchors[frame.anchor] = (
                    frame.container,
                    self.nodes - frame.nodes + 1,
                    self.chars - frame.chars,
                )
            self.add(frame.container, line, scalar=False)
        elif isinstance(event, yaml.AliasEvent):
            anchored = self.anchors.get(event.anchor or "")
            if anchored is None:  # undefined, or its own anchor still open (a recursive alias)
                raise YamlRefused(f"an alias to no anchor defined before it (*{event.anchor})", line)
            value, nodes, chars = anchored
            self.charge(nodes, chars, line)
            self.add(value, line, scalar=not isinstance(value, list | dict))


def load(
    text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES, max_chars: int = MAX_CHARS
) -> Any:
    """The one document of ``text`` as plain data (None when empty); :class:`YamlSyntaxError` or
    :class:`YamlRefused` otherwise.
    """
    builder = _Builder(max_depth, max_nodes, max_chars)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.event(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "nesting depth" in str(error.problem):  # LibYAML's own limit (1,000 levels), met while scanning
            raise YamlRefused(
                f"nested deeper than {max_depth} levels", mark.line + 1 if mark else 0
            ) from None
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlSyntaxError(error.problem or error.context or "not YAML", line, column) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
        raise YamlSyntaxError("a character YAML does not allow", line, column) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error).splitlines()[0] if str(error) else "not YAML", 1, 1) from None
    return builder.root
