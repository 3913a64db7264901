"""The base of every config section (:mod:`toolkit.experiment.schema` has the sections)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are validated on assignment,
    and types are strict (``true`` is not a number, ``"3"`` is not an integer)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)
