"""Import Screenplay, Propose Coverage and Conform in the window: what each leaves on the
timeline, its undo step, and its message when the input is bad."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtWidgets import QMessageBox

from previz._qt import screenplay
from previz._qt.qt_main_window import QtMainWindow
from previz.core.propose import SCENE_TYPE

FIXTURES = Path(__file__).parents[1] / "fixtures" / "screenplay"
START = 86400  # 01:00:00:00 at 24 frames a second
HANDLES = 12


def menu_texts(window: QtMainWindow, title: str) -> list[str]:
    menu = next(action.menu() for action in window.menuBar().actions()
                if action.text() == title)
    return [action.text() for action in menu.actions()]


def cut(window: QtMainWindow) -> list[tuple[str, int, int | None]]:
    project = window.document.project
    return [(project.nodes[e.node].params["shot"], e.in_frame, e.out_frame)
            for e in project.timeline]


def test_the_menus_offer_import_coverage_and_conform(window: QtMainWindow):
    assert "Import Scree&nplay…" in menu_texts(window, "&File")
    assert "&Conform to Editor's Cut…" in menu_texts(window, "&File")
    assert "Propose C&overage" in menu_texts(window, "&Edit")


def test_a_screenplay_opens_as_a_new_project_with_its_cut(window: QtMainWindow):
    assert screenplay.import_screenplay(window, FIXTURES / "keepers_night.fountain")
    project = window.document.project
    assert sum(node.type == SCENE_TYPE for node in project.nodes.values()) == 3
    assert sorted(c.name for c in project.cast.values()) == ["Ellis", "June", "Mara", "Tom"]
    assert cut(window)[0][0] == "1A" and len(cut(window)) > 9
    assert window.document.path is None and window.document.is_dirty
    assert "3 scenes, 2 locations, 4 characters" in window.statusBar().currentMessage()
    assert window.timeline.isVisible()


def test_a_bad_script_is_named_with_its_line_and_the_project_stays(
        window: QtMainWindow, dialogs, tmp_path: Path):
    bad = tmp_path / "bad.fountain"
    bad.write_text("INT. HALL - DAY\n\nTOM\n(quietly)\n", encoding="utf-8")
    before = window.document.project
    dialogs.answer(QMessageBox.StandardButton.Ok)
    assert not screenplay.import_screenplay(window, bad)
    assert dialogs.seen and "bad.fountain, line 3: TOM's cue has no line" in dialogs.seen[0][0]
    assert window.document.project is before


def test_coverage_for_the_selected_scene_is_one_undo_step(window: QtMainWindow):
    assert screenplay.import_screenplay(window, FIXTURES / "keepers_night.fountain")
    project = window.document.project
    scene = next(node for node in project.nodes.values()
                 if node.type == SCENE_TYPE and node.params["number"] == "2")
    count = len(project.nodes)
    window.selection.set_nodes([scene.id])
    window.action_by_id["edit.propose_coverage"].trigger()
    assert len(project.nodes) == count + 6
    added = {project.nodes[node_id].params["shot"] for node_id in window.selection.node_ids}
    assert added == {"2G", "2H", "2J", "2K", "2L", "2M"}  # after the import's 2A-2F
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert len(project.nodes) == count


def edited_cut(window: QtMainWindow, path: Path) -> None:
    """The cut as the export writes it in OTIO (ids in the metadata, movies with handles),
    edited: the first two clips swapped and the third gone."""
    project = window.document.project
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    for entry in project.timeline:
        count = entry.out_frame - entry.in_frame
        reference = otio.schema.ExternalReference(
            target_url="shot.mp4", available_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(START, 24),
                otio.opentime.RationalTime(count + 2 * HANDLES, 24)))
        reference.metadata["previz"] = {"handles": [HANDLES, HANDLES]}
        clip = otio.schema.Clip(name=project.nodes[entry.node].params["shot"],
                                media_reference=reference,
                                source_range=otio.opentime.TimeRange(
                                    otio.opentime.RationalTime(START + HANDLES, 24),
                                    otio.opentime.RationalTime(count, 24)))
        clip.metadata["previz"] = {"entry": entry.id, "node": entry.node,
                                   "source_frames": [entry.in_frame, entry.out_frame]}
        track.append(clip)
    first = track[0]
    track.remove(first)
    track.insert(1, first)
    del track[2]
    timeline = otio.schema.Timeline()
    timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(path))


def test_conform_makes_the_timeline_the_editors_cut_in_one_step(window: QtMainWindow,
                                                                 tmp_path: Path):
    assert screenplay.import_screenplay(window, FIXTURES / "keepers_night.fountain")
    before = cut(window)
    edited = tmp_path / "edited.otio"
    edited_cut(window, edited)
    lines = screenplay.conform_interactively(window, edited)
    assert lines[0] == f"{len(before) - 1} clips matched"
    assert cut(window) == [before[1], before[0], *before[3:]]
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert cut(window) == before
