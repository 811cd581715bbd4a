"""Errors the program reports before declaring GitHub resources, located in the policy file."""

from __future__ import annotations

from repoconf.errors import DiagnosticError


class ProgramError(DiagnosticError):
    """The policy cannot be deployed as it stands (a secret without a value, an unknown reviewer)."""
