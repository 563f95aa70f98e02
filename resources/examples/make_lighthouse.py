"""Builds ``lighthouse.previz``, the example project: run it to regenerate the file.

Scene 010, "The Keeper", at dusk on the lighthouse cliff: the keeper walks the cliff path and
a visitor waiting by the lamp post steps out to meet him. Every shot looks into that one scene
at its own window of scene time: a title card, an establishing wide with a slow push-in, a
medium that pans, an extension of it, a close-up on an 85 mm with a dolly-zoom, a bridge into
a shot that starts on a painted frame, and a 16 fps shot retimed to 24. Ids are fixed (UUID5
of each name) so the file only changes when its content does.
"""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from previz.core.cast import Character
from previz.core.locations import Light, Location, SetPiece
from previz.core.project import Asset, Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import default_registry
from previz.io import save_project

HERE = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("6f1c3c0e-9a57-4c8a-9a0f-3f6a1d2b7c10")
KEEPER = Character(
    str(uuid.uuid5(NAMESPACE, "cast/Keeper")), "Keeper", height=1.8, build="broad",
    skin="#c89a7a", hair="#d0d0cc", wardrobe=("#d8a020", "#2a2a30"),
    description="the lighthouse keeper, in his sixties, grey beard, a yellow oilskin coat")
VISITOR = Character(
    str(uuid.uuid5(NAMESPACE, "cast/Visitor")), "Visitor", height=1.66, build="slight",
    skin="#e0b8a0", hair="#5a3018", wardrobe=("#a02828", "#303848"),
    description="a young woman in a red wool coat, a letter in her hand")


def piece(kind: str, name: str, **fields: Any) -> SetPiece:
    """A set piece of the cliff with a fixed id."""
    made = SetPiece.of_kind(kind, name, **fields)
    return SetPiece(str(uuid.uuid5(NAMESPACE, f"piece/{name}")), **{
        key: value for key, value in vars(made).items() if key not in ("id", "extra")})


CLIFF = Location(
    str(uuid.uuid5(NAMESPACE, "location/Lighthouse Cliff")), "Lighthouse Cliff", setting="EXT",
    description="a white lighthouse on a grassy cliff above the sea; a bench and an old lamp"
                " post beside the cliff path", ground="grass",
    set_pieces=(piece("tower", "Lighthouse", x=9.0, z=40.0, width=5.0, depth=5.0, height=14.0),
                piece("bench", "Bench", x=1.8, z=3.2),
                piece("lamp_post", "Lamp post", x=3.6, z=3.8),
                piece("wall", "Cliff wall", x=-1.0, z=8.0, width=9.0, height=0.9,
                      colour="#8a8478")),
    lights=(Light(str(uuid.uuid5(NAMESPACE, "light/lamp")), "Lamp post lamp", 3.6, 4.0, 3.8,
                  "#ffd8a0", 1.0),),
)
# The keeper walks the path to his mark, turns to the lamp, then goes to meet the visitor,
# who has waited by the lamp post watching him and steps out to meet him.
BLOCKING = [
    {"character": KEEPER.id, "time": 0.0, "x": -2.4, "z": -1.8},
    {"character": KEEPER.id, "time": 0.0, "x": 0.0, "z": 0.0, "speed": 0.75, "facing": 25.0},
    {"character": KEEPER.id, "time": 6.5, "x": 0.0, "z": 0.0, "travel": 0.5, "facing": 0.0},
    {"character": KEEPER.id, "time": 8.0, "x": -1.5, "z": 4.0, "speed": 1.5,
     "look_at": VISITOR.id},
    {"character": VISITOR.id, "time": 0.0, "x": 2.4, "z": 2.4, "look_at": KEEPER.id},
    {"character": VISITOR.id, "time": 9.0, "x": -0.4, "z": 4.3, "speed": 1.0,
     "look_at": KEEPER.id},
]


def node_id(name: str) -> str:
    """The fixed id of a node of the example."""
    return str(uuid.uuid5(NAMESPACE, name))


