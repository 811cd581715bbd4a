"""Names repoconf gives things on GitHub, read back by the audit and `import`.

Rulesets created by repoconf are named ``repoconf branch <pattern>``, ``repoconf release tags`` (SPEC
§4) and ``repoconf release tag creation``, so the audit and a human can tell them from hand-made ones.
The program writes these names and the audit recognises them: the convention lives here, below both.
"""

from __future__ import annotations

BRANCH_RULESET_PREFIX = "repoconf branch "
RELEASE_TAG_RULESET = "repoconf release tags"
RELEASE_TAG_CREATION_RULESET = "repoconf release tag creation"


def branch_ruleset_title(pattern: str) -> str:
    """The branch ruleset's name on GitHub."""
    return f"{BRANCH_RULESET_PREFIX}{pattern}"


def branch_pattern_of(ruleset_name: str) -> str | None:
    """The branch pattern of a ruleset repoconf created, or None for any other ruleset name."""
    if ruleset_name.startswith(BRANCH_RULESET_PREFIX):
        return ruleset_name.removeprefix(BRANCH_RULESET_PREFIX)
    return None
