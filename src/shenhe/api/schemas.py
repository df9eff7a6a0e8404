"""The HTTP API's request and response bodies.

The response models mirror `shenhe.screening.verdict.Verdict.to_dict` field for field, so the
OpenAPI document at ``/openapi.json`` describes the one Verdict schema the library and the CLI
produce too (a test keeps them in step).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shenhe.errors import InputError
from shenhe.policy.surfaces import DEFAULT_SURFACE, SURFACES, canonical_surface

_SURFACE_HELP = (
    f"Where the text appears; one of {', '.join(SURFACES)}. The policy sets how strict each is."
)


class StrictIn(BaseModel):
    """A request body that refuses fields it does not know (a 422 naming them)."""

    model_config = ConfigDict(extra="forbid")


class _Surfaced(StrictIn):
    """A request naming a surface; an unknown surface is a 422 on ``surface`` listing the known."""

    surface: str = Field(default=DEFAULT_SURFACE, description=_SURFACE_HELP)

    @field_validator("surface")
    @classmethod
    def _known_surface(cls, value: str) -> str:
        try:
            return canonical_surface(value)
        except InputError as exc:
            raise PydanticCustomError("unknown_surface", "{reason}", {"reason": str(exc)}) from None


def _whole_characters(value: str) -> str:
    """Refuse lone surrogates (``"\\ud800"`` escapes): they are not characters and have no UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            "lone_surrogate",
            "has a lone surrogate escape at character {at}; escape whole characters only",
            {"at": exc.start},
        ) from None
    return value


Text = Annotated[str, AfterValidator(_whole_characters)]


class ScreenRequest(_Surfaced):
    text: Text = Field(
        description="The text to screen, at most SHENHE_MAX_TEXT_LENGTH characters (100,000).",
        examples=["无抵押小额贷款，加薇信abc12345"],
    )


class BatchRequest(_Surfaced):
    texts: list[Text] = Field(
        min_length=1,
        description=(
            "The texts to screen, 1 to SHENHE_MAX_BATCH_SIZE (1,000) of them, each at most "
            "SHENHE_MAX_TEXT_LENGTH characters. Verdicts come back in the same order."
        ),
        examples=[["你好", "加微信 abc12345 领取"]],
    )


class LabelOut(BaseModel):
    category: str
    score: float = Field(ge=0.0, le=1.0)
    severity: int


class HitOut(BaseModel):
    term: str = Field(description="The lexicon term found.")
    category: str
    text: str = Field(description="What was written: input[start:end].")
    start: int = Field(description="Code-point offset of the first character.")
    end: int = Field(description="Code-point offset just past the last character.")
    variant: str = Field(description="How the term was disguised: exact, folded, pinyin, ...")


class ContactOut(BaseModel):
    kind: str = Field(description="phone, wechat, qq, url, email, telegram, ...")
    value: str = Field(description="The contact, normalised.")
    text: str = Field(description="What was written: input[start:end].")
    start: int
    end: int


class VerdictOut(BaseModel):
    suggestion: Literal["pass", "review", "block"]
    labels: list[LabelOut]
    hits: list[HitOut]
    contacts: list[ContactOut]


class BatchOut(BaseModel):
    verdicts: list[VerdictOut] = Field(description="One verdict per text, in request order.")


class HealthOut(BaseModel):
    status: Literal["ok"]
    lexicon_version: str
    policy_version: str


class FieldError(BaseModel):
    loc: list[str | int] = Field(description='Path to the field, e.g. ["body", "texts", 3].')
    msg: str
    type: str
    ctx: dict[str, Any] | None = Field(
        default=None, description="For a refused text: the offending `text`, `start`, `end`."
    )


class ErrorOut(BaseModel):
    """Every error response: a sentence for people, and the fields at fault for programs."""

    detail: str = Field(description="What was wrong and what to do about it.")
    errors: list[FieldError] = Field(
        default_factory=list, description="For 422: each field at fault and why."
    )
