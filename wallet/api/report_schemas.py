"""Request and response bodies of reporting a link (docs/api.md, "Reporting a link"):
a reason from the list and a short text the operator reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from wallet.api.schemas import Body

# A reporter's text: no control character but tab and line breaks (a lone surrogate is
# refused as any string's: not Unicode).
REPORT_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class LinkReportRequest(Body):
    reason: Literal["harmful", "mistake", "fraud", "other"] = Field(
        description="harmful or unwanted content, sent to me by mistake, looks like fraud "
        "or phishing, other"
    )
    text: str = Field(
        default="",
        max_length=500,
        description="optional, read by the operator; no control characters",
        json_schema_extra={"pattern": REPORT_TEXT_PATTERN},
    )

    @field_validator("text")
    @classmethod
    def _printable(cls, text: str) -> str:
        if any((ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0 for c in text):
            raise ValueError("control characters are not allowed")
        return text


class LinkReportResponse(BaseModel):
    status: Literal["received"]
