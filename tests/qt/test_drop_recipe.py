"""Exported files dropped back on the canvas: the sub-graph of their recipe comes back, equal up
to new ids and positions, in one undo step; missing images are named; a movie without a
recipe is left out with a message."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest
from PySide6.QtCore import QPoint
from qt_drops import drop_files
from subgraphs import graph_of, same_graph
from tiny_cut import save_tiny

from previz._qt import recipe_drop
from previz._qt.qt_main_window import QtMainWindow
from previz.core.project import Project
from previz.export import ExportOptions, export_project


@pytest.fixture
def exported(window: QtMainWindow, tmp_path: Path, run: Any) -> Path:
    """The tiny cut open in ``window``, rendered, exported as shot movies and PNGs."""
    assert window.open_path(save_tiny(tmp_path / "quay.previz"))
    task = window.queue.render()
    assert task is not None and run(task).ok
    out = tmp_path / "out"
    export_project(window.document.project, window.queue.plan, window.session.store, out,
                   ExportOptions(frozenset({"shots", "png"}), title="quay"))
    return out


def shot_named(project: Project, name: str) -> str:
    return next(node.id for node in project.nodes.values() if node.params.get("name") == name)


@pytest.mark.parametrize("file", ["shots/01_010_0010.mp4", "png/01_010_0010/01_010_0010.0004.png"])
def test_a_dropped_export_restores_its_sub_graph_in_one_undo_step(
        window: QtMainWindow, exported: Path, file: str) -> None:
    project = window.document.project
    quay = shot_named(project, "Quay")
    source = {quay, *project.upstream(quay)}
    before_nodes, before_links = set(project.nodes), set(project.links)
    steps = window.document.undo_stack.count()

    assert drop_files(window, [exported / file], QPoint(200, 150))
    added = set(project.nodes) - before_nodes
    assert len(added) == 3 and not added & source
    assert same_graph(graph_of(project, added), graph_of(project, source))
    at = window.editor.mapToScene(QPoint(200, 150))
    corner = (min(project.nodes[i].position[0] for i in added),
              min(project.nodes[i].position[1] for i in added))
    assert corner == (round(at.x()), round(at.y()))
    assert set(window.selection.node_ids) == added
    assert "restored 3 node(s)" in window.statusBar().currentMessage()

    assert window.document.undo_stack.count() == steps + 1
    window.action_by_id["edit.undo"].trigger()
    assert set(project.nodes) == before_nodes and set(project.links) == before_links


def test_a_recipe_needing_an_image_this_project_lacks_says_which(
        window: QtMainWindow, exported: Path) -> None:
    window.document.new()
    assert drop_files(window, [exported / "shots" / "03_STILL_03.mp4"], QPoint(50, 50))
    (node,) = window.document.project.nodes.values()
    assert node.type == "previz.still"
    assert "image(s) missing here: card.png" in window.statusBar().currentMessage()
    assert any("card.png" in line for line in window.log_panel.lines())


def test_a_movie_without_a_recipe_is_left_out_with_a_message(
        window: QtMainWindow, tmp_path: Path) -> None:
    movie = tmp_path / "plain.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "color=c=red:s=32x32:d=0.2", "-pix_fmt", "yuv420p", str(movie)], check=True)
    assert drop_files(window, [movie], QPoint(50, 50))
    assert not window.document.project.nodes
    assert window.document.undo_stack.count() == 0
    assert "carries no Previz recipe" in window.statusBar().currentMessage()


def test_open_exported_file_restores_its_recipe_in_the_middle_of_the_view(
        window: QtMainWindow, exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movie = exported / "shots" / "02_010_0020.mp4"
    monkeypatch.setattr(recipe_drop, "ask_exported_path", lambda _parent: movie)
    project = window.document.project
    before = set(project.nodes)
    window.action_by_id["file.open_exported"].trigger()
    added = set(project.nodes) - before
    rope = shot_named(project, "Rope")
    assert same_graph(graph_of(project, added),
                      graph_of(project, {rope, *project.upstream(rope)}))
