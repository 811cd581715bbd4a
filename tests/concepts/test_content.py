"""Which files are missing and which required checks no workflow reports, from a tree and workflow texts."""

from __future__ import annotations

import base64
import time

import pytest

from repoconf.concepts.content import (
    MAX_MATRIX_JOBS,
    Content,
    LiveFileContent,
    Unusable,
    _parse,
    check_content,
    content_problems,
    job_names,
    missing_files,
    parse_workflows,
    produced_checks,
    workflow_paths,
)
from repoconf.policy.loader import load_text
from repoconf.policy.model import RepositorySettings

CI = """
name: ci
on:
  pull_request:
    branches: [main]
jobs:
  lint:
    name: Quality Checks
    runs-on: ubuntu-24.04
    steps: [{run: ruff check .}]
  tests:
    name: Unit Tests
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    runs-on: ubuntu-24.04
    steps: [{run: pytest}]
"""


def content(
    files: dict[str, str | Unusable], directories: tuple[str, ...] = (), complete: bool = True
) -> Content:
    workflows = {path: text for path, text in files.items() if path in workflow_paths(files)}
    return Content(frozenset(files), frozenset(directories), workflows, complete)


def settings(required: str, files: str = "[CHANGELOG.md]") -> RepositorySettings:
    text = f"""
version: 1
owner: acme
repositories:
  widgets:
    required_files: {files}
    branches:
      main:
        required_status_checks: {required}
"""
    return load_text(text, "p.yaml").policy.repositories["widgets"]


@pytest.mark.parametrize(
    ("wanted", "files", "directories", "missing"),
    [
        ("CHANGELOG.md", {"CHANGELOG.md"}, (), []),
        ("CHANGELOG.md", {"docs/CHANGELOG.md"}, (), ["CHANGELOG.md"]),
        ("tests/", {"tests/test_x.py"}, ("tests",), []),
        ("tests/", {"tests.py"}, (), ["tests/"]),
        ("src/**/__init__.py", {"src/pkg/__init__.py"}, (), []),
        ("src/**/__init__.py", {"src/__init__.py"}, (), []),  # `**/` matches zero directories too
        ("src/**/__init__.py", {"lib/pkg/__init__.py"}, (), ["src/**/__init__.py"]),
        ("*.toml", {"pyproject.toml"}, (), []),
        ("*.toml", {"sub/pyproject.toml"}, (), ["*.toml"]),  # a wildcard does not cross `/`
    ],
)
def test_missing_files(
    wanted: str, files: set[str], directories: tuple[str, ...], missing: list[str]
) -> None:
    found = Content(frozenset(files), frozenset(directories))
    assert missing_files([wanted], found) == missing


def test_workflow_paths_are_the_top_level_yaml_files() -> None:
    files = [".github/workflows/a.yml", ".github/workflows/b.yaml", ".github/workflows/x/c.yml", "ci.yml"]
    assert workflow_paths(files) == [".github/workflows/a.yml", ".github/workflows/b.yaml"]


def test_job_names_as_github_reports_them() -> None:
    assert job_names("lint", {}) == {"lint"}
    assert job_names("lint", {"name": "Quality Checks"}) == {"Quality Checks"}
    matrix = {"strategy": {"matrix": {"python": ["3.11", "3.12"], "os": ["ubuntu"]}}}
    assert job_names("t", {"name": "Unit Tests", **matrix}) == {
        "Unit Tests (3.11, ubuntu)",
        "Unit Tests (3.12, ubuntu)",
    }
    named = {"name": "Unit Tests", "strategy": {"matrix": {"include": [{"python": "3.13"}]}}}
    assert job_names("t", {**named, "name": "Tests on ${{ matrix.python }}"}) == {"Tests on 3.13"}


