"""GitHub's answers through response models: a misfit is one line naming the request and the field.

The models live with their concepts (or, for issues and comments, with the operation that reads them);
this is the one place an answer that does not fit becomes an :class:`UnusableResponse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from repoconf.github.errors import UnusableResponse

Model = TypeVar("Model", bound=BaseModel)


def parse_answer(model: type[Model], raw: Any, request: str) -> Model:
    """One response object through its model."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the object"
        raise UnusableResponse(f"{request}: GitHub's answer does not fit ({where}: {first['msg']})") from None


def parse_answers(model: type[Model], items: Iterable[Any], request: str) -> list[Model]:
    """Every item of a listing through its model."""
    return [parse_answer(model, item, request) for item in items]
