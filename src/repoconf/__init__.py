"""repoconf: GitHub repository settings for a gated Python release process, as code.

The public API is what the CLI and the Pulumi stack are built from: load a policy, check it, and the
error types every layer raises. Heavier parts (the Pulumi program, the audit, GitHub transport) are
imported from their modules so that importing ``repoconf`` stays cheap.
"""

from repoconf.errors import (
    Diagnostic,
    DiagnosticError,
    ExitCode,
    Location,
    RepoconfError,
    Severity,
    UsageError,
)
from repoconf.policy.checks import run_checks
from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.loader import LoadedPolicy, load, load_text
from repoconf.policy.model import Policy, RepositorySettings

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "ExitCode",
    "LoadedPolicy",
    "Location",
    "Policy",
    "PolicyError",
    "RepoconfError",
    "RepositorySettings",
    "Severity",
    "UsageError",
    "load",
    "load_text",
    "run_checks",
]
