"""A clip's length is known before it renders: an Extend shows its final length on the cut at
once, and rendering does not change the cut's length."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from rendered_example import render_small

from previz._qt.qt_main_window import QtMainWindow


def test_an_extend_shows_its_final_length_before_it_renders(example_window: QtMainWindow,
                                                            run: Any) -> None:
    window, timeline = example_window, example_window.timeline
    project = window.document.project
    extend = next(shot for shot in timeline.cut.shots if shot.label.startswith("Extend"))
    source = next(link.source.node for link in project.links.values()
                  if link.target.node == extend.entry.node and link.target.port == "clip")
    wanted = (Fraction(str(project.nodes[source].params["duration"]))
              + Fraction(str(project.nodes[extend.entry.node].params["added_duration"])))
    rate = timeline.cut.rate
    assert not extend.rendered
    assert extend.length == round(wanted * rate)  # the shot it extends, then what it adds
    before = timeline.cut.length
    render_small(window, run, [extend.entry.node])
    timeline.rebuild()
    after = next(shot for shot in timeline.cut.shots if shot.entry.id == extend.entry.id)
    assert after.rendered and after.clip is not None
    assert after.clip.frame_count == after.length == extend.length
    assert timeline.cut.length == before