def test_produced_checks_follow_triggers_matrices_and_reusable_workflows() -> None:
    reusable = "on: workflow_call\njobs:\n  scan:\n    name: Scan\n    runs-on: x\n    steps: []\n"
    caller = "on: pull_request\njobs:\n  security:\n    name: Security\n    uses: ./.github/workflows/r.yml\n"
    tags_only = "on:\n  push:\n    tags: ['v*']\njobs:\n  it:\n    name: Integration Tests\n    runs-on: x\n"
    other_branch = "on:\n  pull_request:\n    branches: [develop]\njobs:\n  s:\n    name: Security Scans\n"
    workflows = {
        ".github/workflows/ci.yaml": CI,
        ".github/workflows/r.yml": reusable,
        ".github/workflows/caller.yml": caller,
        ".github/workflows/tags.yml": tags_only,
        ".github/workflows/develop.yml": other_branch,
    }
    parsed = parse_workflows(workflows)
    assert parsed.unusable == {}
    produced, unknown = produced_checks(parsed, "main")
    assert produced == {"Quality Checks", "Unit Tests (3.11)", "Unit Tests (3.12)", "Security / Scan"}
    assert unknown == []


def test_matrices_expand_as_github_documents() -> None:
    # GitHub's own example ("Expanding or adding matrix configurations"): include extends the
    # combinations it does not contradict, or adds its own; an added value can be overwritten.
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }
    assert job_names("t", {"strategy": {"matrix": matrix}}) == {
        "t (apple, cat, pink, circle)",
        "t (apple, dog, green, circle)",
        "t (pear, cat, pink)",
        "t (pear, dog, green)",
        "t (banana)",
        "t (banana, cat)",
    }
    excluded = {"os": ["a", "b"], "v": [1, 2], "exclude": [{"os": "b", "v": 2}]}
    assert job_names("t", {"strategy": {"matrix": excluded}}) == {"t (a, 1)", "t (a, 2)", "t (b, 1)"}
    # numbers as GitHub prints them (a JavaScript number): 3.10 is 3.1, 3.0 is 3
    assert job_names("t", {"strategy": {"matrix": {"py": [3.10, 3.0, "3.12"]}}}) == {
        "t (3.1)",
        "t (3)",
        "t (3.12)",
    }


