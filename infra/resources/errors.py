"""Errors the program reports before declaring GitHub resources, located in the policy file."""

from __future__ import annotations


class ProgramError(Exception):
    """The policy cannot be deployed as it stands; one line per problem, no traceback wanted."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
