"""The shot list for the shoot: one CSV row per entry of the cut."""

from __future__ import annotations

import csv
from pathlib import Path

from previz.export.cut import Cut, CutEntry
from previz.export.writing import write_replacing

COLUMNS = ("scene", "shot", "name", "size", "angle", "lens", "move", "duration", "frames",
           "subjects", "notes", "dialogue")


def shot_row(entry: CutEntry) -> dict[str, str]:
    """One entry as a row of the shot list; duration in seconds, lens in millimetres."""
    info = entry.info
    name = info.name or entry.name
    return {
        "scene": info.scene, "shot": info.shot,
        "name": f"{name} ({info.kind.lower()})" if info.derived else name,
        "size": info.size, "angle": info.angle, "lens": info.lens_label,
        "move": info.move_label, "duration": f"{float(entry.duration):.2f}",
        "frames": str(entry.frame_count), "subjects": "; ".join(info.subjects),
        "notes": info.notes, "dialogue": info.dialogue,
    }


def write_shot_list(cut: Cut, path: Path) -> None:
    """Write the shot list of ``cut`` to ``path`` as UTF-8 CSV (with a byte-order mark, so
    spreadsheet programs read the accents right)."""

    def write(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.DictWriter(file, COLUMNS)
            writer.writeheader()
            for entry in cut.entries:
                writer.writerow(shot_row(entry))

    write_replacing(path, write)