HOSTILE_WORKFLOWS = [
    # (case, workflow text, the reason it is unusable, or None when GitHub could not run it at all)
    (
        "branches: 5",
        "on:\n  pull_request:\n    branches: 5\njobs:\n  a: {name: Quality Checks}\n",
        "`on.pull_request.branches` is '5'",
    ),
    (
        "branches: a mapping",
        "on: {pull_request: {branches: {x: 1}}}\njobs: {a: {}}\n",
        "`on.pull_request.branches` is a mapping",
    ),
    (
        "branches holds null",
        "on: {pull_request: {branches: [main, null]}}\njobs: {a: {}}\n",
        "a branch filter is a string or a list of strings",
    ),
    (
        "branches and branches-ignore",
        "on: {pull_request: {branches: [a], branches-ignore: [b]}}\njobs: {a: {}}\n",
        "both branches and branches-ignore",
    ),
    ("pull_request: 5", "on: {pull_request: 5}\njobs: {a: {}}\n", "`on.pull_request` is '5'"),
    ("on: 5", "on: 5\njobs: {a: {}}\n", "`on` is '5'"),
    (
        "on lists a mapping",
        "on: [push, {x: 1}]\njobs: {a: {}}\n",
        "`on` lists something that is not an event name",
    ),
    (
        "include: 5",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {include: 5}}\n",
        "`jobs.a.strategy.matrix.include` is '5'",
    ),
    (
        "include lists a scalar",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {include: [1]}}\n",
        "each entry is a mapping",
    ),
    (
        "exclude: a mapping",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {x: [1], exclude: {a: 1}}}\n",
        "`jobs.a.strategy.matrix.exclude` is a mapping",
    ),
    (
        "axis: a scalar",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {python: 3.12}}\n",
        "`jobs.a.strategy.matrix.python` is '3.12'",
    ),
    (
        "axis: empty",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {python: []}}\n",
        "a list of values",
    ),
    (
        "matrix: a list",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: [1]}\n",
        "`jobs.a.strategy.matrix` is a list",
    ),
    ("strategy: 5", "on: pull_request\njobs:\n  a:\n    strategy: 5\n", "`jobs.a.strategy` is '5'"),
    ("job: a list", "on: pull_request\njobs:\n  a: [1]\n", "`jobs.a` is a list: a job is a mapping"),
    ("name: a list", "on: pull_request\njobs:\n  a: {name: [x]}\n", "a job's name is a string"),
    ("uses: 5", "on: pull_request\njobs:\n  a: {uses: 5}\n", "`jobs.a.uses` is '5'"),
    (
        "matrix of 257 jobs",
        "on: pull_request\njobs:\n  a:\n    strategy: {matrix: {x: ["
        + ",".join(map(str, range(257)))
        + "]}}\n",
        f"past {MAX_MATRIX_JOBS} jobs",
    ),
    (
        "matrix of 2^40 jobs",
        "on: pull_request\njobs:\n  a:\n    strategy:\n      matrix:\n"
        + "".join(f"        k{i}: [1, 2]\n" for i in range(40)),
        f"past {MAX_MATRIX_JOBS} jobs",
    ),
    (
        "a matrix expanding through aliases",
        "on: pull_request\nx: &v ["
        + ",".join(["1"] * 16)
        + "]\njobs:\n  a:\n    strategy:\n      matrix: {a: *v, b: *v, c: *v}\n",
        f"past {MAX_MATRIX_JOBS} jobs",
    ),
    (
        "billion laughs",
        "\n".join(
            ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
        )
        + "\non: pull_request\njobs:\n  a: {name: *a9}\n",
        "more than 250,000 values",
    ),
    (
        "a long string repeated",
        "s: &s "
        + "x" * 200_000
        + "\nl: ["
        + ", ".join(["*s"] * 100)
        + "]\non: pull_request\njobs: {a: {}}\n",
        "more than 8,388,608 characters",
    ),
    (
        "deep nesting (flow)",
        "on: pull_request\njobs:\n  a: {name: " + "[" * 5000 + "]" * 5000 + "}\n",
        "nested deeper than 64 levels",
    ),
    (
        "deep nesting (block)",
        "on: pull_request\njobs:\n  a:\n" + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(100)),
        "nested deeper than 64 levels",
    ),
    ("duplicate key", "on: pull_request\njobs:\n  a: {}\n  a: {}\n", "the duplicate key 'a'"),
    (
        "a key that is a list",
        "on: pull_request\njobs:\n  ? [a]\n  : {}\n",
        "a mapping key that is not a string",
    ),
    ("an undefined alias", "on: pull_request\njobs: {a: *nothing}\n", "an alias to no anchor"),
    ("a recursive alias", "on: pull_request\njobs: &j {a: *j}\n", "an alias to no anchor"),
    ("two documents", "on: pull_request\njobs: {a: {}}\n---\njobs: {}\n", "more than one YAML document"),
    (
        "a branch filter of 2,000 characters",
        "on: {pull_request: {branches: ['" + "*" * 2000 + "']}}\njobs: {a: {}}\n",
        "a pattern of more than 1024 characters",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "reason"), HOSTILE_WORKFLOWS, ids=[case[0] for case in HOSTILE_WORKFLOWS]
)
def test_a_hostile_workflow_leaves_its_checks_unverified_with_the_reason(
    case: str, text: str, reason: str
) -> None:
    path = ".github/workflows/hostile.yml"
    start = time.perf_counter()
    found = check_content(settings("[Quality Checks]", "[]"), content({path: text}))
    assert time.perf_counter() - start < 2.0, case
    assert (found.missing_files, found.missing_checks) == ([], [])
    [entry] = found.unverified
    assert entry.startswith(f"check_producers.Quality Checks ({path}: "), entry
    assert reason in entry, entry
    assert len(entry) < 400


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("a date where the trigger is", "on: 2024-02-30\njobs:\n  a: {name: Quality Checks}\n"),
        (
            "a date in a branch filter",
            "on: {pull_request: {branches: [2024-02-30]}}\njobs: {a: {name: Quality Checks}}\n",
        ),
        ("5,000 digits", "on: pull_request\njobs:\n  a: {name: " + "9" * 5000 + "}\n"),
        ("YAML 1.1 booleans are strings", "on: pull_request\njobs:\n  a: {name: yes}\n"),
    ],
)
def test_values_are_read_as_github_reads_them(case: str, text: str) -> None:
    # YAML 1.2: a date is a string, a long number a double, `yes` a word; nothing here is an error
    found = check_content(settings("[Quality Checks]", "[]"), content({".github/workflows/w.yml": text}))
    assert found.unverified == [], case
    assert found.missing_checks == ["Quality Checks"], case


