"""`repoconf schema`: the policy's JSON Schema."""

from __future__ import annotations

import argparse
import json

from infra.policy.schema import policy_schema


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``schema`` sub-command."""
    parser = commands.add_parser("schema", help="print the policy's JSON Schema")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    print(json.dumps(policy_schema(), indent=2, ensure_ascii=False))
    return 0
