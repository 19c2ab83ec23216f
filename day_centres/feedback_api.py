"""The one route of anonymous feedback, `POST /api/v1/feedback`, called by the
kiosk's feedback screen. It reads no credential at all (no session, no terminal
cookie): whatever the request carries, the row it stores holds the mark, the
text, the language and the month, and nothing else. The address counts the
request in the limiter (hashed, for an hour) and is never stored."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import Field, field_validator

from day_centres import feedback
from day_centres.settings import OperatorSettings
from wallet.api.deps import ClientKey, DbDep, RuntimeDep
from wallet.api.errors import error_responses
from wallet.api.schemas import Body
from wallet.clock import now
from wallet.errors import RateLimited

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])

Language = Literal["fr", "nl", "en", "ar", "pl"]


class FeedbackRequest(Body):
    """An opinion: a mark from 1 (very unhappy) to 5 (very happy), the page's
    language, and optionally a few words."""

    rating: Annotated[int, Field(ge=1, le=5, description="1 very unhappy … 5 very happy")]
    language: Annotated[Language, Field(description="the language of the page it was given on")]
    text: Annotated[
        str,
        Field(
            max_length=feedback.TEXT_MAX,
            description="optional words, at most 1000 characters; no control characters "
            "but line breaks and tabs",
        ),
    ] = ""

    @field_validator("rating", mode="before")
    @classmethod
    def _a_number(cls, rating: object) -> object:
        if isinstance(rating, str):  # JSON's "4" is text: the schema says a number
            raise ValueError("a number is needed here, not text")
        return rating

    @field_validator("text")
    @classmethod
    def _typed_text(cls, text: str) -> str:
        if feedback.CONTROL.search(text):
            raise ValueError("must not hold control characters")
        return text


def _settings(runtime: RuntimeDep) -> OperatorSettings:
    settings = runtime.settings
    assert isinstance(settings, OperatorSettings), "pde.settings.Settings has OperatorSettings"
    return settings


@router.post("", status_code=204, responses=error_responses(RateLimited))
def give_feedback(
    body: FeedbackRequest, db: DbDep, runtime: RuntimeDep, client: ClientKey
) -> Response:
    """Keep an anonymous opinion: with the month and the language only, tied to no
    wallet, session, terminal or address. Rate limited per address."""
    feedback.give_feedback(
        db,
        runtime.limiter,
        client,
        _settings(runtime).feedback_per_client_per_hour,
        rating=body.rating,
        text=body.text,
        language=body.language,
        at=now(),
    )
    db.commit()
    return Response(status_code=204)
