"""The cast: characters with the height, build, looks and references every shot keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from previz.core import records
from previz.core.ids import new_id

SCHEMA = "Character.1"
BUILDS = ("slight", "average", "broad")
FIGURES = ("adult", "child")
MIN_HEIGHT, MAX_HEIGHT = 0.4, 2.6
_FIELDS = {"schema", "name", "height", "build", "figure", "skin", "hair", "wardrobe",
           "description", "references"}


@dataclass(frozen=True)
class Character:
    """One character: height in metres, colours as ``#rrggbb``, reference images by hash.

    ``wardrobe`` is the colours of what they wear, top first. ``description`` is what a model
    backend puts in the prompt; ``references`` are the images it gets as identity references.
    """

    id: str
    name: str
    height: float = 1.75
    build: str = "average"
    figure: str = "adult"
    skin: str = "#c8a088"
    hair: str = "#3a2a20"
    wardrobe: tuple[str, ...] = ("#506070", "#303840")
    description: str = ""
    references: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def new(cls, name: str, **fields: Any) -> Character:
        """A character with a fresh id."""
        return cls(new_id(), name, **fields)

    def to_dict(self) -> dict[str, Any]:
        """The stored form (its id is the key it is stored under)."""
        return {
            **self.extra, "schema": SCHEMA, "name": self.name, "height": self.height,
            "build": self.build, "figure": self.figure, "skin": self.skin, "hair": self.hair,
            "wardrobe": list(self.wardrobe), "description": self.description,
            "references": list(self.references),
        }

    def prompt_words(self) -> str:
        """How a prompt names this character: the name and the description."""
        return f"{self.name}: {self.description.strip()}" if self.description.strip() else self.name


def character_from_dict(key: str, data: Any, where: str) -> Character:
    """A character from its stored form; ``ProjectError`` naming the field when malformed."""
    records.identifier(key, where)
    data = records.record(data, where)
    records.schema(data, SCHEMA, where)
    wardrobe = records.items(data.get("wardrobe", ["#506070", "#303840"]), f"{where}.wardrobe",
                             limit=8)
    return Character(
        id=key,
        name=records.text(data.get("name"), f"{where}.name", allow_empty=False, limit=200),
        height=records.number(data.get("height", 1.75), f"{where}.height", MIN_HEIGHT,
                              MAX_HEIGHT),
        build=records.choice(data.get("build", "average"), BUILDS, f"{where}.build"),
        figure=records.choice(data.get("figure", "adult"), FIGURES, f"{where}.figure"),
        skin=records.colour(data.get("skin", "#c8a088"), f"{where}.skin"),
        hair=records.colour(data.get("hair", "#3a2a20"), f"{where}.hair"),
        wardrobe=tuple(records.colour(item, f"{where}.wardrobe[{index}]")
                       for index, item in enumerate(wardrobe)),
        description=records.text(data.get("description", ""), f"{where}.description"),
        references=records.asset_hashes(data.get("references", []), f"{where}.references"),
        extra={name: value for name, value in data.items() if name not in _FIELDS},
    )


def check_character(character: Character) -> None:
    """Raise ``ProjectError`` if an edited character would not load back."""
    character_from_dict(character.id, character.to_dict(), f"cast.{character.name}")
