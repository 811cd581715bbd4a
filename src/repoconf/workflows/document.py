r"""Generated workflows as data: emitted by a YAML library, read back and compared before anyone sees them.

No generated file is pasted together from strings: a value from the policy (a tag pattern with a ``"``,
a ``#`` or a ``\``) would change the document's meaning. A workflow is built as plain mappings and
lists; :func:`emit` writes it with ruamel.yaml (which can write the comments a reader needs: the tag
beside each pinned SHA, a header), then reads the text back twice — as YAML 1.2 (ruamel) and as YAML 1.1
(PyYAML, where ``yes`` and ``0o7`` are not strings) — and refuses to return it unless both readings equal
what was meant. Strings that YAML 1.1 would read as something else are single-quoted, so the file means
the same to every reader. Step scripts are literal block scalars (``run: |``), executed as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

from repoconf.errors import ExitCode, RepoconfError
from repoconf.workflows.pins import pin


@dataclass(frozen=True)
class Commented:
    """A value written with an end-of-line comment (e.g. the tag of a pinned SHA)."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Script:
    """A multi-line script, written as a literal block scalar so the runner executes it as is."""

    text: str


def uses(pinned: str) -> Commented:
    """``uses: owner/name@SHA  # vX.Y.Z`` from a row of :mod:`repoconf.workflows.pins`."""
    parts = pin(pinned)
    return Commented(parts.uses, parts.tag)


class UnfaithfulYaml(RepoconfError):
    """The emitted text does not read back as the workflow meant: a bug, nothing is printed."""

    exit_code = ExitCode.BUG


def meant(value: Any) -> Any:
    """The plain data a document stands for (comments and styles removed)."""
    if isinstance(value, Commented):
        return meant(value.value)
    if isinstance(value, Script):
        return value.text
    if isinstance(value, dict):
        return {key: meant(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [meant(item) for item in value]
    return value


_RESOLVER = yaml.resolver.Resolver()


def _string(text: str) -> str:
    """A plain scalar where YAML 1.1 and 1.2 both read a string back; single-quoted otherwise."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag != "tag:yaml.org,2002:str":
        quoted: str = SingleQuotedScalarString(text)
        return quoted
    return text


def _node(value: Any, top_level_key: bool = False) -> Any:
    if isinstance(value, Script):
        if "\t" in value.text or any(line != line.rstrip() for line in value.text.splitlines()):
            raise ValueError("a script cannot be a literal block with tabs or trailing spaces")
        return LiteralScalarString(value.text)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            # `on` stays a plain key as every workflow writes it: GitHub reads it as the string "on"
            # (PyYAML's True is mapped back in the comparison).
            name = key if (top_level_key and key == "on") else _string(key)
            inner = item.value if isinstance(item, Commented) else item
            mapping[name] = _node(inner)
            if isinstance(item, Commented):
                if "\n" in item.comment:
                    raise ValueError("a comment is one line")
                mapping.yaml_add_eol_comment(item.comment, name)
        return mapping
    if isinstance(value, list | tuple):
        return CommentedSeq(_node(item) for item in value)
    if isinstance(value, str):
        return _string(value)
    return value


def _differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}.{key}" for key in expected.keys() ^ actual.keys()]
        for key in expected.keys() & actual.keys():
            found += _differences(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (one, other) in enumerate(zip(expected, actual, strict=True)):
            found += _differences(one, other, f"{path}[{index}]")
        return found
    same = type(expected) is type(actual) and expected == actual
    return [] if same else [path or "(document)"]


def emit(document: dict[str, Any], header: str) -> str:
    """The document's YAML text, headed by ``header`` as comments; raises :class:`UnfaithfulYaml` when
    either reading of the text differs from the document.
    """
    root = _node(document, top_level_key=True)
    if header:
        root.yaml_set_start_comment(header)
    writer = YAML()
    writer.width = 4096  # never fold a long expression or pattern
    writer.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    writer.dump(root, buffer)
    text = buffer.getvalue()
    expected = meant(document)
    as_12 = YAML(typ="safe", pure=True).load(text)
    as_11 = yaml.safe_load(text)
    if isinstance(as_11, dict) and True in as_11 and "on" in expected:
        as_11 = {("on" if key is True else key): item for key, item in as_11.items()}
    problems = _differences(expected, as_12) + _differences(expected, as_11)
    if problems:
        raise UnfaithfulYaml(
            f"the generated YAML does not read back as generated at {problems[0].lstrip('.')}: "
            "nothing was printed; this is a bug in repoconf, please report it"
        )
    return text
