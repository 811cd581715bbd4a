"""Selectors from the command line: validate, render and diff offline from a list (`--repositories-from`),
the audit over REST as the program resolves them (a repository that gains a selected topic is audited
with no policy edit), `import --into` and `adopt` for one selected repository, and `repoconf stacks`."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from repoconf.cli.main import main
from repoconf.policy.groups import group_of
from repoconf.policy.loader import load
from repoconf.policy.selection import Candidate, resolve
from standin.github import FakeGitHub
from tests.cli.test_fuzz import FUZZ, _paths, values
from tests.conftest import ROOT, TEMPLATE, TOKEN

SELECTOR = """\
selectors:
  python:
    match: {topics: [python]}
    settings:
      environments:
        qa: {wait_timer: 5}
"""
OWNERS = [Candidate("widgets"), Candidate("gadgets", frozenset({"python"})), Candidate("docs")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    """The shipped policy with a selector: repositories with the topic python wait 5 minutes in qa."""
    path = tmp_path / "policy.yaml"
    path.write_text(TEMPLATE.read_text().replace("\nrepositories:\n", "\n" + SELECTOR + "repositories:\n"))
    return path


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "repositories.jsonl"
    path.write_text("".join(json.dumps(candidate.as_json()) + "\n" for candidate in OWNERS))
    return path


def test_validate_checks_each_selector_alone_without_a_list_and_what_it_selects_with_one(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path
) -> None:
    code, out, _ = run(capsys, "validate", "--strict", str(policy))
    assert code == 0
    assert out == (
        f"{policy}: valid: 1 repositories, 1 selector(s) checked on their own (`--repositories-from FILE` "
        "checks what they select), 0 warning(s)\n"
    )
    code, out, _ = run(capsys, "validate", "--strict", str(policy), "--repositories-from", str(listed))
    assert (code, out) == (0, f"{policy}: valid: 2 repositories, 0 warning(s)\n")
    code, out, _ = run(
        capsys, "validate", str(policy), "--repositories-from", str(listed), "--format", "json"
    )
    assert json.loads(out)["repositories"] == 2
    assert "unresolved_selectors" not in json.loads(out)
    code, out, _ = run(capsys, "validate", str(policy), "--format", "json")
    assert (json.loads(out)["repositories"], json.loads(out)["unresolved_selectors"]) == (1, 1)


def test_validate_with_a_list_makes_a_disagreement_an_error_without_one_a_warning(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path
) -> None:
    text = policy.read_text().replace(
        "repositories:\n  widgets",
        "  gadgets-too:\n    match: {names: [gadg*]}\n    settings:\n      environments:\n"
        "        qa: {wait_timer: 9}\nrepositories:\n  widgets",
    )
    policy.write_text(text)
    line = text.splitlines().index("        qa: {wait_timer: 9}") + 1
    code, _, err = run(capsys, "validate", str(policy))
    assert code == 0
    assert f"{policy}:{line}:26: warning: selectors.gadgets-too.settings.environments.qa.wait_timer:" in err
    assert main(["validate", "--strict", str(policy)]) == 2
    capsys.readouterr()
    code, _, err = run(capsys, "validate", str(policy), "--repositories-from", str(listed))
    assert code == 2
    assert err.splitlines()[0] == (
        f"{policy}:{line}:26: error: selectors.gadgets-too.settings.environments.qa.wait_timer: repository "
        f"'gadgets' is selected by 'python' too, which sets this differently (line {line - 5}): selectors "
        "that select one repository must agree; make them agree, narrow one `match`, or set the value in "
        "the repository's own entry"
    )


def test_a_bad_list_is_a_located_error(
    capsys: pytest.CaptureFixture[str], policy: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("widgets\n{oops\n")
    code, _, err = run(capsys, "render", str(policy), "--repositories-from", str(bad))
    assert code == 2
    assert err.startswith(f"{bad}:2:2: error: not JSON (")
    code, _, err = run(capsys, "validate", str(policy), "--repositories-from", str(tmp_path / "none"))
    assert (code, err) == (2, f"{tmp_path / 'none'}:1:1: error: no such file\n")


def test_render_declares_what_the_list_selects_and_says_what_it_left_out(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path
) -> None:
    code, out, err = run(capsys, "render", str(policy), "--format", "json")
    assert code == 0
    assert err.startswith("note: selectors python not resolved: the repositories they select are left out")
    assert {r["inputs"].get("repository") for r in json.loads(out)["resources"]} - {None} == {"widgets"}
    code, out, err = run(
        capsys, "render", str(policy), "--format", "json", "--repositories-from", str(listed)
    )
    assert code == 0
    assert "note:" not in err
    resources = json.loads(out)["resources"]
    assert {r["inputs"].get("repository") for r in resources} - {None} == {"widgets", "gadgets"}
    [qa] = [r for r in resources if r["name"] == "gadgets/qa"]
    assert qa["inputs"]["waitTimer"] == 5


def test_diff_compares_what_each_selector_gives_or_each_repository_it_selects(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path, tmp_path: Path
) -> None:
    after = tmp_path / "after.yaml"
    after.write_text(policy.read_text().replace("qa: {wait_timer: 5}", "qa: {reviewers: null}"))
    code, out, _ = run(capsys, "diff", str(policy), str(after), "--format", "json")
    assert code == 1
    changed = {r["name"]: r["changes"] for r in json.loads(out)["repositories"] if r["status"] == "changed"}
    assert set(changed) == {"selector:python"}
    assert any(change["weakens"] for change in changed["selector:python"])
    code, out, _ = run(
        capsys, "diff", str(policy), str(after), "--format", "json", "--repositories-from", str(listed)
    )
    assert code == 1
    assert {r["name"] for r in json.loads(out)["repositories"] if r["status"] == "changed"} == {"gadgets"}


# -- the audit over REST -----------------------------------------------------------------------------------


@pytest.fixture
def organization(policy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """acme as `pulumi up` left it: widgets and gadgets (topic python) as the policy resolves them, and
    docs, which no selector selects, set up like widgets by hand."""
    server = FakeGitHub("acme", token=TOKEN)
    resolved = resolve(load(policy), OWNERS).policy.repositories
    server.deploy("widgets", resolved["widgets"])
    server.deploy("gadgets", resolved["gadgets"]).topics = ["python"]
    server.deploy("docs", resolved["widgets"])
    monkeypatch.setenv("GITHUB_API_URL", server.start())
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    yield server
    server.stop()


def test_a_repository_that_gains_a_selected_topic_is_audited_without_editing_the_policy(
    capsys: pytest.CaptureFixture[str], policy: Path, organization: FakeGitHub
) -> None:
    code, out, _ = run(capsys, "audit", str(policy), "--no-cache")
    assert code == 0
    assert out.splitlines()[:2] == ["widgets: compliant", "gadgets: compliant"]
    organization.repositories["docs"].topics.append("python")
    code, out, _ = run(capsys, "audit", str(policy), "--no-cache")
    assert code == 1
    assert out.splitlines()[:3] == [
        "widgets: compliant",
        "docs: 1 finding(s)",
        "  changed  environments.qa.wait_timer: expected 5, found 0",
    ]


def test_the_audit_reads_the_list_instead_and_honours_a_stacks_group(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "audit", str(policy), "--repositories-from", str(listed), "--no-cache")
    assert code == 0
    assert not [request for request, _ in organization.requests if "/orgs/acme/repos" in request]
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    for index in range(2):
        settings = f"config:\n  repoconf:policy: {policy}\n  repoconf:group: {index}/2\n"
        (directory / f"Pulumi.staging-{index}.yaml").write_text(settings)
    audited = set()
    for index in range(2):
        stack = ["--stack", f"staging-{index}", "--project-dir", str(directory), "--format", "json"]
        code, out, _ = run(capsys, "audit", *stack, "--no-cache")
        assert code == 0
        names = {r["name"] for r in json.loads(out)["repositories"]}
        assert all(group_of(name, 2) == index for name in names)
        audited |= names
    assert audited == {"widgets", "gadgets"}


def test_import_into_writes_only_what_differs_from_defaults_and_its_selectors(
    capsys: pytest.CaptureFixture[str], policy: Path, organization: FakeGitHub
) -> None:
    settings = resolve(load(policy), [Candidate("tools", frozenset({"python"}))]).policy.repositories["tools"]
    organization.deploy("tools", settings).topics = ["python"]
    organization.repositories["tools"].variables["TIER"] = "gold"
    code, out, _ = run(capsys, "import", "acme/tools", "--into", str(policy))
    assert code == 0
    # qa's wait_timer of 5 is the selector's: inherited, not written (access: the teams GitHub lists)
    assert out == f"added tools to {policy} (variables, access)\n"
    assert "  tools:\n    variables:\n      TIER: gold\n    access:\n" in policy.read_text()


def test_adopt_takes_a_repository_its_selectors_select(
    capsys: pytest.CaptureFixture[str], policy: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (directory / "Pulumi.staging.yaml").write_text(f"config:\n  repoconf:policy: {policy}\n")
    stack = ["--stack", "staging", "--project-dir", str(directory)]
    code, out, _ = run(capsys, "adopt", "acme/gadgets", *stack)
    assert code == 0
    qa = next(entry for entry in json.loads(out)["resources"] if entry["name"] == "gadgets/qa")
    assert qa["id"] == "gadgets:qa"
    code, _, err = run(capsys, "adopt", "acme/docs", *stack)
    assert code == 2
    assert "and none of its selectors selects it" in err


# -- repoconf stacks ---------------------------------------------------------------------------------------


def test_stacks_prints_the_matrix_the_setup_and_the_moves(
    capsys: pytest.CaptureFixture[str], policy: Path, listed: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (directory / "Pulumi.prod.yaml").write_text(f"config:\n  repoconf:policy: {policy}\n")
    where = ["--stack", "prod", "--project-dir", str(directory)]
    assert run(capsys, "stacks", *where) == (0, '{"stack":["prod"]}\n', "")
    code, _, err = run(capsys, "stacks", "--stack", "nope", "--project-dir", str(directory))
    assert code == 2  # a stack without settings would fail every job of the matrix
    assert "Pulumi.nope.yaml" in err
    assert run(capsys, "stacks", *where, "--groups", "3") == (
        0,
        '{"stack":["prod-0","prod-1","prod-2"]}\n',
        "",
    )
    code, out, _ = run(capsys, "stacks", *where, "--groups", "2", "--setup")
    assert code == 0
    assert out.splitlines()[1:] == [
        "pulumi stack init prod-0 --copy-config-from prod --no-select",
        "pulumi config set --stack prod-0 group 0/2",
        "pulumi stack init prod-1 --copy-config-from prod --no-select",
        "pulumi config set --stack prod-1 group 1/2",
    ]
    code, _, err = run(capsys, "stacks", *where, "--groups", "2", "--moves-from", "1")
    assert (code, err) == (
        2,
        f"repoconf: error: {policy} has selectors: the moves need the repositories they "
        "select, --repositories-from FILE\n",
    )
    code, out, _ = run(
        capsys, "stacks", *where, "--groups", "2", "--moves-from", "1", "--repositories-from", str(listed)
    )
    assert code == 0
    moves = out.splitlines()[1:]
    for name in ("widgets", "gadgets"):
        destination = f"prod-{group_of(name, 2)}"
        urn = f"urn:pulumi:prod::repoconf::repoconf:index:Repository::{name}"
        assert any(
            line.startswith(f"pulumi state move --source prod --dest {destination} --yes") and urn in line
            for line in moves
        ), moves
    # once set up, the committed group stacks are the matrix
    for index in range(2):
        settings = f"config:\n  repoconf:policy: {policy}\n  repoconf:group: {index}/2\n"
        (directory / f"Pulumi.prod-{index}.yaml").write_text(settings)
    assert run(capsys, "stacks", *where) == (0, '{"stack":["prod-0","prod-1"]}\n', "")
    code, out, _ = run(capsys, "stacks", *where, "--groups", "2", "--setup")
    assert out.splitlines()[1:] == []
    (directory / "Pulumi.prod-1.yaml").write_text(
        f"config:\n  repoconf:policy: {policy}\n  repoconf:group: 1/3\n"
    )
    code, _, err = run(capsys, "stacks", *where)
    assert code == 2
    assert "disagree on the number of groups (2, 3)" in err
    code, _, err = run(capsys, "stacks", *where, "--setup")
    assert (code, err) == (
        2,
        "repoconf: error: --setup and --moves-from need --groups N, the number of groups to set up\n",
    )


# -- whatever a selector or a list holds: exit 0 or 2, never a traceback ------------------------------------

WITH_SELECTORS = yaml.safe_load(
    TEMPLATE.read_text().replace(
        "\nrepositories:\n",
        "\n" + SELECTOR + "  gold:\n    match: {properties: {tier: [gold]}, names: ['*']}\n"
        "    settings: {variables: {TIER: gold}}\nrepositories:\n",
    )
)
SELECTOR_PATHS = [path for path in _paths(WITH_SELECTORS) if path[:1] == ("selectors",) and len(path) > 1]
list_lines = st.lists(
    st.one_of(
        st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True),
        st.fixed_dictionaries(
            {"name": st.sampled_from(["widgets", "gadgets", "x"])},
            optional={
                "topics": st.lists(st.sampled_from(["python", "PYTHON", "", "go"]), max_size=3),
                "properties": st.dictionaries(
                    st.sampled_from(["tier", "team"]),
                    st.one_of(st.none(), st.text(max_size=5), st.lists(st.text(max_size=5), max_size=2)),
                ),
                "archived": st.booleans(),
                "fork": st.one_of(st.booleans(), st.integers()),
            },
        ).map(json.dumps),
        st.text(max_size=20),
    ),
    max_size=6,
)


@FUZZ
@given(path=st.sampled_from(SELECTOR_PATHS), replacement=values, lines=list_lines)
def test_any_selector_and_any_list_is_an_answer_never_a_traceback(
    path: tuple[object, ...],
    replacement: object,
    lines: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = copy.deepcopy(WITH_SELECTORS)
    node = document
    for element in path[:-1]:
        node = node[element]
    node[path[-1]] = replacement
    policy = tmp_path / "fuzz.yaml"
    policy.write_text(yaml.safe_dump(document))
    listed = tmp_path / "repos.txt"
    listed.write_text("\n".join(line.replace("\n", " ") for line in lines) + "\n")
    for argv in (
        ["validate", str(policy)],
        ["validate", str(policy), "--repositories-from", str(listed)],
        ["diff", str(policy), str(policy), "--repositories-from", str(listed)],
    ):
        code = main(argv)
        _, err = capsys.readouterr()
        assert code in (0, 2), err
        assert "Traceback" not in err


def test_validate_prints_as_before_for_a_policy_without_selectors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(TEMPLATE), "--format", "json")
    assert code == 0
    assert list(json.loads(out)) == [
        "file",
        "valid",
        "repositories",
        "errors",
        "warnings",
        "diagnostics",
        "explain",
    ]


def test_a_stack_refuses_a_repository_of_another_group_before_any_request(
    capsys: pytest.CaptureFixture[str], policy: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    other = 1 - group_of("widgets", 2)
    (directory / "Pulumi.staging-1.yaml").write_text(
        f"config:\n  repoconf:policy: {policy}\n  repoconf:group: {other}/2\n"
    )
    (directory / "Pulumi.bad.yaml").write_text(
        f"config:\n  repoconf:policy: {policy}\n  repoconf:group: 2/2\n"
    )
    sent = len(organization.requests)
    code, _, err = run(
        capsys, "adopt", "acme/widgets", "--stack", "staging-1", "--project-dir", str(directory)
    )
    assert code == 2
    assert err == (
        f"repoconf: error: widgets is in group {1 - other}/2, not in stack 'staging-1''s {other}/2 "
        f"({directory / 'Pulumi.staging-1.yaml'}): adopt it with the stack of its group\n"
    )
    code, _, err = run(capsys, "audit", "--stack", "bad", "--project-dir", str(directory))
    assert code == 2
    assert err.startswith(
        f"repoconf: error: {directory / 'Pulumi.bad.yaml'}: repoconf:group: '2/2' is not a group"
    )
    assert len(organization.requests) == sent
