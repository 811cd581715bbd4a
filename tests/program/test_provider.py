"""Every `github:*` setting a stack may hold reaches the explicit provider, one test per key."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pulumi
import pytest

from repoconf.errors import RepoconfError
from repoconf.policy.loader import load
from repoconf.program.compose import PROVIDER_KEYS, ProviderSettings, declare
from repoconf.program.secrets import PlaceholderSecrets
from repoconf.render.mocks import Declaration, RenderMocks
from repoconf.render.run import run_under_mocks
from tests.conftest import TEMPLATE

APP = {"id": "123", "installationId": "456", "pemFile": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"}
CASES = {
    "baseUrl": ("https://github.example.com/api/v3/", "https://github.example.com/api/v3/"),
    "insecure": ("true", "true"),
    "maxPerPage": ("50", "50"),
    "maxRetries": ("5", "5"),
    "parallelRequests": ("true", "true"),
    "readDelayMs": ("100", "100"),
    "retryDelayMs": ("2000", "2000"),
    "retryableErrors": ("[500, 502]", "[500, 502]"),
    "writeDelayMs": ("1000", "1000"),
    "token": ("ghp_stack_token_value", "[secret]"),
    "appAuth": (json.dumps(APP), "[secret]"),
}
SECRET = {"token", "appAuth"}


@pytest.fixture
def config() -> Iterator[dict[str, str]]:
    values: dict[str, str] = {}
    yield values
    pulumi.runtime.set_all_config({}, [])


def provider_inputs(values: dict[str, str], secret: set[str]) -> dict[str, object]:
    full = {f"github:{key}": value for key, value in values.items()}
    pulumi.runtime.set_all_config(full, [f"github:{key}" for key in secret])
    loaded = load(TEMPLATE)

    def program() -> None:
        settings = ProviderSettings.from_config(pulumi.Config("github"))
        declare(loaded, PlaceholderSecrets(), owner="acme-sandbox", provider_settings=settings)

    declarations: list[Declaration] = run_under_mocks(program, RenderMocks())
    provider = declarations[0]
    assert provider.type == "pulumi:providers:github"
    return dict(provider.inputs)


def test_every_provider_key_has_a_case() -> None:
    assert set(CASES) == set(PROVIDER_KEYS)


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_key_reaches_the_provider(config: dict[str, str], key: str) -> None:
    value, expected = CASES[key]
    inputs = provider_inputs({key: value}, {key} & SECRET)
    assert inputs[key] == expected
    assert inputs["owner"] == "acme-sandbox"  # repoconf:owner still decides the owner
    assert "ghp_stack_token_value" not in json.dumps(inputs)
    assert "PRIVATE KEY" not in json.dumps(inputs)


@pytest.mark.parametrize(
    ("values", "secret", "message"),
    [
        ({"writeDelayMs": "soon"}, set(), "stack config github:writeDelayMs: expected an integer"),
        ({"insecure": "maybe"}, set(), "stack config github:insecure: expected a boolean"),
        (
            {"retryableErrors": '["500"]'},
            set(),
            "stack config github:retryableErrors: expected an integer list",
        ),
        ({"appAuth": json.dumps(APP)}, set(), "holds a GitHub App private key unencrypted"),
        ({"appAuth": json.dumps({"id": "1"})}, {"appAuth"}, "expected {id, installationId, pemFile}"),
    ],
)
def test_unusable_values_are_one_line_errors(
    config: dict[str, str], values: dict[str, str], secret: set[str], message: str
) -> None:
    pulumi.runtime.set_all_config(
        {f"github:{k}": v for k, v in values.items()}, [f"github:{k}" for k in secret]
    )
    with pytest.raises(RepoconfError, match=message.replace("{", r"\{").replace("}", r"\}")) as caught:
        ProviderSettings.from_config(pulumi.Config("github"))
    assert "PRIVATE KEY" not in str(caught.value)
