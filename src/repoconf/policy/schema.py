"""The policy's JSON Schema, generated from the model.

``defaults`` follows :class:`RepositorySettings` exactly. A repository entry, and a selector's
``settings``, is an *override*: every field is optional (it may inherit the rest) and may be ``null``
(removing an inherited key), so its definitions are relaxed copies, named ``<Name>Override``. Secret
sources stay whole: they replace.
"""

from __future__ import annotations

import copy
from typing import Any

from repoconf.policy.model import PolicyDocument

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ATOMIC = {"ConfigSource", "EnvSource"}
TOP_LEVEL = {"Selector", "RepositoryMatch"}
"""Parts of the file itself, never of an override."""
REF_PREFIX = "#/$defs/"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "null" or any(
        option.get("type") == "null" for option in schema.get("anyOf", [])
    ):
        return schema
    description = schema.get("description")
    relaxed: dict[str, Any] = {"anyOf": [schema, {"type": "null"}]}
    if description:
        relaxed["description"] = description
    return relaxed


def _override_refs(node: Any, relaxed: set[str]) -> Any:
    """Point references at the override definitions; list items replace whole, so stay strict."""
    if isinstance(node, dict):
        result = {
            key: value if key == "items" else _override_refs(value, relaxed) for key, value in node.items()
        }
        ref = result.get("$ref")
        if isinstance(ref, str) and ref[len(REF_PREFIX) :] in relaxed:
            result["$ref"] = f"{ref}Override"
        return result
    if isinstance(node, list):
        return [_override_refs(item, relaxed) for item in node]
    return node


def _override(definition: dict[str, Any], names: set[str]) -> dict[str, Any]:
    relaxed: dict[str, Any] = _override_refs(copy.deepcopy(definition), names)
    relaxed.pop("required", None)
    if "properties" in relaxed:
        relaxed["properties"] = {key: _nullable(value) for key, value in relaxed["properties"].items()}
    if isinstance(relaxed.get("additionalProperties"), dict):
        relaxed["additionalProperties"] = _nullable(relaxed["additionalProperties"])
    if "title" in relaxed:
        relaxed["title"] = f"{relaxed['title']} (override)"
    return relaxed


def policy_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a policy file."""
    schema = PolicyDocument.model_json_schema(by_alias=True)
    definitions: dict[str, Any] = schema["$defs"]
    relaxed = {
        name
        for name, definition in definitions.items()
        if name not in ATOMIC | TOP_LEVEL and "properties" in definition
    }
    for name in sorted(relaxed):
        definitions[f"{name}Override"] = _override(definitions[name], relaxed)
    repositories = schema["properties"]["repositories"]
    entry = {"anyOf": [{"$ref": f"{REF_PREFIX}RepositorySettingsOverride"}, {"type": "null"}]}
    repositories["patternProperties"] = dict.fromkeys(repositories["patternProperties"], entry)
    repositories["additionalProperties"] = False
    override = {"anyOf": [{"$ref": f"{REF_PREFIX}RepositorySettingsOverride"}, {"type": "null"}]}
    definitions["Selector"]["properties"]["settings"] = {
        **definitions["Selector"]["properties"]["settings"],
        **override,
    }
    schema["properties"]["selectors"]["additionalProperties"] = False
    return {"$schema": SCHEMA_DIALECT, **schema}
