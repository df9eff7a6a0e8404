"""The governance API's request and response bodies.

The response models mirror the ``to_dict`` of the registry's records
(`shenhe.domain.principals.Principal`, `shenhe.domain.registry`), field for field. A
principal's identity number appears only as ``id_number_masked``; no model has a field that
could carry it in clear.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from shenhe.api.schemas import StrictIn, Text
from shenhe.domain.apps import AppStatus


class PrincipalIn(StrictIn):
    kind: Literal["enterprise", "individual"]
    name: Text = Field(description="The legal name.", examples=["深圳市某某科技有限公司"])
    uscc: Text | None = Field(
        default=None, description="An enterprise's Unified Social Credit Code (18 characters)."
    )
    id_number: Text | None = Field(
        default=None,
        description="An individual's resident identity number; stored sealed, shown masked.",
    )


class QualificationIn(StrictIn):
    type: Text = Field(description="A qualification type of the catalogue: lending_licence, ...")
    number: Text = Field(description="The licence number as printed.")
    issuer: Text = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verified: bool = Field(
        default=False,
        description="Whether the platform has checked the licence; an unverified one sends "
        "apps that need it to review.",
    )
    actor: Text = Field(default="api", description="Who attaches it (for the audit log).")


class QualificationOut(BaseModel):
    type: str
    number: str
    issuer: str
    valid_from: str | None
    valid_until: str | None
    verified: bool


class PrincipalOut(BaseModel):
    id: int
    kind: Literal["enterprise", "individual"]
    name: str
    uscc: str | None
    id_number_masked: str | None = Field(description="110***********0078; never the number.")
    blacklisted: bool
    blacklisted_until: str | None
    qualifications: list[QualificationOut]
    created_at: str | None


class AppIn(StrictIn):
    appid: Text = Field(examples=["wx1a2b3c4d5e6f7a8b"])
    principal_id: int
    name: Text
    category: Text = Field(description="A category of the catalogue: tools, lending, ...")
    description: Text = ""
    pages: list[Text] = Field(default_factory=list, description="The texts of the app's pages.")
    actor: Text = Field(default="api", description="Who submits it (for the audit log).")


class AppPut(StrictIn):
    name: Text
    category: Text
    description: Text = ""
    pages: list[Text] = Field(default_factory=list)
    actor: Text = "api"


class AppPatch(StrictIn):
    name: Text | None = None
    category: Text | None = None
    description: Text | None = None
    pages: list[Text] | None = None
    actor: Text = "api"


class AppOut(BaseModel):
    appid: str
    principal_id: int
    name: str
    description: str
    category: str
    pages: list[str]
    status: AppStatus
    live: bool = Field(description="Whether users can open it (listed, warned or restricted).")
    version: int
    created_at: str
    updated_at: str


class VersionOut(BaseModel):
    version: int
    name: str
    description: str
    category: str
    pages: list[str]
    actor: str
    created_at: str


class DecisionOut(BaseModel):
    id: int
    appid: str
    version: int
    kind: Literal["submission", "change", "sweep", "manual"]
    outcome: Literal["approve", "review", "reject"]
    reasons: list[str] = Field(description="Reason codes (shenhe.domain.reasons).")
    evidence: dict[str, Any] = Field(
        description="Per surface (app_name, app_description, app_page.N) the verdict that "
        "decided; qualifications; signals."
    )
    actor: str
    policy_version: str
    lexicon_version: str
    created_at: str


class EnforcementOut(BaseModel):
    id: int
    appid: str | None
    principal_id: int
    decision_id: int | None
    rung: Literal["warning", "restrict", "takedown", "ban", "blacklist_principal"]
    step: str
    features: list[str]
    reasons: list[str]
    evidence: dict[str, Any]
    actor: str
    policy_version: str
    lexicon_version: str
    ladder_version: str
    status_set: AppStatus | None
    status_restored: AppStatus | None
    created_at: str
    expires_at: str | None = Field(description="When it lifts by itself; null: permanent.")
    lifted_at: str | None


class DecidedOut(BaseModel):
    appid: str
    status: AppStatus
    outcome: Literal["approve", "review", "reject"]
    reasons: list[str]
    app: AppOut
    decision: DecisionOut
    enforcement: list[EnforcementOut]


class EnforcementIn(StrictIn):
    actor: Text = Field(description="The moderator who decides (not 'system').")
    reasons: list[Text] = Field(min_length=1, examples=[["content.loan"]])
    severity: int | None = Field(
        default=None, ge=1, le=3, description="1 low to 3 high; default: the category's."
    )
    step: Text | None = Field(
        default=None,
        description="A ladder step to apply as it is (warning, takedown_7d, ban_permanent, "
        "blacklist, ...); default: the ladder picks from the severity and the strikes.",
    )
    note: Text = ""


class EnforcedOut(BaseModel):
    appid: str
    actions: list[EnforcementOut]


class HistoryOut(BaseModel):
    appid: str
    versions: list[VersionOut]


class DecisionsOut(BaseModel):
    appid: str
    decisions: list[DecisionOut]


class AuditVerifyOut(BaseModel):
    ok: bool
    records: int
    first_seq: int | None
    head_seq: int
    head_hash: str
    anchor_seq: int
    anchor_hash: str
    first_broken_seq: int | None
    reason: str | None
