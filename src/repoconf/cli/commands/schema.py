"""`repoconf schema`: the policy's JSON Schema."""

from __future__ import annotations

import json

from repoconf.errors import ExitCode
from repoconf.policy.schema import policy_schema


def schema_command() -> ExitCode:
    """Print the schema."""
    print(json.dumps(policy_schema(), indent=2, ensure_ascii=False))
    return ExitCode.OK
