"""The packaged policy template: the seed's release process, what `repoconf init` writes.

It exists once, as package data; the repository's ``config/policy.yaml`` starts as a copy of it and is
the user's to edit (tests use this template and their own fixtures, never that file).
"""

from __future__ import annotations

import re
from importlib import resources

TEMPLATE_OWNER = "acme"
TEMPLATE_REPOSITORY = "widgets"


def template_text() -> str:
    """The template's text, comments kept."""
    return resources.files("repoconf.policy").joinpath("template.yaml").read_text(encoding="utf-8")


def starter_policy(owner: str, repository: str) -> str:
    """The template with ``owner`` and its first repository replaced."""
    text = re.sub(
        rf"^owner: {TEMPLATE_OWNER} ", f"owner: {owner} ", template_text(), count=1, flags=re.MULTILINE
    )
    return re.sub(
        rf"^  {TEMPLATE_REPOSITORY}: \{{\}}", f"  {repository}: {{}}", text, count=1, flags=re.MULTILINE
    )
