"""The governance model: pure data and rules, no ORM, no I/O (see docs/architecture.md).

- `identity`: identity numbers checked and normalised (`parse_uscc`, `parse_id_number`,
  `parse_mobile`), shown masked;
- `pii`: personal information sealed (AES-GCM), found by a blind index (HMAC), shown masked;
- `qualifications` and `catalogue`: the licences a principal holds and which ones each
  service category needs;
- `errors`: the domain's exception tree.
"""

from shenhe.domain.catalogue import Catalogue, Category, QualificationType, Requirement
from shenhe.domain.credit_code import CreditCode, parse_uscc
from shenhe.domain.errors import (
    CatalogueError,
    CategoryError,
    DomainError,
    IdentityError,
    PiiError,
    PiiKeyError,
    QualificationError,
    TamperedError,
)
from shenhe.domain.identity import MobileNumber, ResidentId, parse_id_number, parse_mobile
from shenhe.domain.masking import mask_id_number, mask_mobile, mask_uscc
from shenhe.domain.pii import Keyring, PiiKeys, SealedValue, blind_index, seal, unseal
from shenhe.domain.qualifications import Qualification

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Category",
    "CategoryError",
    "CreditCode",
    "DomainError",
    "IdentityError",
    "Keyring",
    "MobileNumber",
    "PiiError",
    "PiiKeyError",
    "PiiKeys",
    "Qualification",
    "QualificationError",
    "QualificationType",
    "Requirement",
    "ResidentId",
    "SealedValue",
    "TamperedError",
    "blind_index",
    "mask_id_number",
    "mask_mobile",
    "mask_uscc",
    "parse_id_number",
    "parse_mobile",
    "parse_uscc",
    "seal",
    "unseal",
]
