"""The cast's reference images as identity references for the model that renders a shot."""

from __future__ import annotations

from dataclasses import dataclass

from previz.core.scene import SceneValue

#: The key of ``RenderRequest.extra`` that carries a scene shot's identity references.
EXTRA_KEY = "identity"


@dataclass(frozen=True)
class Identity:
    """One reference image (an asset hash) of one character, by the character's name."""

    character: str
    asset: str


def scene_identities(scene: SceneValue, main: str = "") -> tuple[Identity, ...]:
    """Every reference image of the scene's cast, the framed character's first (``main``:
    a character's name or id; by default the scene's first character)."""
    framed = scene.character(main) if main else None
    cast = sorted(scene.cast, key=lambda character: character is not framed)
    return tuple(Identity(character.name, asset) for character in cast
                 for asset in character.references)
