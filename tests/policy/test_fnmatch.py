"""The ref matcher against Ruby's ``File.fnmatch(pattern, name, File::FNM_PATHNAME)``, as GitHub uses it.

Every expected value below is what Ruby 3 printed for that case (``ruby -e 'p File.fnmatch(PATTERN, NAME,
File::FNM_PATHNAME)'``); where ``ruby`` is installed the suite asks it again, so the table cannot drift
from the real matcher.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from repoconf.policy.fnmatch import fnmatch_pathname, pattern_problem

RUBY_CASES = [
    ("main", "main", True),
    ("main", "main2", False),
    ("v*", "v1.2.3", True),
    ("v*", "v1.2.3-rc1", True),
    ("v*-rc*", "v1.2.3", False),
    ("v*-rc*", "v1.2.3-rc12", True),
    ("release/*", "release/1.0", True),
    ("release/*", "release/1/hotfix", False),
    ("release/**", "release/1/hotfix", False),
    ("release/**/*", "release/1/hotfix", True),
    ("release/**/*", "release/x", True),
    ("release/*/*", "release/1/hotfix", True),
    ("qa**/**/*", "qa-x/a/b", True),
    ("**/b", "b", True),
    ("**/b", "a/b", True),
    ("**/b", "a/.hidden/b", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("**", "a/b", False),
    ("*", ".hidden", False),
    (".*", ".hidden", True),
    ("[.]x", ".x", False),
    ("?x", ".x", False),
    ("v[0-9]*", "v1.0", True),
    ("v[0-9]*", "vx", False),
    ("v[!0-9]*", "vx", True),
    ("v[^0-9]*", "v1", False),
    ("V*", "v1", False),
    ("[]a]", "]", False),
    ("[]a]", "a", False),
    ("a[", "a[", False),
    ("a[b", "ab", False),
    ("\\*", "*", True),
    ("\\*", "x", False),
    ("a\\b", "ab", True),
    ("[a-c]z", "bz", True),
    ("[a-c]z", "dz", False),
    ("[a\\-c]z", "-z", True),
    ("?", "/", False),
    ("a?b", "a/b", False),
    ("*", "a/b", False),
    ("v[0-9].[0-9].[0-9]", "v1.2.3", True),
    ("v[0-9].[0-9].[0-9]", "v1.2.34", False),
    ("v[0-9].[0-9].[0-9][0-9]", "v1.2.34", True),
    ("v[0-9].[0-9].[0-9]-rc[0-9]", "v1.2.3-rc1", True),
    ("v[0-9].[0-9].[0-9]-rc[0-9]", "v1.2.3-rc12", False),
    ("feature/*", "feature/", True),
    ("feature/*", "feature", False),
    ("", "", True),
]


@pytest.mark.parametrize(("pattern", "name", "expected"), RUBY_CASES)
def test_matches_as_ruby_does(pattern: str, name: str, expected: bool) -> None:
    assert fnmatch_pathname(pattern, name) is expected


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed (apt-get install ruby)")
def test_the_table_is_rubys_own() -> None:
    script = (
        "require 'json'; JSON.parse(STDIN.read).each { |p, n| puts File.fnmatch(p, n, File::FNM_PATHNAME) }"
    )
    cases = [[pattern, name] for pattern, name, _ in RUBY_CASES]
    answer = subprocess.run(
        ["ruby", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    assert answer.stdout.split() == [str(expected).lower() for _, _, expected in RUBY_CASES]


def test_many_globstars_take_no_time() -> None:
    # a backtracking matcher needed minutes for this; dynamic programming needs milliseconds
    pattern = "**/" * 12 + "x"
    name = "/".join(["a"] * 24)
    start = time.perf_counter()
    assert fnmatch_pathname(pattern, name) is False
    assert fnmatch_pathname("*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 200) is False
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "a pattern cannot be empty"),
        ("v" * 256, "a pattern is at most 255 characters (this one has 256)"),
        ("a/" * 32 + "b", "a pattern has at most 32 `/`-separated segments"),
        ("v*\n", "a pattern cannot contain control characters"),
        ("release/*", None),
    ],
)
def test_pattern_limits(pattern: str, problem: str | None) -> None:
    assert pattern_problem(pattern) == problem
