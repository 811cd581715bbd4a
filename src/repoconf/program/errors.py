"""Errors the program reports before declaring GitHub resources, located in the policy file."""

from __future__ import annotations

from repoconf.errors import DiagnosticError, RepoconfError


class ProgramError(DiagnosticError):
    """The policy cannot be deployed as it stands (a secret without a value, an unknown reviewer)."""


class StackConfigError(RepoconfError):
    """A stack config value the program cannot use (a wrong type, an unencrypted private key)."""
