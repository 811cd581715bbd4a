"""Property tests: whatever YAML a user writes, `repoconf validate` exits 0 or 2, never a traceback."""

from __future__ import annotations

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
