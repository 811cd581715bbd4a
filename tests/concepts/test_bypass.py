"""Bypass actors compared when the token cannot name every team: drift where it is certain, unverified
only where an unnamed team may be a declared one."""

from __future__ import annotations

import pytest

from repoconf.concepts.bypass import read_actors, same_actors
from repoconf.concepts.live import UNVERIFIED


def test_a_team_without_a_name_keeps_its_id() -> None:
    actors = [
        {"actor_id": 7, "actor_type": "Team"},
        {"actor_id": 8, "actor_type": "Team", "bypass_mode": "pull_request"},
    ]
    assert read_actors(actors, lambda team_id: "qa" if team_id == 7 else None) == [
        "team:#8 (pull_request)",
        "team:qa",
    ]
    assert read_actors(None, lambda team_id: None) is UNVERIFIED


@pytest.mark.parametrize(
    ("declared", "live", "verdict"),
    [
        ([], [], True),
        (["team:Release-Managers"], ["team:release-managers"], True),
        (["team:qa"], ["team:ops"], False),
        ([], ["team:#9"], False),  # no team is allowed: any team is drift
        (["role:admin"], ["team:#9"], False),  # the admin role is gone, whatever team 9 is
        (["team:qa"], ["team:qa", "team:#9"], False),  # qa is there by name: 9 is an addition
        (["team:qa"], ["team:#9"], UNVERIFIED),  # 9 may be qa
        (["team:qa", "team:ops"], ["team:#9", "team:#10"], UNVERIFIED),
        (["team:qa"], ["team:#9", "team:#10"], False),  # two teams where one is declared
        (["team:qa"], ["team:#9", "role:write"], False),  # role:write is allowed by nobody
        (["team:qa", "team:ops"], ["team:#9"], False),  # one team where two are declared
        (["team:qa"], ["team:#9 (pull_request)"], False),  # a declared team bypasses always
        (["team:qa", "role:admin"], ["role:admin", "team:#9 (exempt)"], False),
        (["team:qa", "role:admin"], ["role:admin", "team:#9"], UNVERIFIED),
        (["team:qa"], ["team:qa", "team:qa"], False),  # GitHub lists an actor once
    ],
)
def test_same_actors(declared: list[str], live: list[str], verdict: object) -> None:
    assert same_actors(declared, live) == verdict
