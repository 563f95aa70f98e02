"""Container metadata survives the round trip, whatever text it holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from previz.media import open_writer, read_metadata
from previz.media.metadata import format_ffmetadata, parse_ffmetadata

ClipMaker = Callable[..., Path]

NASTY = 'quote " back\\slash = semi ; hash # [STREAM] \n;not a comment\n#nor this\r\nend'


def provenance_json() -> str:
    """A multi-kilobyte provenance document full of characters ffmetadata treats as syntax."""
    nodes = [
        {
            "id": f"3f2b9c1e-0000-4000-8000-{index:012d}",
            "type": "previz.shot",
            "prompt": f'INT. CAFÉ – NIGHT. "Take {index}"; a=b; #{index} — 日本語, émigré',
            "params": {"lens_mm": 50, "move": "push-in\nslow", "note": NASTY},
        }
        for index in range(20)
    ]
    text = json.dumps({"schema": "Provenance.1", "nodes": nodes}, indent=2, ensure_ascii=False)
    assert len(text.encode()) > 4000
    return text


@pytest.mark.parametrize(("name", "codec"), [("clip.mkv", "lossless"), ("clip.mp4", "h264")])
def test_provenance_json_round_trips(make_clip: ClipMaker, name: str, codec: str) -> None:
    text = provenance_json()
    tags = {"comment": text, "previz_note": NASTY, "title": "010_0010"}
    back = read_metadata(make_clip(name, 2, codec=codec, metadata=tags))
    assert back["comment"] == text
    assert json.loads(back["comment"]) == json.loads(text)
    assert back["previz_note"] == NASTY
    assert back["title"] == "010_0010"
    assert back["previz_fps"] == "24000/1001"


def test_values_beyond_command_line_limits_survive(make_clip: ClipMaker) -> None:
    # One argv string may hold at most 128 KiB on Linux; the writer passes tags in a file.
    text = "x=1;#é\n" * 40_000
    assert read_metadata(make_clip("big.mkv", 1, metadata={"comment": text}))["comment"] == text


@pytest.mark.parametrize(
    ("key", "message"), [("Comment", "key"), ("with space", "key"), ("previz_fps", "reserved")]
)
def test_bad_or_reserved_keys_are_refused(tmp_path: Path, key: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_writer(tmp_path / "clip.mkv", 64, 48, 24, metadata={key: "value"})
    assert list(tmp_path.iterdir()) == []


def test_nul_in_a_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NUL"):
        open_writer(tmp_path / "clip.mkv", 64, 48, 24, metadata={"comment": "a\0b"})


def test_ffmetadata_text_round_trips_without_ffmpeg() -> None:
    tags = {"comment": NASTY, "empty": "", "title": "=;#\\"}
    assert parse_ffmetadata(format_ffmetadata(tags)) == tags


def test_parser_skips_comments_and_stops_at_sections() -> None:
    text = ";FFMETADATA1\n# a comment\nTITLE=a\\\nb\n\n[STREAM]\ntitle=stream\n"
    assert parse_ffmetadata(text) == {"title": "a\nb"}
