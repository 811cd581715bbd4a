"""Secret values: read from stack config and environment, always secret outputs, never printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.mocks import MockResourceArgs

from repoconf.policy.loader import load
from repoconf.program.errors import ProgramError
from repoconf.program.secrets import StackSecrets
from repoconf.render.formats import FORMATS
from repoconf.render.mocks import RenderMocks
from repoconf.render.run import Rendering, render
from tests.program.conftest import by_name

TEST_PYPI = "pypi-test-AgENdGVzdC5weXBpLm9yZw"
CODECOV = "codecov-0f1e2d3c-4b5a"


def test_missing_values_fail_before_any_resource(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    stack_config({})
    with pytest.raises(ProgramError) as caught:
        render(load(template), secret_values=StackSecrets(environ={}))
    policy = str(template)
    # PYPI_TOKEN is {external: true}: the program never asks for its value
    assert caught.value.lines() == [
        f"{policy}:{line_of(template, 'TEST_PYPI_TOKEN: {config')}:22: error: "
        "defaults.secrets.TEST_PYPI_TOKEN: "
        "secret 'TEST_PYPI_TOKEN' of repository 'widgets' has no value: stack config "
        "testPypiToken is not set (pulumi config set --secret testPypiToken VALUE)",
        f"{policy}:{line_of(template, 'CODECOV_TOKEN: {env')}:20: error: defaults.secrets.CODECOV_TOKEN: "
        "secret 'CODECOV_TOKEN' of repository 'widgets' has no value: environment variable CODECOV_TOKEN "
        "is not set (export CODECOV_TOKEN=VALUE before running pulumi)",
    ]


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the template holding ``text``."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_external_secret_is_neither_read_nor_declared(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    rendering = _deployed(template, stack_config)
    names = {d.name for d in rendering.declarations}
    assert "widgets/production-deploy" in names
    assert not [name for name in names if "PYPI_TOKEN" in name and "TEST" not in name]


def _deployed(template: Path, stack_config: Callable[[dict[str, str]], None]) -> Rendering:
    stack_config({"testPypiToken": TEST_PYPI})
    return render(load(template), secret_values=StackSecrets(environ={"CODECOV_TOKEN": CODECOV}))


def test_every_secret_input_is_a_secret_output(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    # With real values, the recorded inputs show "[secret]" only because the engine received them
    # as secret outputs: the mask applies to the wire's secret marker, not to a field name.
    resources = by_name(_deployed(template, stack_config))
    secret_resources = [
        d for d in resources.values() if d.type.endswith(("ActionsSecret", "ActionsEnvironmentSecret"))
    ]
    assert len(secret_resources) == 2  # TEST_PYPI_TOKEN, CODECOV_TOKEN (PYPI_TOKEN is external)
    for declaration in secret_resources:
        assert declaration.inputs["value"] == "[secret]", declaration.name


def test_no_secret_value_in_any_render_format(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    rendering = _deployed(template, stack_config)
    for name, format_ in FORMATS.items():
        text = format_(rendering)
        for value in (TEST_PYPI, CODECOV):
            assert value not in text, name
    assert "[secret]" in "".join(FORMATS["json"](rendering))
    assert TEST_PYPI not in json.dumps([d.inputs for d in rendering.declarations])


def test_empty_environment_variable_counts_as_missing(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    stack_config({"testPypiToken": TEST_PYPI})
    with pytest.raises(ProgramError) as caught:
        render(load(template), secret_values=StackSecrets(environ={"CODECOV_TOKEN": ""}))
    assert len(caught.value.lines()) == 1
    assert "environment variable CODECOV_TOKEN is not set" in caught.value.lines()[0]


class CountingMocks(RenderMocks):
    def __init__(self) -> None:
        super().__init__()
        self.created: list[str] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.created.append(args.name)
        return super().new_resource(args)


def test_nothing_is_declared_when_a_value_is_missing(
    template: Path, stack_config: Callable[[dict[str, str]], None]
) -> None:
    stack_config({})
    mocks = CountingMocks()
    with pytest.raises(ProgramError):
        render(load(template), secret_values=StackSecrets(environ={}), mocks=mocks)
    assert mocks.created == []


def test_a_plaintext_config_value_is_refused_and_never_printed(template: Path) -> None:
    import pulumi

    # `pulumi config set testPypiToken pypi-...` without --secret: the engine hands it over as a plain key
    pulumi.runtime.set_all_config({"repoconf:testPypiToken": TEST_PYPI}, [])
    try:
        with pytest.raises(ProgramError) as caught:
            render(load(template), secret_values=StackSecrets(environ={"CODECOV_TOKEN": CODECOV}))
    finally:
        pulumi.runtime.set_all_config({}, [])
    lines = caught.value.lines()
    assert lines == [
        f"{template}:{line_of(template, 'TEST_PYPI_TOKEN: {config')}:22: error: "
        "defaults.secrets.TEST_PYPI_TOKEN: "
        "secret 'TEST_PYPI_TOKEN' of repository 'widgets' reads stack config testPypiToken, which "
        "is stored unencrypted in the stack's settings file: set it again with `pulumi config set "
        "--secret testPypiToken VALUE` (and rotate the value if that file was ever committed)"
    ]
    assert TEST_PYPI not in str(caught.value)