def test_a_number_name_is_named_as_github_prints_it() -> None:
    text = "on: pull_request\njobs:\n  a: {name: 3.10}\n  b: {name: " + "9" * 5000 + "}\n"
    produced, _ = produced_checks(parse_workflows({".github/workflows/w.yml": text}), "main")
    assert produced == {"3.1", "Infinity"}


def test_a_single_branch_is_a_filter_too() -> None:
    text = "on: {pull_request: {branches: main}}\njobs: {a: {name: Quality Checks}}\n"
    parsed = parse_workflows({".github/workflows/w.yml": text})
    assert produced_checks(parsed, "main")[0] == {"Quality Checks"}
    assert produced_checks(parsed, "develop")[0] == set()


def test_a_matrix_computed_at_run_time_leaves_names_unknown() -> None:
    text = (
        "on: pull_request\njobs:\n  a:\n    name: Unit Tests\n"
        "    strategy: {matrix: '${{ fromJSON(needs.x.outputs.m) }}'}\n"
    )
    found = check_content(settings("[Quality Checks]", "[]"), content({".github/workflows/w.yml": text}))
    assert found.unverified == [
        "check_producers.Quality Checks (.github/workflows/w.yml: job `a` has a matrix computed at run time)"
    ]
    # ...but only where the workflow runs: on another branch it does not matter
    text = text.replace("on: pull_request", "on: {pull_request: {branches: [develop]}}")
    found = check_content(settings("[Quality Checks]", "[]"), content({".github/workflows/w.yml": text}))
    assert (found.unverified, found.missing_checks) == ([], ["Quality Checks"])


def test_another_workflow_producing_the_check_makes_a_hostile_one_irrelevant() -> None:
    bomb = HOSTILE_WORKFLOWS[20][1]
    found = check_content(
        settings("[Quality Checks]", "[]"),
        content({".github/workflows/ci.yaml": CI, ".github/workflows/bomb.yml": bomb}),
    )
    assert (found.missing_checks, found.unverified) == ([], [])


def test_alias_heavy_matrices_stay_bounded() -> None:
    # each value an alias of a 10,000-value list: compared and named once, never copied per use
    values = "[" + ", ".join(["1"] * 10_000) + "]"
    text = (
        f"on: pull_request\nbig: &b {values}\njobs:\n  a:\n    name: T ${{{{ matrix.y }}}}\n    strategy:\n"
        "      matrix:\n"
        "        x: [*b, *b, *b, *b, *b, *b, *b, *b]\n        include: [{x: *b, y: 1}, {x: *b, y: 2}]\n"
        "        exclude: [{x: *b}]\n"
    )
    start = time.perf_counter()
    parsed = parse_workflows({".github/workflows/w.yml": text})
    assert time.perf_counter() - start < 2.0
    assert parsed.unusable == {}
    # every combination excluded, then each include added as its own; a name shows only the short value
    assert produced_checks(parsed, "main") == ({"T 1", "T 2"}, [])


def test_names_too_long_for_a_check_are_left_out() -> None:
    long_value = "v" * 5000
    matrix = f"{{matrix: {{x: [short, {long_value}]}}}}"
    text = f"on: pull_request\njobs:\n  a:\n    name: Tests\n    strategy: {matrix}\n"
    produced, unknown = produced_checks(parse_workflows({".github/workflows/w.yml": text}), "main")
    assert (produced, unknown) == ({"Tests (short)"}, [])


def test_a_misnamed_job_is_a_missing_producer_and_a_file_is_missing() -> None:
    misnamed = CI.replace("Quality Checks", "Quality Check")
    found = check_content(
        settings("[Quality Checks, Unit Tests (3.12)]"),
        content({".github/workflows/ci.yaml": misnamed}),
    )
    assert found.missing_files == ["CHANGELOG.md"]
    assert found.missing_checks == ["Quality Checks"]
    assert found.unverified == []


