"""Policy YAML written by `repoconf import`: block style, keys in the order given, text as it is."""

from __future__ import annotations

from typing import Any

import yaml

LINE_BREAKS = ("\x85", "\u2028", "\u2029")
r"""Characters YAML reads as line breaks: in a plain or single-quoted scalar PyYAML writes them raw, and a
reader folds them into a space (a variable's ``a\x85b`` came back ``a b``); double-quoted, they are
escaped (``\N``, ``\L``, ``\P``) and come back exactly."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with strings holding a YAML line break written double-quoted."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(char in value for char in LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump_yaml(document: Any) -> str:
    """The document as block-style YAML, keys in insertion order, Unicode kept (values holding a YAML
    line break double-quoted, so that they read back exactly).
    """
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)
