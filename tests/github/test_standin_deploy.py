"""``FakeGitHub.deploy()`` ("as `pulumi up` would leave it", the starting state of most tests) held to
the policy it is given.

tests/data/every_option.yaml sets every option of a repository's settings otherwise than its default,
somewhere; the first test holds it to that (a field added to the policy model later fails it until the
policy sets it), the second audits what deploy() leaves for it: compliant, with either token.
tests/github/test_provider_emulator.py holds the same state to what the provider's own calls leave.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from repoconf.audit.run import audit
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import load
from standin.github import FakeGitHub
from tests.conftest import DATA

EVERY_OPTION = DATA / "every_option.yaml"
WRITE = "ghp_standin_deploy_writer_0000000001"
READ = "ghp_standin_deploy_reader_0000000002"


def _held(value: object) -> list[BaseModel]:
    """The models a field's value holds: itself, or the items of a mapping or a tuple."""
    if isinstance(value, BaseModel):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else ()
    return [item for item in items if isinstance(item, BaseModel)]


def _options(model: BaseModel) -> Iterator[tuple[str, bool]]:
    """(``Model.field``, whether it is set otherwise than its default) for every optional field of this
    model and of every model it holds.
    """
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if not info.is_required():
            yield f"{type(model).__name__}.{name}", value != info.get_default(call_default_factory=True)
        for held in _held(value):
            yield from _options(held)


def test_the_reference_policy_sets_every_option() -> None:
    changed: dict[str, bool] = {}
    for settings in load(EVERY_OPTION).policy.repositories.values():
        for option, set_here in _options(settings):
            changed[option] = changed.get(option, False) or set_here
    assert "BranchRule.require_last_push_approval" in changed  # the walk reaches the nested models
    assert sorted(option for option, set_somewhere in changed.items() if not set_somewhere) == []


@pytest.mark.parametrize("token", [WRITE, READ], ids=["writer", "reader"])
def test_deploy_leaves_every_option_compliant(token: str) -> None:
    policy = load(EVERY_OPTION).policy
    fake = FakeGitHub(policy.owner, token=WRITE, read_token=READ)
    fake.start()
    try:
        for name, settings in policy.repositories.items():
            fake.deploy(name, settings)
        with GitHub(fake.base, token, timeout=5.0, retry=RetryPolicy(attempts=1, backoff=0.0)) as client:
            report = audit(client, policy, workers=1)
    finally:
        fake.stop()
    assert [(r.name, r.findings, r.error) for r in report.repositories] == [
        (name, [], None) for name in policy.repositories
    ]
    unverified = {(r.name, path) for r in report.repositories for path in r.unverified}
    # A read-only token cannot see bypass actors ("only returned if the user ... has write access"): who
    # may bypass the branch and tag rulesets stays unverified, as the audit documents; nothing else may.
    hidden = {
        ("everything", "branches.main.enforce_admins"),
        ("everything", "release_tags.bypass_actors"),
        ("everything", "release_tags.created_by"),
    }
    assert unverified == (set() if token == WRITE else hidden)