def painting() -> bytes:
    """The painted frame shot 0040 starts on: the lighthouse on its cliff at dusk."""
    image = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(image)
    for row in range(720):
        t = row / 719
        draw.line([(0, row), (1279, row)],
                  fill=(int(60 + 170 * t), int(60 + 70 * t), int(120 - 30 * t)))
    draw.polygon([(0, 520), (700, 470), (1280, 560), (1280, 720), (0, 720)], fill=(40, 44, 40))
    draw.rectangle([(840, 230), (900, 480)], fill=(225, 220, 210))
    draw.rectangle([(840, 300), (900, 330)], fill=(170, 40, 40))
    draw.rectangle([(832, 200), (908, 232)], fill=(250, 230, 150))
    draw.polygon([(828, 200), (870, 160), (912, 200)], fill=(60, 60, 70))
    draw.ellipse([(400, 380), (430, 410)], fill=(30, 30, 36))
    draw.rectangle([(396, 408), (434, 500)], fill=(30, 30, 36))
    return _png(image)


def title_card() -> bytes:
    """The title card the cut opens on."""
    image = Image.new("RGB", (1280, 720), (12, 12, 16))
    draw = ImageDraw.Draw(image)
    draw.text((640, 330), "THE KEEPER", font=ImageFont.load_default(size=96),
              fill=(235, 225, 200), anchor="mm")
    draw.text((640, 430), "previz, scene 010", font=ImageFont.load_default(size=36),
              fill=(150, 145, 135), anchor="mm")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class _Builder:
    def __init__(self) -> None:
        self.registry = default_registry()
        self.project = Project(Settings(width=1280, height=720))
        self.column = 0
        self.band = 0  # rows below the first band: the meeting's coverage sits under the walk
        self.taken: set[tuple[int, int]] = set()
        self.project.put_character(KEEPER)
        self.project.put_character(VISITOR)
        self.project.put_location(CLIFF)
        self.scene = self.node(
            "Scene 010", "previz.scene", 3, number="010", heading="The Keeper",
            location=CLIFF.id, time_of_day="dusk", cast=[KEEPER.id, VISITOR.id],
            blocking=BLOCKING, action="The keeper walks the cliff path to the lighthouse; the"
            " visitor waiting by the lamp post steps out to meet him.")

    def node(self, key: str, type_id: str, row: int, **params: Any) -> Node:
        spec = self.registry.get(type_id)
        assert spec is not None
        row += self.band
        while (self.column, row) in self.taken:
            row += 1
        self.taken.add((self.column, row))
        node = Node(node_id(key), type_id, {**spec.spec.defaults(), **params},
                    (self.column * 300.0, row * 240.0))
        self.project.add_node(node)
        return node

    def link(self, source: Node, port: str, target: Node, target_port: str) -> None:
        link_id = str(uuid.uuid5(NAMESPACE, f"{source.id}.{port}->{target.id}.{target_port}"))
        self.project.add_link(Link(link_id, PortRef(source.id, port),
                                   PortRef(target.id, target_port)))

    def shot(self, name: str, prompt: Node, move: dict[str, Any] | None, **params: Any) -> Node:
        self.column += 1
        shot = self.node(name, "previz.shot", 1, name=name, **{"subject": "Keeper", **params})
        del shot.params["subjects"]  # the scene says who is where
        self.link(self.scene, "scene", shot, "scene")
        self.link(prompt, "prompt", shot, "prompt")
        if move is not None:
            self.link(self.move(**move), "moves", shot, "camera")
        return shot

    def move(self, name: str, move: str, amount: float, unit: str, **params: Any) -> Node:
        return self.node(name, "previz.camera_move", 2, move=move, amount=amount, unit=unit,
                         **params)

    def asset(self, data: bytes, name: str) -> str:
        asset = Asset.from_bytes(data, name, "png")
        self.project.add_asset(asset)
        return asset.sha256


