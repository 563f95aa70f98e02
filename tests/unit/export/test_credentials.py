"""Content credentials: c2pa's own reader finds a valid manifest in exported movies and PNGs."""

from __future__ import annotations

import json

import c2pa
import pytest
from PIL import Image

from previz.export import read_recipe
from previz.export.credentials import (
    AI_GENERATED,
    COMPOSITE_AI,
    COMPUTER_GENERATED,
    CredentialsError,
    Making,
    identity_folder,
    manifest,
    sign_file,
)
from previz.export.png import save_png


def manifest_of(path) -> tuple[dict, dict]:
    report = json.loads(c2pa.Reader(str(path)).json())
    active = report["manifests"][report["active_manifest"]]
    return report, active


def actions(active: dict) -> list[dict]:
    [assertion] = [item for item in active["assertions"]
                   if item["label"].startswith("c2pa.actions")]
    return assertion["data"]["actions"]


def test_exported_movies_and_pngs_carry_a_valid_manifest_beside_the_recipe(exported):
    out = exported.out
    for path in (out / "shots" / "01_020_0010.mp4", out / "harbour_cut.mp4",
                 out / "png" / "01_020_0010" / "01_020_0010.0001.png",
                 out / "harbour_contact.png"):
        report, active = manifest_of(path)
        assert report["validation_state"] == "Valid", (path, report.get("validation_status"))
        # Self-signed: the only complaint is that no trust list knows the signer.
        codes = {status["code"] for status in report.get("validation_status", [])}
        assert codes <= {"signingCredential.untrusted"}, codes
        [draft] = {action["digitalSourceType"] for action in actions(active)}
        assert draft == COMPUTER_GENERATED  # the harbour is a draft render
        assert read_recipe(path) is not None, path


def test_a_model_render_is_ai_generated_and_names_its_model(tmp_path):
    path = tmp_path / "frame.png"
    save_png(Image.new("RGB", (16, 16), (10, 20, 30)), path)
    making = Making("diffusers", "wan2.1-t2v-1.3b", "sha256:abc123", seed=7)
    sign_file(path, [making], tmp_path / "id")
    report, active = manifest_of(path)
    assert report["validation_state"] == "Valid"
    [action] = actions(active)
    assert action["digitalSourceType"] == AI_GENERATED
    assert action["parameters"]["model"] == "wan2.1-t2v-1.3b"
    assert action["parameters"]["model_fingerprint"] == "sha256:abc123"


def test_the_installation_makes_its_key_once_readable_by_its_user_only(tmp_path):
    folder = identity_folder(tmp_path / "id")
    key = folder / "signer-key.pem"
    chain = (folder / "signer-chain.pem").read_bytes()
    assert key.stat().st_mode & 0o077 == 0
    assert chain.count(b"BEGIN CERTIFICATE") == 2  # the signer and its local authority
    assert identity_folder(tmp_path / "id") == folder
    assert (folder / "signer-chain.pem").read_bytes() == chain


def test_only_movies_and_pngs_are_signed(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x")
    with pytest.raises(CredentialsError, match="MP4 and PNG"):
        sign_file(path, [Making("draft")], tmp_path / "id")


def test_a_cut_mixing_draft_and_model_shots_is_a_composite():
    mixed = manifest("cut.mp4", [Making("draft"), Making("diffusers", "ltx", "sha256:1")])
    [action] = mixed["assertions"][0]["data"]["actions"]
    assert action["digitalSourceType"] == COMPOSITE_AI
    assert action["parameters"]["model"] == "ltx"
    assert len(action["parameters"]["renders"]) == 2
