"""GitHub's OpenAPI schemas (``standin/reference/SCHEMA_*.json``, from github/rest-api-description) as
JSON Schema, checked by the ``jsonschema`` library: the stand-in refuses a ruleset body that breaks them
(422, as GitHub does) and the tests hold the stand-in's answers to them.

The schemas are OpenAPI 3.0, so three things are translated, nothing else is interpreted here:
``nullable: true`` is JSON Schema's ``null`` type (and ``null`` joins an ``enum``); ``$ref`` to
``#/components/schemas/NAME`` is the vendored component inlined, or any value where that component is
not vendored; an object with ``properties`` admits no other key (the stand-in holds GitHub to its
schemas strictly, so a misspelt parameter is refused rather than silently kept).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from standin.github import reference

COMPONENTS = "#/components/schemas/"


def json_schema(schema: Mapping[str, Any], components: Mapping[str, Any]) -> dict[str, Any]:
    """One OpenAPI schema as JSON Schema, its references to ``components`` inlined."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(COMPONENTS)
        return json_schema(components[name], components) if name in components else {}
    converted: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword == "properties":
            converted[keyword] = {key: json_schema(item, components) for key, item in value.items()}
            converted.setdefault("additionalProperties", False)
        elif keyword == "items":
            converted[keyword] = json_schema(value, components)
        elif keyword in ("oneOf", "anyOf", "allOf"):
            converted[keyword] = [json_schema(item, components) for item in value]
        elif keyword != "nullable":
            converted[keyword] = value
    if schema.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


@functools.cache
def _validator(document: str, name: str) -> Draft202012Validator:
    components = reference(document)
    return Draft202012Validator(json_schema(components[name], components))


def problems(document: str, name: str, value: Any, where: str = "") -> list[str]:
    """Where ``value`` breaks the component ``name`` of the reference schema ``document``, each as
    ``/json/pointer: what`` (empty: it conforms).
    """
    errors = _validator(document, name).iter_errors(value)
    return sorted(f"{where}{_pointer(error.absolute_path)}: {error.message}" for error in errors)


def _pointer(path: Iterable[Any]) -> str:
    return "".join(f"/{part}" for part in path)


RULE_TYPES = "SCHEMA_repository-rule-types"
"""The vendored rule, bypass-actor, enforcement and conditions schemas of repository rulesets."""


@functools.cache
def rule_schemas() -> dict[str, str]:
    """The rule schemas' component names by the rule type each describes (its ``title``)."""
    return {
        schema["title"]: name
        for name, schema in reference(RULE_TYPES).items()
        if name.startswith("repository-rule-") and "title" in schema
    }
