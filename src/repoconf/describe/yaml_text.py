"""Policy YAML written by `repoconf import`: block style, keys in the order given, text as it is."""

from __future__ import annotations

from typing import Any

import yaml


def dump_yaml(document: Any) -> str:
    """The document as block-style YAML, keys in insertion order, Unicode kept."""
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)
