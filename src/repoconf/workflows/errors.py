"""The error every generated workflow raises when the policy makes it impossible."""

from __future__ import annotations

from repoconf.errors import DiagnosticError


class WorkflowError(DiagnosticError):
    """The policy makes a workflow impossible; one located diagnostic per problem."""
