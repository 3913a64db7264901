"""The ``themes`` config section: theme definitions and how they are scored.

Examples
--------
>>> cfg = ThemesConfig.model_validate({"nato": {"description": "Beitritt", "seeds": ["Beitritt"]}})
>>> list(cfg.definitions), cfg.settings.expand_terms
(['nato'], 10)
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from toolkit.experiment.section import Section


class ThemeDefinition(Section):
    description: str
    seeds: list[str] = Field(min_length=1)


class ThemeSettings(Section):
    """How themes are scored; lives under ``themes.settings``. ``None``: the library's
    calibrated default (``toolkit.themes.scorer.DEFAULT_*``, recorded in the manifest)."""

    threshold: float | None = Field(
        None, ge=0, description="least combined score (background z-units); below: `none`"
    )
    lexical_weight: float | None = Field(None, ge=0, description="seed and expansion terms")
    gloss_weight: float | None = Field(
        None, ge=0, description="English-gloss similarity to the description (the context)"
    )
    prototype_weight: float | None = Field(
        None, ge=0, description="gloss similarity to the theme's self-trained paragraphs"
    )
    tfidf_weight: float | None = Field(
        None, ge=0, description="TF-IDF similarity (lemmas and compound parts) to them"
    )
    embedding_weight: float | None = Field(
        None, ge=0, description="sentence-vector similarity to them"
    )
    topic_weight: float = Field(0.0, ge=0)
    support_z: float | None = Field(
        None, description="least context z-score that supports a seed occurrence"
    )
    member_z: float | None = Field(
        None, description="least context z-score of a self-trained member paragraph"
    )
    self_training_rounds: int | None = Field(None, ge=0)
    expand_terms: int = Field(10, ge=0, description="co-occurring terms added per theme")
    min_expansion_paragraphs: int = Field(
        50,
        ge=0,
        description="expand the seeds only in corpora of at least this many paragraphs (below, "
        "co-occurrence is mostly noise; expansion helped on dev subsets of 50 and more)",
    )
    gloss: bool = Field(
        True, description="context through the English gloss; false: seeds, expansion, TF-IDF"
    )
    context_share: float = Field(
        1.0,
        ge=0,
        le=1,
        description="static or german input: the context reads the seeded paragraphs and this "
        "share of the rest, by a first pass; the others are `none` (toolkit.themes.cascade)",
    )


class ThemesConfig(Section):
    """``themes: {settings: {...}, <name>: {description, seeds}, ...}``."""

    settings: ThemeSettings = Field(default_factory=ThemeSettings)
    definitions: dict[str, ThemeDefinition] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _split_definitions(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "definitions" in data:
            return data
        data = dict(data)
        settings = data.pop("settings", {})
        return {"settings": settings, "definitions": data}

    @field_validator("definitions")
    @classmethod
    def _at_least_one(cls, value: dict[str, ThemeDefinition]) -> dict[str, ThemeDefinition]:
        if not value:
            raise ValueError("define at least one theme: {name: {description: ..., seeds: [...]}}")
        for name in value:
            if name == "none" or not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
                raise ValueError(f"theme name {name!r}: use letters, digits, _ or -, not 'none'")
        return value
