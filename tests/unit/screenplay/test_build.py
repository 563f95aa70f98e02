"""The script built into a project: dialogue timed at the speaking rate, places reused,
the speakers blocked on one line, ``--no-coverage``."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.conform import ConformError, read_cut
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.io import load_project
from previz.io.screenplay import read_script
from previz.io.screenplay.build import build_project, timed
from previz.io.screenplay.model import Element
from previz.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "screenplay"


def test_dialogue_is_timed_at_the_speaking_rate():
    words = " ".join(["word"] * 16)
    lines = timed([Element("action", "Rain.", 1), Element("note", "lit", 2),
                   Element("dialogue", words, 3, "TOM"),
                   Element("dialogue", "Yes.", 5, "MARA"),
                   Element("dialogue", "No.", 6, "ELLIS", dual=True)], words_per_minute=160)
    action, note, tom, mara, ellis = lines
    assert (action.start, action.end) == (0.0, 1.0)  # the shortest element is a second
    assert (note.start, note.end) == (1.4, 1.4)  # a note takes no time
    assert (tom.start, tom.end) == (1.4, 7.4)  # 16 words at 160 a minute: 6 s
    assert (mara.start, ellis.start) == (7.8, 7.8)  # dual dialogue is spoken at once
    slower = timed([Element("dialogue", words, 3, "TOM")], words_per_minute=80)
    assert slower[0].end == 12.0


def test_places_are_reused_and_speakers_face_each_other(registry):
    imported = build_project(read_script(FIXTURES / "keepers_night.fountain"), registry,
                             coverage=False)
    project = imported.project
    kitchen = [project.nodes[s].params["location"] for s in imported.scene_nodes]
    assert kitchen[0] == kitchen[2] != kitchen[1]
    assert project.timeline == [] and len(project.nodes) == 3
    marks = project.nodes[imported.scene_nodes[0]].params["blocking"]
    tom, mara = (c.id for c in project.cast.values() if c.name in ("Tom", "Mara"))
    assert [(m["character"], m["x"], m["look_at"]) for m in marks] == [
        (tom, -0.7, mara), (mara, 0.7, tom)]


def test_no_coverage_makes_scenes_only(registry, tmp_path, capsys):
    engine = EngineSession(registry, BackendSet([DraftBackend()]),
                           Settings(cache_dir=tmp_path / "cache"))
    path = tmp_path / "scenes.previz"
    argv = ["import", str(FIXTURES / "keepers_night.fountain"), "--out", str(path),
            "--no-coverage", "--words-per-minute", "120"]
    assert cli.main(argv, session=engine) == 0
    assert "3 scenes, 2 locations, 4 characters, 0 shots proposed" in capsys.readouterr().out
    project = load_project(path, registry=registry)
    assert project.timeline == []
    bad = tmp_path / "bad.fountain"
    bad.write_text("TOM\nHello?\n", encoding="utf-8")
    assert cli.main(["import", str(bad), "--out", str(tmp_path / "b.previz")],
                    session=engine) == 1
    assert "bad.fountain, line 1: TOM's line comes before" in capsys.readouterr().err
    assert not (tmp_path / "b.previz").exists()


def test_a_cut_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ConformError, match=r"conform reads \.otio, \.xml"):
        read_cut(tmp_path / "cut.mov", 24, 12)
    broken = tmp_path / "cut.otio"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConformError, match=r"cut\.otio: not a readable OTIO cut"):
        read_cut(broken, 24, 12)


@pytest.mark.parametrize(("fcm", "separator"), [("DROP FRAME", ";"), ("NON-DROP FRAME", ":")])
def test_an_edl_at_29_97_counts_its_movies_from_one_hour_in_its_own_mode(tmp_path, fcm,
                                                                          separator):
    edl = tmp_path / "cut.edl"
    edl.write_text(f"TITLE: night\nFCM: {fcm}\n\n"
                   f"001  11A      V     C        01:00:00{separator}12 01:00:05{separator}12"
                   f" 01:00:00{separator}00 01:00:05{separator}00\n"
                   "* FROM CLIP NAME: 1_1A\n", encoding="ascii")
    clip = read_cut(edl, Fraction(30000, 1001), 12).clips[0]
    assert (clip.name, clip.reel, clip.movie_in, clip.frames) == ("1_1A", "11A", 12, 150)
