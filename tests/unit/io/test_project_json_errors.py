"""Malformed project.json: every problem a ProjectError naming the file and the place."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from previz.core.ids import new_id
from previz.io import LoadLimits, ProjectError, load_project, save_project


def project_file(tmp_path: Path, text: str | bytes, assets=()) -> Path:
    path = tmp_path / "p.previz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", text)
        for name, data in assets:
            archive.writestr(name, data)
    return path


def saved_dict(tmp_path: Path, make_project) -> dict:
    path = tmp_path / "source.previz"
    save_project(make_project(), path)
    return json.loads(zipfile.ZipFile(path).read("project.json"))


def message(path: Path, **kwargs) -> str:
    start = time.perf_counter()
    with pytest.raises(ProjectError) as caught:
        load_project(path, **kwargs)
    assert time.perf_counter() - start < 10.0
    return str(caught.value)


def test_bad_utf8_names_the_offset(tmp_path):
    path = project_file(tmp_path, b'{"schema": "Project.1", "x": "caf\xe9"}')
    assert message(path) == f"{path}: project.json: not UTF-8 text (a bad byte at offset 33)"


def test_bad_json_names_line_and_column(tmp_path):
    path = project_file(tmp_path, '{\n  "schema": "Project.1",\n  "nodes": {,}\n}')
    assert message(path) == (f"{path}: project.json line 3 column 13: not valid JSON:"
                             " Expecting property name enclosed in double quotes")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_are_refused(tmp_path, number):
    path = project_file(tmp_path, f'{{"schema": "Project.1", "acme.x": {number}}}')
    text = message(path)
    assert text.startswith(f"{path}: project.json: not valid JSON: ")
    assert "not a number JSON allows" in text or "too large for a number" in text


def test_a_duplicate_node_id_is_refused_naming_the_place(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    node_id, node = next(iter(data["nodes"].items()))
    text = json.dumps(data).replace('"nodes": {', f'"nodes": {{"{node_id}": {json.dumps(node)}, ')
    path = project_file(tmp_path, text)
    assert message(path) == f"{path}: project.json: nodes: the key {node_id!r} appears twice"


def test_a_duplicate_key_deep_inside_is_refused(tmp_path):
    text = '{"schema": "Project.1", "acme": [1, {"a": {"b": 1, "b": 2}}]}'
    path = project_file(tmp_path, text)
    assert message(path) == f"{path}: project.json: acme[1].a: the key 'b' appears twice"


def test_deep_nesting_is_refused(tmp_path):
    path = project_file(tmp_path, '{"acme": ' + "[" * 150 + "]" * 150 + "}")
    assert "nested deeper than 100 levels" in message(path)
    path = project_file(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert message(path).startswith(f"{path}: project.json: not valid JSON")


def test_an_unpaired_surrogate_is_refused(tmp_path):
    path = project_file(tmp_path, '{"schema": "Project.1", "acme": {"note": "\\ud800 x"}}')
    assert message(path) == (f"{path}: project.json: acme.note: text with an unpaired"
                             " surrogate: '\\ud800 x'")


@pytest.mark.parametrize("digits", [309, 5000])
def test_a_huge_integer_is_refused(tmp_path, make_project, digits):
    data = saved_dict(tmp_path, make_project)
    text = json.dumps(data).replace("[10.0, 20.5]", "[1" + "0" * (digits - 1) + ", 20.5]")
    path = project_file(tmp_path, text)
    assert "is too large for a number" in message(path)


def test_structure_errors_name_the_field(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    node_id = next(iter(data["nodes"]))
    data["nodes"][node_id]["type"] = 7
    with zipfile.ZipFile(tmp_path / "source.previz") as source:
        assets = [(name, source.read(name)) for name in source.namelist()
                  if name.startswith("assets/")]
    path = project_file(tmp_path, json.dumps(data), assets)
    damaged: list[ProjectError] = []
    load_project(path, damaged=damaged)  # the node is kept aside, the rest opens
    assert [str(problem) for problem in damaged] == [
        f"{path}: project.json: nodes.{node_id}.type: expected text, found a number"]
    data["settings"]["width"] = "wide"
    path = project_file(tmp_path, json.dumps(data), assets)
    assert message(path) == (f"{path}: project.json: settings.width: expected a whole number,"
                             " found text")


def test_a_dangling_link_is_refused(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    link_id, link = next(iter(data["links"].items()))
    ghost = new_id()
    link["source"]["node"] = ghost
    path = project_file(tmp_path, json.dumps(data))
    assert message(path) == (f"{path}: project.json: links.{link_id}.source.node:"
                             f" dangling link: no node {ghost}")


@pytest.mark.parametrize("top", ["[]", '"text"', "null", "3"])
def test_a_top_level_that_is_not_an_object(tmp_path, top):
    path = project_file(tmp_path, top)
    assert message(path).startswith(f"{path}: project.json: expected an object")


def test_a_rate_with_a_huge_exponent_is_refused_quickly(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    data["settings"]["rate"] = "1e999999999"
    path = project_file(tmp_path, json.dumps(data))
    assert message(path) == (f"{path}: project.json: settings.rate: editorial rate"
                             " '1e999999999' is not a frame rate such as 24000/1001")


def test_a_huge_timeline_is_refused_quickly(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    entry = data["timeline"][0]
    data["timeline"] = [dict(entry, id=new_id()) for _ in range(10_001)]
    path = project_file(tmp_path, json.dumps(data))
    assert "10001 timeline entries, over the limit of 10000" in message(path)
    past_the_cap = message(path, limits=LoadLimits(max_timeline_entries=20_000))
    assert "is missing from the file" in past_the_cap


def test_project_json_over_its_cap_is_refused(tmp_path, make_project):
    data = saved_dict(tmp_path, make_project)
    data["acme.padding"] = "x" * 2000
    path = project_file(tmp_path, json.dumps(data))
    text = message(path, limits=LoadLimits(max_project_json_bytes=1000))
    assert text.startswith(f"{path}: project.json: entry of ")
