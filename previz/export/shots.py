"""What a timeline entry is, in film words: slate, framing, lens, moves, prompt, notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from previz.core.camera import moves_label
from previz.core.ports import PortType
from previz.core.project import Project
from previz.core.values import Clip, MoveValue
from previz.engine.plan import ExecutionPlan

SIZE_LABELS = {
    "extreme_close_up": "ECU", "close_up": "CU", "medium_close_up": "MCU", "medium": "MS",
    "medium_wide": "MWS", "full": "FS", "wide": "WS", "extreme_wide": "EWS",
}
ANGLE_LABELS = {"eye": "eye level", "high": "high angle", "low": "low angle",
                "birds_eye": "bird's eye", "worms_eye": "worm's eye"}
CAMERA_MOVE = "previz.camera_move"
FOOT = 0.3048
# Inputs followed to find the shot a clip came from, most telling first.
_CLIP_INPUTS = ("clip", "clip_a", "clip_b")


@dataclass(frozen=True)
class ShotInfo:
    """One entry of the cut as a shooting script knows it.

    ``scene`` and ``shot`` come from the entry's node or, for a clip made from a shot (an
    extension, a bridge, a retime: ``derived``), from that shot. ``moves`` are those feeding
    the node's own camera input when it has one (a shot, an extension); a node that passes
    one clip through (a retime) shows its shot's moves; anything else (a bridge, a still) is
    static.
    """

    kind: str
    derived: bool = False
    scene: str = ""
    shot: str = ""
    name: str = ""
    size: str = ""
    angle: str = ""
    lens_mm: float | None = None
    sensor: str = ""
    moves: tuple[MoveValue, ...] = ()
    prompt: str = ""
    dialogue: str = ""
    notes: str = ""
    subjects: tuple[str, ...] = ()
    seed: int | None = None
    backend: str = ""
    model: str = ""

    @property
    def slate(self) -> str:
        """``010_0010``, or empty when the entry comes from no shot."""
        return f"{self.scene}_{self.shot}" if self.scene and self.shot else ""

    @property
    def move_label(self) -> str:
        """``dolly in 2 m``, ``pan right 12°, then tilt up 5°``, ``static``."""
        return moves_label(self.moves)

    @property
    def has_move(self) -> bool:
        """Whether the camera moves in this shot."""
        return self.move_label != "static"

    @property
    def lens_label(self) -> str:
        """``35 mm``, or empty."""
        return f"{self.lens_mm:g} mm" if self.lens_mm else ""

    def to_metadata(self) -> dict[str, Any]:
        """Camera, lens and move data as plain JSON, for ``metadata["previz"]``."""
        return {
            "kind": self.kind, "scene": self.scene, "shot": self.shot, "name": self.name,
            "shot_size": self.size, "angle": self.angle, "lens_mm": self.lens_mm,
            "sensor": self.sensor, "move": self.move_label,
            "moves": [{"move": move.move, "amount": move.amount, "start": move.start,
                       "end": move.end, "easing": move.easing} for move in self.moves],
            "prompt": self.prompt, "dialogue": self.dialogue, "notes": self.notes,
            "subjects": list(self.subjects), "seed": self.seed, "backend": self.backend,
            "model": self.model,
        }


def describe_entry(project: Project, plan: ExecutionPlan, node_id: str, clip: Clip) -> ShotInfo:
    """The shot behind the clip that ``node_id`` puts on the cut."""
    planned = plan.nodes[node_id]
    slate_id = slate_node(project, node_id)
    params = _params(project, plan, slate_id) if slate_id else {}
    moves = _moves(project, plan, node_id, slate_id)
    provenance = clip.provenance
    seed = provenance.get("seed")
    return ShotInfo(
        kind=planned.spec.display_name, derived=bool(slate_id) and slate_id != node_id,
        scene=_text(params.get("scene")), shot=_text(params.get("shot")),
        name=_text(params.get("name")), size=SIZE_LABELS.get(params.get("shot_size"), ""),
        angle=ANGLE_LABELS.get(params.get("angle"), ""), lens_mm=_number(params.get("lens")),
        sensor=_text(params.get("sensor")), moves=moves, prompt=clip.prompt,
        dialogue=_text(params.get("dialogue")), notes=_text(params.get("notes")),
        subjects=_subject_names(params.get("subjects")),
        seed=seed if isinstance(seed, int) else None,
        backend=_text(provenance.get("backend")), model=_text(provenance.get("model")),
    )


def slate_node(project: Project, node_id: str) -> str:
    """The node whose scene and shot numbers name ``node_id``'s clip: itself, or the nearest
    node upstream along clip inputs that has them; empty when there is none."""
    seen: set[str] = set()
    frontier = [node_id]
    while frontier:
        current = frontier.pop(0)
        if current in seen or current not in project.nodes:
            continue
        seen.add(current)
        params = project.nodes[current].params
        if _text(params.get("scene")) and _text(params.get("shot")):
            return current
        feeding = {link.target.port: link.source.node for link in project.links.values()
                   if link.target.node == current}
        frontier += [feeding[port] for port in _CLIP_INPUTS if port in feeding]
    return ""


def move_chain(project: Project, plan: ExecutionPlan, node_id: str) -> tuple[MoveValue, ...]:
    """The Camera Move chain feeding ``node_id``'s ``camera`` input, first move first."""
    moves: list[MoveValue] = []
    source = _feeding(project, node_id, "camera")
    while source and project.nodes[source].type == CAMERA_MOVE and len(moves) < 1000:
        params = _params(project, plan, source)
        unit = FOOT if params.get("unit") == "ft" else 1.0
        moves.append(MoveValue(str(params.get("move", "static")),
                               float(params.get("amount", 0.0)) * unit,
                               float(params.get("start", 0.0)), float(params.get("end", 1.0)),
                               str(params.get("easing", "linear"))))
        source = _feeding(project, source, "previous")
    return tuple(reversed(moves))


def _moves(project: Project, plan: ExecutionPlan, node_id: str,
           slate_id: str) -> tuple[MoveValue, ...]:
    spec = plan.nodes[node_id].spec
    if spec.input("camera") is not None:
        return move_chain(project, plan, node_id)
    clip_inputs = [port for port in spec.inputs if port.type is PortType.CLIP]
    if slate_id and len(clip_inputs) == 1:
        return move_chain(project, plan, slate_id)
    return ()


def _feeding(project: Project, node_id: str, port: str) -> str:
    for link in project.links.values():
        if link.target.node == node_id and link.target.port == port:
            return link.source.node
    return ""


def _params(project: Project, plan: ExecutionPlan, node_id: str) -> Mapping[str, Any]:
    planned = plan.nodes.get(node_id)
    return planned.params if planned is not None else project.nodes[node_id].params


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _subject_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item.get("name", "")) for item in value if isinstance(item, dict))
