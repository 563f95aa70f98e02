"""Incremental export: unchanged outputs are left alone, changed ones written again."""

from __future__ import annotations

import dataclasses

from previz.export import ExportOptions, export_project
from previz.export.prefetch import prefetched

FORMATS = frozenset({"shots", "cut", "otio", "fcp7", "edl", "csv", "png"})


def stamps(folder):
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
            for path in folder.rglob("*") if path.is_file()}


def test_a_second_export_rewrites_nothing_and_reads_no_frame(scene, tmp_path):
    options = ExportOptions(formats=FORMATS, title="h")
    first = export_project(scene.project, scene.plan, scene.store, tmp_path, options)
    before = stamps(tmp_path)
    seen: list[tuple[int, int]] = []
    second = export_project(scene.project, scene.plan, scene.store, tmp_path, options,
                            progress=lambda done, total: seen.append((done, total)))
    assert second.files == first.files
    after = stamps(tmp_path)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {".previz-export.json"}
    # Every entry's movies and frames are fresh: progress jumps an entry at a time.
    assert len(seen) == len(scene.project.timeline)


def test_an_edited_or_deleted_file_and_a_changed_option_are_written_again(scene, tmp_path):
    options = ExportOptions(formats=frozenset({"shots", "edl"}), title="h")
    export_project(scene.project, scene.plan, scene.store, tmp_path, options)
    shot = tmp_path / "shots" / "02_020_0020.mp4"
    shot.unlink()
    (tmp_path / "h.edl").write_text("edited", encoding="ascii")
    before = stamps(tmp_path)
    export_project(scene.project, scene.plan, scene.store, tmp_path, options)
    after = stamps(tmp_path)
    assert shot.is_file()
    assert (tmp_path / "h.edl").read_text(encoding="ascii").startswith("TITLE: h")
    assert after["shots/01_020_0010.mp4"] == before["shots/01_020_0010.mp4"]
    ndf = dataclasses.replace(options, handles=6)
    export_project(scene.project, scene.plan, scene.store, tmp_path, ndf)
    again = stamps(tmp_path)
    assert again["shots/01_020_0010.mp4"] != after["shots/01_020_0010.mp4"]


def test_a_file_left_from_other_options_is_not_taken_as_fresh(scene, tmp_path):
    both = ExportOptions(formats=frozenset({"cut", "edl"}), title="h")
    export_project(scene.project, scene.plan, scene.store, tmp_path, both)
    cut = (tmp_path / "h_cut.mp4").stat().st_mtime_ns
    # An EDL alone with other handles, then the cut again: the cut was made with the old
    # options and must not be kept on the strength of the EDL-only export.
    edl_only = ExportOptions(formats=frozenset({"edl"}), title="h", burn_in=True)
    export_project(scene.project, scene.plan, scene.store, tmp_path, edl_only)
    export_project(scene.project, scene.plan, scene.store, tmp_path,
                   dataclasses.replace(both, burn_in=True))
    assert (tmp_path / "h_cut.mp4").stat().st_mtime_ns != cut


def test_not_incremental_writes_everything(scene, tmp_path):
    options = ExportOptions(formats=frozenset({"edl"}), title="h", incremental=False)
    export_project(scene.project, scene.plan, scene.store, tmp_path, options)
    before = stamps(tmp_path)
    export_project(scene.project, scene.plan, scene.store, tmp_path, options)
    assert stamps(tmp_path)["h.edl"] != before["h.edl"]


def test_prefetching_keeps_order_and_raises_the_producers_error():
    assert list(prefetched(iter(range(100)), ahead=3)) == list(range(100))

    def failing():
        yield 1
        raise OSError("disk gone")

    got = []
    try:
        for item in prefetched(failing()):
            got.append(item)
    except OSError as error:
        assert "disk gone" in str(error)
    else:
        raise AssertionError("the error was lost")
    assert got == [1]
