"""Every option and file read at the edge: a number that is not finite or not in range, a text file that
is not text, standard input closed, escape sequences in what is echoed back, a hostile managed repository
in an organisation-wide audit. Each ends in a one-line error (exit 2 before any request, or 3), never exit
70, a hang, a raw control character on the terminal, or a changed directory mode.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repoconf.cli.main import main
from repoconf.describe.policy import import_repository
from repoconf.github.client import GitHub
from repoconf.policy.loader import load, load_text
from standin.github import FakeGitHub
from tests.conftest import ROOT, TEMPLATE, TOKEN

CONTROL = ("\x1b", "\x07", "\x9b", "\u2028", "\u202e")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme", token=TOKEN)
    server.deploy("widgets", load(TEMPLATE).policy.repositories["widgets"])
    monkeypatch.setenv("GITHUB_API_URL", server.start())
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    yield server
    server.stop()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse: exit 2 with its message on stderr
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert code != 70, err
    assert "Traceback" not in err
    for char in CONTROL:
        assert char not in out + err, repr(char)
    return code, out, err


NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1", "0", "1e400", "١٠", "0x10", "", " ", "5e"]
OPTIONS = [
    ("--timeout", ["nan", "inf", "1e309", "-1", "0", "3601", "١٠", "", "0x10"]),
    ("--max-wait", ["nan", "inf", "-1", "1e309", "86401"]),
    ("--deadline", ["nan", "inf", "0", "-5", "1e309", "604801"]),
    ("--max-requests", ["0", "-1", "1.5", "nan", "1e3", "9" * 5000, "٣"]),
    ("--retries", ["0", "101", "nan", "1.0", "-3", "9" * 20]),
    ("--concurrency", ["0", "65", "-1", "nan", "9" * 5000]),
]


@pytest.mark.parametrize(
    ("option", "value"), [(option, value) for option, values in OPTIONS for value in values]
)
def test_numbers_out_of_range_are_usage_errors_before_any_request(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, option: str, value: str
) -> None:
    code, _, err = run(capsys, "audit", str(TEMPLATE), option, value)
    assert code == 2
    assert f"argument {option}: " in err
    assert "expected a " in err
    assert err.splitlines()[-1].startswith(f"repoconf audit: error: argument {option}: ")  # after usage
    assert served.requests == []


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--audit-exit", "nan"], "--audit-exit"),
        (["--audit-exit", "256"], "--audit-exit"),
        (["--audit-exit", "-1"], "--audit-exit"),
    ],
)
def test_drift_issue_numbers_are_checked(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path, argv: list[str], option: str
) -> None:
    report = tmp_path / "a.md"
    report.write_text("x")
    common = ["drift-issue", "--repository", "acme/widgets", "--audit-report", str(report)]
    code, _, err = run(capsys, *common, *argv, "--pulumi-outcome", "success", "--run-url", "u")
    assert code == 2
    assert f"argument {option}: " in err
    assert served.requests == []


@pytest.mark.parametrize("number", ["0", "-1", "2147483648", "nan", "1e3"])
def test_a_pull_request_number_is_checked(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path, number: str
) -> None:
    body = tmp_path / "b.md"
    body.write_text("x")
    argv = ["pr-comment", "--repository", "acme/widgets", "--pull-request", number, "--body-file", str(body)]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "argument --pull-request: " in err
    assert served.requests == []


def test_escape_sequences_in_arguments_never_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path
) -> None:
    evil = "\x1b]0;owned\x07\x1b[2J\u202e"
    for argv in (
        ["validate", str(TEMPLATE), evil],  # argparse echoes unrecognized arguments
        ["validate", str(tmp_path / evil)],  # a file that does not exist
        ["audit", str(TEMPLATE), "--timeout", evil],
        ["audit", str(TEMPLATE), "--repo", evil],
        ["audit", str(TEMPLATE), "--owner", evil],
        ["diff", f"git:{evil}:x", str(TEMPLATE)],
        ["import", f"acme/{evil}"],
        ["validate", str(TEMPLATE), "--repo-dir", str(tmp_path / evil)],
        ["audit", str(TEMPLATE), "--api-url", f"http://{evil}"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2, argv
        assert "\\x1b" in err, (argv, err)  # shown, escaped
    code, out, _ = run(capsys, "validate", str(TEMPLATE), "--explain-ref", f"refs/tags/{evil}")
    assert code == 0
    assert "deployments from refs/tags/\\x1b]0;owned\\x07" in out
    assert served.requests == []


def test_a_github_message_with_escapes_is_one_printable_line(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub
) -> None:
    served.fault(
        "/repos/acme/widgets$",
        status=404,
        body={"message": "Not Found\n\x1b[31mrepoconf: all good\x1b[0m\r\u2028\u202e"},
        times=5,
    )
    code, out, err = run(capsys, "import", "acme/widgets")
    assert code == 3
    assert err.count("\n") == 1
    served.faults.clear()
    served.fault(
        "/repos/acme/widgets/environments$",
        status=403,
        body={"message": "nope\n\x1b[2Jrepoconf: compliant"},
        times=5,
    )
    code, out, err = run(capsys, "audit", str(TEMPLATE))
    assert code == 3
    assert "\\x1b[2J" in out


@pytest.mark.parametrize("command", ["validate", "render", "diff"])
def test_standard_input_closed_is_a_usage_error(command: str) -> None:
    argv = [command, "-"] if command != "diff" else ["diff", "-", str(TEMPLATE)]
    finished = subprocess.run(
        [sys.executable, "-m", "repoconf.cli.main", *argv],
        stdin=None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(0),
    )
    assert finished.returncode == 2, finished.stderr
    assert "<stdin>:1:1: error: standard input is closed" in finished.stderr


def test_a_fifo_as_the_policy_is_never_waited_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "policy.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    code, _, err = run(capsys, "validate", str(fifo))
    assert time.monotonic() - start < 15
    assert code == 2
    assert f"{fifo}:1:1: error: " in err


# -- Pulumi.yaml and the stack settings (adopt --stack, audit --stack) --------------------------------


@pytest.fixture
def project(served: FakeGitHub, tmp_path: Path) -> Path:
    """A configuration repository: this repository's Pulumi.yaml and a stack loading the template."""
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (directory / "Pulumi.staging.yaml").write_text(f"config:\n  repoconf:policy: {TEMPLATE}\n")
    return directory


