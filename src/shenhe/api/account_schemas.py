"""The accounts API's request and response bodies.

`AccountOut` mirrors `shenhe.domain.accounts.Account.to_dict` field for field: the identity
appears only masked; no response model has a field that could carry it in clear (the reveal
route's `RevealOut` is the one exception, and it requires the ``pii_reveal`` role).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shenhe.api.schemas import StrictIn, Text


class AccountIn(StrictIn):
    kind: Literal["individual", "organisation"]
    name: Text = Field(description="The legal name of the person or organisation.")
    mobile: Text = Field(description="A mainland mobile number; confirmed later by SMS code.")
    id_number: Text | None = Field(
        default=None, description="An individual's resident identity number (18 characters)."
    )
    uscc: Text | None = Field(
        default=None, description="An organisation's Unified Social Credit Code (18 characters)."
    )
    responsible_name: Text | None = Field(
        default=None, description="An organisation's responsible person: the legal name."
    )
    responsible_id_number: Text | None = Field(
        default=None, description="An organisation's responsible person: identity number."
    )


class RightsOut(BaseModel):
    allowed: bool
    code: str
    reason: str


class AccountOut(BaseModel):
    id: int
    kind: str
    status: str
    identity: dict[str, str] = Field(description="Each identity field, masked.")
    identity_status: str
    identity_verified_at: str | None
    identity_due_at: str | None
    mobile_verified: bool
    mobile_verified_at: str | None
    created_at: str
    closed_at: str | None
    close_reason: str | None
    deleted_at: str | None
    publishing: RightsOut


class CodeSentOut(BaseModel):
    expires_at: str


class CodeIn(StrictIn):
    code: Text = Field(description="The six-digit code sent by SMS.")


class CloseIn(StrictIn):
    reason: Text = Field(description="Why (goes into the audit log), at least 4 characters.")
    blacklist: bool = Field(default=False, description="Bar the identity from registering again.")
    days: int | None = Field(
        default=None, ge=1, le=36500, description="Blacklist for N days (default: for good)."
    )
    permanent: bool = Field(default=False, description="Blacklist for good.")


class RevealIn(StrictIn):
    field: Text = Field(description="name, id_number, mobile, uscc, responsible_name, ...")
    reason: Text = Field(description="Why the clear value is needed (audited).")


class PrincipalRevealIn(StrictIn):
    reason: Text = Field(description="Why the clear value is needed (audited).")


class RevealOut(BaseModel):
    field: str
    value: str


class ReasonIn(StrictIn):
    reason: Text = Field(description="Why (goes into the audit log), at least 4 characters.")
