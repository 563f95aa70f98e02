"""The shot list for the shoot: one row per shot a 1st AD schedules, as CSV, XLSX and a PDF page.

Only shots are rows, one per slate: title cards, stills and test sources (no slate) are not
set-ups, a bridge or a retime made from a shot shares its row, and a shot cut in twice is one
row (an extension is a row only when its shot is not on the cut). INT/EXT, DAY/NIGHT and the
location come from a screenplay-style slugline in the shot's prompt or notes
(``EXT. HARBOUR - NIGHT``) until scenes carry them; camera height and distance come from the
camera path the shot rendered with (its first frame); the equipment is what the camera's
moves need. Scene and shot numbers are text: the XLSX stores them as text cells (``010``
stays ``010`` in a spreadsheet, and for pandas read with ``dtype=object``), the CSV is for
scripts.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from previz.export.cut import Cut, CutEntry
from previz.export.timecode import rate_label
from previz.export.writing import write_replacing

COLUMNS = ("scene", "shot", "description", "int_ext", "day_night", "location", "cast", "size",
           "angle", "movement", "lens", "camera_height", "distance", "equipment", "frame_rate",
           "duration", "notes")
HEADINGS = {"scene": "Scene", "shot": "Shot", "description": "Description", "int_ext": "INT/EXT",
            "day_night": "DAY/NIGHT", "location": "Location", "cast": "Cast", "size": "Size",
            "angle": "Angle", "movement": "Movement", "lens": "Lens",
            "camera_height": "Camera height", "distance": "Distance", "equipment": "Equipment",
            "frame_rate": "Frame rate", "duration": "Duration", "notes": "Notes"}
SHOT_KIND = "Shot"
# Which rig a move needs on the day; a chain needs every rig its moves do.
EQUIPMENT = {"static": "sticks", "pan": "sticks", "tilt": "sticks", "roll": "handheld",
             "zoom": "sticks", "dolly": "dolly", "truck": "slider", "pedestal": "crane",
             "crane": "crane", "orbit": "dolly", "dolly_zoom": "dolly"}
SLIDER_METRES = 1.0
_SLUGLINE = re.compile(
    r"\b(INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT)\.?\s+(.+?)\s+[-–—]\s+"
    r"(DAY|NIGHT|DAWN|DUSK|MORNING|EVENING|AFTERNOON|SUNSET|SUNRISE|CONTINUOUS|LATER)\b")


@dataclass(frozen=True)
class Slugline:
    """What a screenplay's scene heading says: INT/EXT, the location, the time of day."""

    int_ext: str = ""
    location: str = ""
    day_night: str = ""


def slugline(text: str) -> Slugline:
    """The first scene heading in ``text`` (``EXT. HARBOUR - NIGHT``), or an empty one."""
    found = _SLUGLINE.search(text)
    if found is None:
        return Slugline()
    int_ext = found.group(1).replace(".", "").upper()
    return Slugline(int_ext, found.group(2).strip().rstrip("."), found.group(3).upper())


def is_shot(entry: CutEntry) -> bool:
    """Whether ``entry`` is a Shot node's own clip."""
    return entry.info.kind == SHOT_KIND and not entry.info.derived


def shot_rows(cut: Cut) -> list[dict[str, str]]:
    """A row per slate of ``cut``, in cut order: from the shot's own entry where the cut has
    it, else from the first clip made from it."""
    chosen: dict[object, CutEntry] = {}
    for entry in cut.entries:
        if not entry.info.slate and not is_shot(entry):
            continue
        key = (entry.info.scene, entry.info.shot) if entry.info.slate else entry.node_id
        if key not in chosen or (is_shot(entry) and not is_shot(chosen[key])):
            chosen[key] = entry
    return [shot_row(entry) for entry in chosen.values()]


def shot_row(entry: CutEntry) -> dict[str, str]:
    """One shot as a row of the shot list."""
    info = entry.info
    slug = slugline(info.prompt) if slugline(info.prompt).int_ext else slugline(info.notes)
    height, distance = _camera_placement(entry.clip.camera)
    description = _description(info.prompt)
    return {
        "scene": info.scene, "shot": info.shot,
        "description": f"{info.name}: {description}" if info.name else description,
        "int_ext": slug.int_ext, "day_night": slug.day_night, "location": slug.location,
        "cast": ", ".join(info.subjects), "size": info.size, "angle": info.angle,
        "movement": info.move_label, "lens": info.lens_label,
        "camera_height": f"{height:.2f} m" if height is not None else "",
        "distance": f"{distance:.2f} m" if distance is not None else "",
        "equipment": equipment(entry), "frame_rate": rate_label(entry.clip.fps),
        "duration": f"{float(entry.clip.duration):.2f} s", "notes": info.notes,
    }


def equipment(entry: CutEntry) -> str:
    """The rigs the shot's moves need, ``sticks`` for a locked-off shot."""
    rigs = []
    for move in entry.info.moves:
        rig = EQUIPMENT.get(move.move, "sticks")
        if move.move == "truck" and abs(move.amount) > SLIDER_METRES:
            rig = "dolly"
        if rig not in rigs:
            rigs.append(rig)
    return ", ".join(rigs or ["sticks"])


def write_shot_list(cut: Cut, path: Path) -> None:
    """Write the shot list of ``cut`` to ``path`` as UTF-8 CSV (with a byte-order mark, so
    spreadsheet programs read the accents right)."""

    def write(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.DictWriter(file, COLUMNS)
            writer.writerow(HEADINGS)
            writer.writerows(shot_rows(cut))

    write_replacing(path, write)


def write_shot_list_xlsx(cut: Cut, path: Path) -> None:
    """Write the shot list of ``cut`` to ``path`` as an Excel workbook whose every cell is text
    (so ``010`` stays ``010``), with the headings frozen."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Shot list"
    sheet.append([HEADINGS[column] for column in COLUMNS])
    for row in shot_rows(cut):
        sheet.append([row[column] for column in COLUMNS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    write_replacing(path, book.save)


def _camera_placement(camera: Any) -> tuple[float | None, float | None]:
    """The camera's height above the ground and its distance to what it looks at, at the
    shot's first frame, from the rendered camera path."""
    try:
        position = [float(value) for value in camera["position"][0]]
        aim = [float(value) for value in camera["look_at"]]
    except (TypeError, KeyError, IndexError, ValueError):
        return None, None
    return position[1], math.dist(position, aim)


def _description(prompt: str) -> str:
    """The prompt without its scene heading."""
    found = _SLUGLINE.search(prompt)
    text = prompt[found.end():] if found else prompt
    return text.lstrip(" .:-–—").strip()
