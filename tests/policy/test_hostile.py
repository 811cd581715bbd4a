"""Hostile and malformed input: each kind gets one located error in policy words, never a traceback."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from repoconf.cli.main import main
from tests.conftest import TEMPLATE

HEAD = "version: 1\nowner: acme\nrepositories:\n  w:\n"
PYDANTIC_WORDS = ("tuple", "instance of", "constrained", "Input should", "String should", "[key]")

CASES = [
    (
        "tagged int",
        HEAD + "    environments: {qa: {wait_timer: !!int abc}}\n",
        "p.yaml:5:37: error: repositories.w.environments.qa.wait_timer: 'abc' is not a valid !!int value; "
        "remove the tag or fix the value",
    ),
    (
        "tagged float",
        HEAD + "    environments: {qa: {wait_timer: !!float abc}}\n",
        "p.yaml:5:37: error: repositories.w.environments.qa.wait_timer: 'abc' is not a valid !!float value; "
        "remove the tag or fix the value",
    ),
    (
        "tagged timestamp",
        HEAD + "    environments: {qa: {wait_timer: !!timestamp abc}}\n",
        "p.yaml:5:37: error: repositories.w.environments.qa.wait_timer: 'abc' is not a valid !!timestamp "
        "value; remove the tag or fix the value",
    ),
    (
        "tagged bool",
        HEAD + "    environments: {qa: {protect: !!bool maybe}}\n",
        "p.yaml:5:34: error: repositories.w.environments.qa.protect: 'maybe' is not a valid !!bool value; "
        "remove the tag or fix the value",
    ),
    (
        "6,000 digits",
        HEAD + "    environments: {qa: {wait_timer: " + "1" * 6000 + "}}\n",
        "p.yaml:5:37: error: repositories.w.environments.qa.wait_timer: a number of 6000 digits is not a "
        "valid setting",
    ),
    (
        "deep nesting",
        HEAD + "    variables: {A: " + "[" * 1000 + "]" * 1000 + "}\n",
        "p.yaml:5:51: error: the document nests deeper than 32 levels, which no policy needs",
    ),
    (
        "NUL on line 2",
        "version: 1\nowner: a\x00cme\n",
        "p.yaml:2:9: error: invalid YAML: control character U+0000 is not allowed in a policy",
    ),
    (
        "BEL",
        "version: 1\nowner: acme\x07\n",
        "p.yaml:2:12: error: invalid YAML: control character U+0007 is not allowed in a policy",
    ),
    (
        "secret name with a newline",
        HEAD + '    secrets: {"PYPI_TOKEN\\n": {env: X}}\n',
        "p.yaml:5:15: error: repositories.w.secrets.PYPI_TOKEN\\x0a: invalid name 'PYPI_TOKEN\\n': use "
        "letters, digits and underscores, not starting with a digit",
    ),
    (
        "repository .",
        "version: 1\nowner: acme\nrepositories:\n  '.': {}\n",
        "p.yaml:4:3: error: repositories..: invalid name '.': '.' is not a repository name GitHub accepts",
    ),
    (
        "repository ..",
        "version: 1\nowner: acme\nrepositories:\n  '..': {}\n",
        "p.yaml:4:3: error: repositories...: invalid name '..': '..' is not a repository name GitHub accepts",
    ),
    (
        "owner ending in -",
        "version: 1\nowner: acme-\nrepositories:\n  w: {}\n",
        "p.yaml:2:8: error: owner: a GitHub login has 1–39 letters, digits or single hyphens, and neither "
        "starts nor ends with a hyphen",
    ),
    (
        "empty branch pattern",
        HEAD + "    branches: {'': {}}\n",
        "p.yaml:5:16: error: repositories.w.branches.: invalid name '': a pattern cannot be empty",
    ),
    (
        "empty tag pattern",
        HEAD + "    environments: {qa: {deployment_refs: {tags: ['']}}}\n",
        "p.yaml:5:50: error: repositories.w.environments.qa.deployment_refs.tags[0]: a pattern cannot be "
        "empty",
    ),
    (
        "environment with a newline",
        HEAD + '    environments: {"qa\\nprod": {}}\n',
        "p.yaml:5:20: error: repositories.w.environments.qa\\x0aprod: invalid name 'qa\\nprod': an "
        "environment name cannot contain control characters (newlines, escape sequences)",
    ),
    (
        "environment with ANSI",
        HEAD + '    environments: {"\\e[31mqa": {}}\n',
        "p.yaml:5:20: error: repositories.w.environments.\\x1b[31mqa: invalid name '\\x1b[31mqa': an "
        "environment name cannot contain control characters (newlines, escape sequences)",
    ),
    (
        "duplicate reviewers",
        HEAD + "    environments: {qa: {reviewers: {teams: [ops, OPS]}}}\n",
        "p.yaml:5:36: error: repositories.w.environments.qa.reviewers: team 'OPS' is listed twice (GitHub "
        "compares names case-insensitively)",
    ),
    (
        "both sources",
        HEAD + "    secrets: {A: {env: X, config: y}}\n",
        "p.yaml:5:27: error: repositories.w.secrets.A.config: a secret has one source: `{config: KEY}` or "
        "`{env: VAR}`, not both",
    ),
    (
        "misspelt check field",
        HEAD + "    branches: {main: {required_status_checks: [{contxt: A}]}}\n",
        "p.yaml:5:49: error: repositories.w.branches.main.required_status_checks[0].contxt: unknown key "
        "'contxt'; did you mean 'context'? (expected one of: app_id, context)",
    ),
    (
        "checks not a list",
        HEAD + "    branches: {main: {required_status_checks: 5}}\n",
        "p.yaml:5:47: error: repositories.w.branches.main.required_status_checks: expected a list, e.g. "
        "`[a, b]`",
    ),
    (
        "rule not a mapping",
        HEAD + "    branches: {main: 5}\n",
        "p.yaml:5:22: error: repositories.w.branches.main: expected a mapping of `key: value`",
    ),
    (
        "check of the wrong kind",
        HEAD + "    branches: {main: {required_status_checks: [5]}}\n",
        "p.yaml:5:48: error: repositories.w.branches.main.required_status_checks[0]: a required status check "
        "is a name (`Unit Tests`) or `{context: NAME, app_id: ID}`",
    ),
    (
        "token-shaped config key",
        HEAD + "    secrets: {A: {config: pypi-AgEIcHlwaS5vcmcCJGFiY2RlZi0xMjM0}}\n",
        "p.yaml:5:27: error: repositories.w.secrets.A.config: this config key looks like a credential itself "
        "(not shown): put the value in the stack's secret config or the environment, and write only its name "
        "here",
    ),
    (
        "token-shaped env var",
        HEAD + "    secrets: {A: {env: ghp_abcdefghijklmnopqrstuvwxyz0123}}\n",
        "p.yaml:5:24: error: repositories.w.secrets.A.env: this environment variable name looks like a "
        "credential itself (not shown): put the value in the stack's secret config or the environment, and "
        "write only its name here",
    ),
    (
        "token-shaped secret name",
        HEAD + "    secrets: {pypi-AgEIcHlwaS5vcmcCJGFiY2RlZi0xMjM0: {env: X}}\n",
        "p.yaml:5:15: error: repositories.w.secrets.[credential-shaped name]: invalid name (a "
        "credential-shaped name, not shown): this looks like a credential, not a name (not shown): never put "
        "a value in the policy",
    ),
    (
        "a pattern too long",
        HEAD + "    branches: {" + "b" * 256 + ": {}}\n",
        "p.yaml:5:16: error: repositories.w.branches."
        + "b" * 256
        + ": invalid name '"
        + "b" * 256
        + "': a pattern is at most 255 characters (this one has 256)",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_error_case_table(
    case: str, text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(text, encoding="utf-8")
    code = main(["validate", str(policy)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == f"{tmp_path}/{expected}", case
    assert lines[1:] == [f"{policy}: invalid: 1 error(s)"]  # one error per mistake
    assert "pypi-AgEI" not in err
    assert "ghp_abcdef" not in err
    assert not [word for word in PYDANTIC_WORDS if word in err], err


def test_a_latin_1_byte_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_bytes(b"version: 1\nowner: acme\nrepositories:\n  w: {variables: {A: caf\xe9}}\n")
    assert main(["validate", str(policy)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{policy}:4:25: error: not UTF-8 text: byte 0xe9 cannot start or continue a character; save the "
        "file as UTF-8"
    )


def test_an_endless_file_is_refused_without_reading_it_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/dev/zero"]) == 2
    assert "larger than 4 MiB, which no policy is" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["/proc", "/proc/self/mem-does-not-exist/p.yaml"])
def test_unreadable_paths_are_located_errors(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:1:1: error: ")
    assert "Traceback" not in err


def test_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEMPLATE.read_bytes())))
    assert main(["validate", "-"]) == 0
    assert capsys.readouterr().out == "-: valid: 1 repositories, 0 warning(s)\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"version: 2\n")))
    assert main(["render", "-"]) == 2
    assert "<stdin>:1:10: error: version: expected 1" in capsys.readouterr().err