def build() -> Project:
    """The example project."""
    b = _Builder()
    dusk = b.node("Dusk prompt", "previz.prompt", 0, text=(
        "Wind combs the grass; the lamp is about to be lit."), style="cinematic")
    close = b.node("Close prompt", "previz.prompt", 0, text=(
        "Close on the keeper's weathered face as he looks up at the lamp; the world behind"
        " him stretches away."), style="cinematic")
    title = b.node("Title", "previz.still", 1, image=b.asset(title_card(), "title.png"),
                   duration=2.0)
    wide = b.shot("Establishing", dusk, {"name": "Push-in", "move": "dolly", "amount": 2.0,
                                         "unit": "m", "easing": "ease-in-out"},
                  scene="010", shot="0010", scene_in=0.0, duration=4.0, shot_size="wide", lens=24.0)
    medium = b.shot("Keeper walks", dusk,
                    {"name": "Pan", "move": "pan", "amount": 12.0, "unit": "deg"}, scene="010",
                    shot="0020", scene_in=4.0, duration=3.0, shot_size="medium", lens=35.0)
    b.column += 1
    extend = b.node("Tilt to the lamp", "previz.extend", 1, added_duration=2.0)
    b.link(medium, "clip", extend, "clip")
    b.link(b.move("Tilt up", "tilt", 10.0, "deg"), "moves", extend, "camera")
    closeup = b.shot("The lamp", close,
                     {"name": "Vertigo", "move": "dolly_zoom", "amount": 1.2, "unit": "m"},
                     scene="010",
                     shot="0030", scene_in=5.0, duration=3.0, shot_size="close_up", lens=85.0,
                     angle="low")
    postcard = b.shot("Postcard", dusk, {"name": "Drift", "move": "truck", "amount": 1.0,
                                         "unit": "m", "easing": "linear"},
                      scene="010", shot="0040", scene_in=10.0, duration=3.0, shot_size="full",
                      lens=35.0)
    painted = b.node("Painted frame", "previz.image", 2,
                     image=b.asset(painting(), "lighthouse_painting.png"), role="first_frame")
    b.link(painted, "conditioning", postcard, "conditioning")
    b.column += 1
    bridge = b.node("Bridge", "previz.interpolate", 1, bridge_duration=2.0)
    b.link(closeup, "clip", bridge, "clip_a")
    b.link(postcard, "clip", bridge, "clip_b")
    gulls = b.shot("Gulls at 16", dusk, None, scene="010", shot="0050", scene_in=13.0,
                   duration=3.0,
                   shot_size="extreme_wide", lens=18.0, fps="16", angle="low")
    b.column += 1
    retime = b.node("To 24", "previz.retime", 1, mode="rate", target_fps="24",
                    method="optical_flow")
    b.link(gulls, "clip", retime, "clip")
    coverage = _meeting(b, dusk)
    for index, node in enumerate((title, wide, extend, closeup, bridge, postcard, retime,
                                  *coverage)):
        entry_id = str(uuid.uuid5(NAMESPACE, f"entry {index}"))
        b.project.insert_entry(index, TimelineEntry(entry_id, node.id))
    return b.project


def _meeting(b: _Builder, dusk: Node) -> list[Node]:
    """Coverage of the meeting by the lamp post, all from the sea's side of the line between
    the two (the -z side, where the master stands): a two-shot, an over-the-shoulder pair, a
    close single on each (a three-quarter face, each looking across the frame toward the
    other) and an insert of the lamp, cut in that order. They sit in a band of their own under
    the walk's shots, so the whole graph frames at a readable size."""
    b.column, b.band = 0, 4
    letter = b.node("Letter prompt", "previz.prompt", 0, text=(
        "She holds out the letter; he does not take it yet."), style="cinematic")
    two = b.shot("Two-shot", dusk, None, scene="010", shot="0060", scene_in=12.5,
                 duration=3.0, shot_size="medium_wide", framing="two_shot", lens=35.0)
    her_ots = b.shot("Over him onto her", letter, None, scene="010", shot="0070",
                     scene_in=13.0, duration=2.5, shot_size="medium_close_up",
                     framing="over_the_shoulder", lens=50.0, subject="Visitor")
    his_ots = b.shot("Over her onto him", letter, None, scene="010", shot="0080",
                     scene_in=13.5, duration=2.5, shot_size="medium_close_up",
                     framing="over_the_shoulder", lens=50.0, subject="Keeper")
    her_single = b.shot("Her single", letter, None, scene="010", shot="0090",
                        scene_in=14.0, duration=2.0, shot_size="close_up", lens=85.0,
                        subject="Visitor", side=-35.0)
    his_single = b.shot("His single", letter, None, scene="010", shot="0100", scene_in=14.5,
                        duration=2.0,
                        shot_size="close_up", lens=85.0, subject="Keeper", side=70.0)
    insert = b.shot("The lamp lit", dusk, None, scene="010", shot="0110", scene_in=15.0,
                    duration=2.0, shot_size="medium", lens=50.0, subject="Lamp post",
                    angle="low")
    return [two, her_ots, his_ots, her_single, his_single, insert]


def main() -> int:
    """Write the example next to this script."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "lighthouse.previz"
    save_project(build(), target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