def adopt(capsys: pytest.CaptureFixture[str], directory: Path) -> tuple[int, str, str]:
    return run(capsys, "adopt", "acme/widgets", "--stack", "staging", "--project-dir", str(directory))


@pytest.mark.parametrize("name", ["2024-02-30", "2024-02-29", "123", "my.project_1"])
def test_the_project_name_is_read_as_pulumi_reads_it(
    capsys: pytest.CaptureFixture[str], project: Path, name: str
) -> None:
    # YAML 1.2, as Pulumi reads it: a date or a number is the text written
    text = (project / "Pulumi.yaml").read_text()
    (project / "Pulumi.yaml").write_text(re.sub(r"(?m)^name: .*$", f"name: {name}", text))
    (project / "Pulumi.staging.yaml").write_text(f"config:\n  '{name}:policy': {TEMPLATE}\n")
    code, out, err = adopt(capsys, project)
    assert code == 0, err
    assert (
        json.loads(out)["nameTable"]["github"]
        == f"urn:pulumi:staging::{name}::pulumi:providers:github::github"
    )


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("Pulumi.yaml", b"name: caf\xe9\n", "Pulumi.yaml:1:10: not UTF-8 text (byte 0xe9)"),
        ("Pulumi.yaml", b"name: [a, b]\n", "Pulumi.yaml:1:7: name: expected a single value"),
        ("Pulumi.yaml", b"name: has space\n", "a project name has only letters"),
        ("Pulumi.yaml", b"name: " + b"[" * 5000 + b"]" * 5000 + b"\n", "Pulumi.yaml: nested deeper than"),
        ("Pulumi.staging.yaml", b"config: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested deeper than"),
        (
            "Pulumi.staging.yaml",
            b"config: {a: \xff}\n",
            "Pulumi.staging.yaml:1:13: not UTF-8 text (byte 0xff)",
        ),
    ],
)
def test_a_settings_file_that_is_not_usable_is_a_located_usage_error(
    capsys: pytest.CaptureFixture[str], project: Path, file: str, content: bytes, message: str
) -> None:
    (project / file).write_bytes(content)
    code, _, err = adopt(capsys, project)
    assert code == 2
    assert message in err


@pytest.mark.parametrize("kind", ["a FIFO", "/dev/zero", "a directory"])
@pytest.mark.parametrize("file", ["Pulumi.yaml", "Pulumi.staging.yaml"])
def test_a_settings_file_that_is_no_file_is_refused_without_waiting(
    capsys: pytest.CaptureFixture[str], project: Path, file: str, kind: str
) -> None:
    target = project / file
    target.unlink()
    if kind == "a FIFO":
        os.mkfifo(target)
    elif kind == "/dev/zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    start = time.monotonic()
    code, _, err = adopt(capsys, project)
    assert time.monotonic() - start < 15
    assert code == 2
    assert f"{target}" in err


# -- import round-trips values exactly -----------------------------------------------------------------

SEPARATORS = ["\x85", "\u2028", "\u2029", "\r", "\r\n", "\n", "\x0b", "\x0c", "\t", "\x1b[31m", "\ufeff"]


@pytest.mark.parametrize("separator", SEPARATORS, ids=[repr(s) for s in SEPARATORS])
def test_import_keeps_line_separators_in_values(fake: FakeGitHub, github: GitHub, separator: str) -> None:
    value = f"a{separator}b {separator}"
    fake.repositories["widgets"].variables["ODD"] = value
    text = import_repository(github, "acme", "widgets")
    assert load_text(text, "imported.yaml").policy.repositories["widgets"].variables["ODD"] == value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20))