def test_unreadable_workflows_and_truncated_trees_are_unverified_not_drift() -> None:
    policy = settings("[Quality Checks]")
    found = check_content(
        policy, content({".github/workflows/ci.yaml": Unusable("not a regular file (a FIFO)")})
    )
    assert found.missing_checks == []
    assert found.unverified == [
        "check_producers.Quality Checks (.github/workflows/ci.yaml: not a regular file (a FIFO))"
    ]
    truncated = Content(
        frozenset({"README.md"}), frozenset(), {}, complete=False, incomplete="GitHub truncated it"
    )
    found = check_content(policy, truncated)
    assert (found.missing_files, found.missing_checks) == ([], [])
    assert found.unverified == [
        "check_producers.Quality Checks (GitHub truncated it)",
        "required_files.CHANGELOG.md (GitHub truncated it)",
    ]


def test_validate_says_why_a_check_is_unverified() -> None:
    policy = settings("[Quality Checks]", "[]")
    [problem] = content_problems(
        policy, content({".github/workflows/x.yml": Unusable("not a regular file (a FIFO)")}), "../w"
    )
    assert problem.message == (
        "'Quality Checks' could not be verified in ../w: .github/workflows/x.yml: not a regular file (a FIFO)"
    )
    assert "UTF-8" not in problem.message  # unreadable is unreadable


def test_checks_of_another_app_are_not_expected_from_workflows() -> None:
    found = check_content(
        settings("[{context: ci/circleci, app_id: 1234}]", "[]"),
        content({}),
    )
    assert (found.missing_files, found.missing_checks, found.unverified) == ([], [], [])


def test_file_content_is_decoded_only_when_github_sent_it() -> None:
    encoded = base64.b64encode(b"on: pull_request\n").decode()
    wrapped = encoded[:8] + "\n" + encoded[8:] + "\n"
    assert LiveFileContent(type="file", encoding="base64", content=wrapped).text() == "on: pull_request\n"
    above = LiveFileContent(type="file", encoding="none", content="").text()
    assert above == Unusable("larger than 1 MiB: GitHub's contents API sends no text above 1 MB")
    assert LiveFileContent(type="file", encoding="base64", content=wrapped, size=2 << 20).text() == above
    assert LiveFileContent(type="dir").text() == Unusable("GitHub's contents API answers a 'dir', not a file")
    bad = base64.b64encode(b"ok\n\xff\xfe").decode()
    assert LiveFileContent(type="file", encoding="base64", content=bad).text() == Unusable(
        "not UTF-8 text: byte 0xff at line 2, column 1"
    )
    assert LiveFileContent(type="file", encoding="base64", content="a").text() == Unusable(
        "GitHub's base64 text for it does not decode"
    )


def test_a_workflow_github_cannot_parse_reports_nothing() -> None:
    parsed = parse_workflows(
        {
            ".github/workflows/bad.yml": "on: [pull_request\njobs:",
            ".github/workflows/nul.yml": "on: pull_request\x00\njobs: {a: {}}\n",
            ".github/workflows/list.yml": "- on\n- jobs\n",
            ".github/workflows/nojobs.yml": "on: pull_request\njobs: 5\n",
            ".github/workflows/x.yml": Unusable("cannot be read: Permission denied"),
        }
    )
    assert (dict(parsed.documents), dict(parsed.unusable)) == (
        {},
        {".github/workflows/x.yml": "cannot be read: Permission denied"},
    )
    assert produced_checks(parsed, "main") == (
        set(),
        [".github/workflows/x.yml: cannot be read: Permission denied"],
    )


def test_a_workflow_text_seen_before_is_read_from_its_parts_kept_and_another_text_is_not() -> None:
    # repositories holding the same file pay its YAML once; expanding its matrix never changes what is kept
    text = CI + "# kept\n"
    first = produced_checks(parse_workflows({".github/workflows/ci.yml": text}), "main")[0]
    before = _parse.cache_info()
    again = produced_checks(parse_workflows({".github/workflows/other.yml": text}), "main")[0]
    assert _parse.cache_info().hits == before.hits + 1
    assert again == first == {"Quality Checks", "Unit Tests (3.11)", "Unit Tests (3.12)"}
    renamed = text.replace("Quality Checks", "Lint")
    assert produced_checks(parse_workflows({".github/workflows/ci.yml": renamed}), "main")[0] == {
        "Lint",
        "Unit Tests (3.11)",
        "Unit Tests (3.12)",
    }
