"""Integers of request bodies are numbers, never JSON's true or false: Python's
bool is an int, so without a check `"max_files": true` was taken as 1 (the
OpenAPI fuzz test found it on POST /deposit-links). The OpenAPI schema is
not changed by the check."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from share_links.schemas import ShareCreateRequest
from wallet.api.schemas import (
    DepositDeclareRequest,
    DepositLinkCreateRequest,
    TrusteeSetupRequest,
    WalletTrusteeRequest,
)

CASES: list[tuple[type[BaseModel], str]] = [
    (DepositDeclareRequest, "size"),
    (DepositLinkCreateRequest, "max_files"),
    (DepositLinkCreateRequest, "expires_in"),
    (ShareCreateRequest, "max_opens"),
    (ShareCreateRequest, "expires_in"),
    (TrusteeSetupRequest, "threshold"),
    (WalletTrusteeRequest, "x"),
]


def errors_about(model: type[BaseModel], body: dict[str, Any], field: str) -> list[str]:
    try:
        model.model_validate(body)
    except ValidationError as error:
        return [str(e["msg"]) for e in error.errors() if e["loc"][:1] == (field,)]
    return []


@pytest.mark.parametrize(("model", "field"), CASES, ids=lambda c: getattr(c, "__name__", c))
@pytest.mark.parametrize("boolean", [True, False])
def test_true_or_false_is_not_a_number(model: type[BaseModel], field: str, boolean: bool) -> None:
    assert any(
        "not true or false" in message for message in errors_about(model, {field: boolean}, field)
    )


@pytest.mark.parametrize(("model", "field"), CASES, ids=lambda c: getattr(c, "__name__", c))
def test_a_number_still_passes_the_check(model: type[BaseModel], field: str) -> None:
    assert not any("not true or false" in m for m in errors_about(model, {field: 3}, field))
