"""What every live view shares: the response model base and the "unverified" marker.

GitHub's answers are validated at the boundary with pydantic models of the fields repoconf reads,
tolerant of every other field (GitHub adds fields without notice). A value GitHub does not show this
token (``bypass_actors`` without write access to the ruleset; ``can_admins_bypass``, which the REST
description does not document and GitHub Enterprise Server may not send) is :data:`UNVERIFIED`: the
audit reports it as unverified, never as drift and never as evidence of compliance.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class LiveModel(BaseModel):
    """A GitHub response object: the fields repoconf reads, every other field ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Unverified:
    """The marker of a setting this token cannot see (one instance, :data:`UNVERIFIED`)."""

    def __repr__(self) -> str:
        return "unverified"


UNVERIFIED = Unverified()


def plain(value: Any) -> Any:
    """A view with :data:`UNVERIFIED` spelled ``"unverified"``, for JSON and text output."""
    if isinstance(value, Unverified):
        return "unverified"
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
