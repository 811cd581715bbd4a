"""Property tests: whatever YAML a user writes, `repoconf validate` exits 0 or 2, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repoconf.cli.main import main
from tests.conftest import TEMPLATE

SECRET = "s3cr3t-VALUE-never-printed"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=12),
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
DEFAULT = yaml.safe_load(TEMPLATE.read_text())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(DEFAULT)[1:]
SECRET_PATHS = [
    ("defaults", "secrets", "PYPI_TOKEN"),
    ("defaults", "environments", "production-deploy", "secrets", "PYPI_TOKEN"),
    ("defaults", "environments", "staging", "secrets"),
    ("repositories", "widgets", "secrets"),
]
# A literal value where a secret source belongs: the value itself, or a structure holding it that is
# not a source (a mapping with `config`/`env` keys would name a source, whose key may be printed).
literal_secrets: st.SearchStrategy[Any] = st.recursive(
    st.just(SECRET),
    lambda children: (
        st.lists(children, min_size=1, max_size=3)
        | st.dictionaries(
            st.text(max_size=8).filter(lambda key: key not in ("config", "env")),
            children,
            min_size=1,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def _mutate(path: tuple[Any, ...], replacement: Any) -> Any:
    document = yaml.safe_load(TEMPLATE.read_text())
    node = document
    for element in path[:-1]:
        node = node[element]
    node[path[-1]] = replacement
    return document


def _validate(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    policy = tmp_path / "fuzz.yaml"
    policy.write_text(text, encoding="utf-8")
    printed = ""
    for fmt in ("text", "json"):
        code = main(["validate", str(policy), "--format", fmt])
        out, err = capsys.readouterr()
        assert code in (0, 2), err
        assert "Traceback" not in err
        printed += out + err
    return printed


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@ \n\t0.,?")), max_size=80))
def test_arbitrary_text(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _validate(text, tmp_path, capsys)


@FUZZ
@given(document=values)
def test_arbitrary_yaml_documents(document: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _validate(yaml.safe_dump(document), tmp_path, capsys)


@FUZZ
@given(path=st.sampled_from(PATHS), replacement=values)
def test_mutated_default_policy(
    path: tuple[Any, ...], replacement: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _validate(yaml.safe_dump(_mutate(path, replacement)), tmp_path, capsys)


@FUZZ
@given(path=st.sampled_from(SECRET_PATHS), literal=literal_secrets)
def test_literal_secret_never_echoed(
    path: tuple[Any, ...], literal: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a path ending at `secrets` gets a new secret holding the literal; others replace a source
    replacement = {"LITERAL": literal} if path[-1] == "secrets" else literal
    printed = _validate(yaml.safe_dump(_mutate(path, replacement)), tmp_path, capsys)
    assert SECRET not in printed
    assert "secrets." in printed


def test_alias_bomb_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 12)]
    policy = tmp_path / "bomb.yaml"
    policy.write_text("\n".join(lines) + "\n")
    code = main(["validate", str(policy)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "YAML aliases expand to too many values" in err


def test_recursive_alias_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "loop.yaml"
    policy.write_text("version: 1\nowner: acme\nrepositories: &r {w: *r}\n")
    code = main(["validate", str(policy)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "alias refers to its own anchor" in err


TAGS = ["!!int", "!!float", "!!bool", "!!timestamp", "!!str", "!!null", "!!binary", "!!set", "!!omap", "!foo"]
hostile_scalars = st.one_of(
    st.builds(
        lambda tag, value: f"{tag} {value}",
        st.sampled_from(TAGS),
        st.sampled_from(["abc", "1", "maybe", "x:"]),
    ),
    st.integers(min_value=10, max_value=8000).map(lambda n: "9" * n),  # past Python's int digit limit too
    st.integers(min_value=1, max_value=1500).map(
        lambda n: "[" * n + "]" * n
    ),  # past the composer's recursion
    st.sampled_from(["&a [1]", "*a", "&b {x: *b}", "<<: {a: 1}", "'\\x1b[31m'", '"\\e[2J"', "\\x00"]),
)


def _hostile_document(scalar: str, where: int) -> str:
    lines = [
        "version: 1",
        "owner: acme",
        "repositories:",
        "  w:",
        "    environments:",
        f"      qa: {{wait_timer: {scalar}}}" if where == 0 else "      qa: {}",
        f"    variables: {{A: {scalar}}}" if where == 1 else "    variables: {}",
        f"    {scalar}: 1" if where == 2 else "",
    ]
    return "\n".join(lines) + "\n"


@FUZZ
@given(scalar=hostile_scalars, where=st.integers(min_value=0, max_value=2))
def test_hostile_yaml_never_crashes_or_hangs(
    scalar: str, where: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.perf_counter()
    _validate(_hostile_document(scalar, where), tmp_path, capsys)
    assert time.perf_counter() - start < 2.0


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash(data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "bytes.yaml"
    policy.write_bytes(b"version: 1\nowner: acme\nrepositories:\n  w: " + data)
    code = main(["validate", str(policy)])
    _, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert "\x1b" not in err  # escape sequences never reach the terminal


def test_patterns_of_many_globstars_validate_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = "/".join(["**"] * 12) + "/x"
    release = "/".join(["a*"] * 24)
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    environments:\n"
        f"      qa: {{deployment_refs: {{branches: [main], tags: ['{tags}']}}}}\n"
        f"    release_tags: {{pattern: '{release}'}}\n"
    )
    start = time.perf_counter()
    _validate(text, tmp_path, capsys)
    code = main(
        ["validate", str(tmp_path / "fuzz.yaml"), "--explain-ref", "refs/tags/" + "/".join(["a"] * 25)]
    )
    capsys.readouterr()
    assert code in (0, 2)
    assert time.perf_counter() - start < 2.0
