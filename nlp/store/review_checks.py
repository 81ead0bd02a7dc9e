"""The review rules both backends apply before they write: who may be named as reviewer,
and the message of a refused save (the optimistic version check)."""
from __future__ import annotations

from typing import Any

from ..records import FieldError, check_text
from .errors import ConflictError, ValidationError


def checked_reviewer(reviewer: Any) -> str:
    """The reviewer's name as the record contract accepts it; ValidationError otherwise."""
    try:
        return check_text("reviewer", reviewer, optional=False)  # type: ignore[return-value]
    except FieldError as exc:
        raise ValidationError(str(exc)) from None


def conflict(before: dict[str, Any], expected_version: int) -> ConflictError:
    """The error of a save made on a version that is no longer the stored one (`before`)."""
    return ConflictError(
        f"record {before['rid']} was changed meanwhile (by {before['reviewer'] or 'a re-ingest'}, now version "
        f"{before['version']}, you saw {expected_version}); reload it and review again", before)