def test_import_round_trips_any_variable_value(fake: FakeGitHub, github: GitHub, value: str) -> None:
    fake.repositories["widgets"].variables["ANY"] = value
    text = import_repository(github, "acme", "widgets")
    assert load_text(text, "imported.yaml").policy.repositories["widgets"].variables["ANY"] == value


# -- one hostile managed repository in an organisation-wide audit ---------------------------------------

HOSTILE = {
    "branches: 5": "on:\n  pull_request:\n    branches: 5\njobs:\n  a: {name: Unit Tests}\n",
    "on: 2024-02-30": "on: 2024-02-30\njobs:\n  a: {name: Unit Tests}\n",
    "a matrix expanding through aliases": (
        "x: &v [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\non: pull_request\n"
        "jobs:\n  a:\n    strategy: {matrix: {a: *v, b: *v, c: *v}}\n"
    ),
    "billion laughs in a job name": "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    )
    + "\non: pull_request\njobs:\n  a: {name: *a9}\n",
    "include: 5": "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {include: 5}}\n",
    "5,000 digits": "on: pull_request\njobs:\n  a: {name: " + "9" * 5000 + "}\n",
    "deep nesting": "on: pull_request\njobs:\n  a: {name: " + "[" * 20_000 + "]" * 20_000 + "}\n",
    "13.5 MB": "#" * 13_500_000 + "\n",
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_one_hostile_repository_never_stops_the_organisation_audit(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path, case: str
) -> None:
    settings_ = load(TEMPLATE).policy.repositories["widgets"]
    served.deploy("gizmos", settings_)
    served.deploy("gadgets", settings_)
    text = HOSTILE[case]
    served.repositories["gizmos"].files[".github/workflows/hostile.yml"] = text
    policy = tmp_path / "p.yaml"
    policy.write_text(TEMPLATE.read_text() + "  gizmos: {}\n  gadgets: {}\n")
    start = time.monotonic()
    code, out, err = run(capsys, "audit", str(policy), "--format", "json", "--no-cache")
    assert time.monotonic() - start < 30
    report = {entry["name"]: entry for entry in json.loads(out)["repositories"]}
    assert set(report) == {"widgets", "gizmos", "gadgets"}
    assert report["widgets"]["compliant"] is True
    assert report["gadgets"]["compliant"] is True
    gizmos = report["gizmos"]
    assert gizmos["error"] is None
    assert gizmos["findings"] == []  # ci.yaml still produces every check: the hostile file is moot
    assert code == 0, err


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_workflow_that_matters_is_unverified_with_the_reason(
    capsys: pytest.CaptureFixture[str], served: FakeGitHub, tmp_path: Path, case: str
) -> None:
    files = served.repositories["widgets"].files
    files[".github/workflows/ci.yaml"] = files[".github/workflows/ci.yaml"].replace(
        "name: Unit Tests", "name: Unit Test"
    )  # only the hostile file could produce Unit Tests now
    files[".github/workflows/hostile.yml"] = HOSTILE[case]
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "json", "--no-cache")
    [entry] = json.loads(out)["repositories"]
    assert entry["error"] is None
    if case in ("on: 2024-02-30", "5,000 digits"):
        # read as GitHub reads it: no pull-request trigger, or a job named 9…9: Unit Tests is missing
        assert [f["path"] for f in entry["findings"]] == ["check_producers.Unit Tests"]
        assert code == 1
    else:  # unusable: unverified with the file and the reason, not drift, not an error
        [unverified] = [u for u in entry["unverified"] if u.startswith("check_producers.Unit Tests")]
        assert unverified.startswith("check_producers.Unit Tests (.github/workflows/hostile.yml: ")
        assert entry["findings"] == []
        assert code == 0


hostile_scalars = st.one_of(
    st.sampled_from(
        ["2024-02-30", "9" * 5000, "yes", "on", "~", ".nan", "0x" + "f" * 300, "!!int x", "*x", "&x [1]"]
    ),
    st.text(max_size=12),
    st.integers().map(str),
)
values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)
shapes = st.fixed_dictionaries(
    {
        "on": st.one_of(values, st.just("pull_request"), st.fixed_dictionaries({"pull_request": values})),
        "jobs": st.dictionaries(
            st.text(max_size=6),
            st.one_of(
                values,
                st.fixed_dictionaries(
                    {"name": values, "strategy": st.one_of(values, st.fixed_dictionaries({"matrix": values}))}
                ),
            ),
            max_size=4,
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    document=st.one_of(shapes, values),
    text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@ \n\t0.,?~")), max_size=120),
    raw=st.booleans(),
)
def test_any_workflow_document_is_read_or_unverified_quickly(
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    document: Any,
    text: str,
    raw: bool,
) -> None:
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / ".github/workflows").mkdir(parents=True)
    body = text if raw else yaml.safe_dump(document, allow_unicode=True)
    (checkout / ".github/workflows/w.yml").write_text(body, encoding="utf-8")
    start = time.monotonic()
    code, _, _ = run(capsys, "validate", str(TEMPLATE), "--repo-dir", str(checkout), "--format", "json")
    assert time.monotonic() - start < 10
    assert code in (0, 2)
