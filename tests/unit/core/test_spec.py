"""Param checks: every kind, ranges, choices and inherited values."""

from __future__ import annotations

from fractions import Fraction

import pytest

from previz.api import Param, ParamKind, parse_fraction


@pytest.mark.parametrize(
    ("param", "good", "bad"),
    [
        (Param("n", ParamKind.INT, 1, minimum=1, maximum=16), [1, 16], [0, 17, 1.5, True, "2"]),
        (Param("x", ParamKind.FLOAT, 1.0, minimum=0.0, maximum=1.0), [0, 0.5, 1],
         [-0.1, 1.5, float("nan"), float("inf"), "0.5", False]),
        (Param("b", ParamKind.BOOL, False), [True, False], [0, "yes"]),
        (Param("s", ParamKind.STRING, ""), ["", "wide"], [3, None, ["a"]]),
        (Param("c", ParamKind.CHOICE, "a", choices=("a", "b")), ["a", "b"], ["c", 1]),
        (Param("r", ParamKind.FRACTION, "24", choices=("24000/1001", "24")),
         ["24", "24000/1001", 24], ["25", "23.976", "x", "1/0", 2.5]),
        (Param("a", ParamKind.ASSET, None), ["0" * 64], ["abc", "G" * 64, None]),
        (Param("a", ParamKind.ASSET, None, optional=True), [None, "f" * 64], ["x"]),
        (Param("fps", ParamKind.FRACTION, None, inherit="rate", minimum=1, maximum=120),
         [None, "16", "24000/1001"], ["0", "121", "1/2"]),
    ],
)
def test_param_check(param: Param, good: list[object], bad: list[object]) -> None:
    for value in good:
        assert param.check(value) is None, value
    for value in bad:
        assert param.check(value), value


def test_subjects_check() -> None:
    param = Param("subjects", ParamKind.SUBJECTS, [])
    person = {"name": "Ana", "kind": "person", "height": 1.7, "x": 0, "z": 2, "facing": 0,
              "main": True}
    assert param.check([person]) is None
    assert "more than one" in param.check([person, {**person, "name": "Bo"}])
    assert "kind" in param.check([{**person, "kind": "dragon"}])
    assert "height" in param.check([{**person, "height": -1}])
    assert "name" in param.check([{**person, "name": ""}])
    assert "unknown field" in param.check([{**person, "colour": "red"}])
    assert param.check({"name": "Ana"})


def test_fractions_parse_exactly() -> None:
    assert parse_fraction("24000/1001") == Fraction(24000, 1001)
    assert parse_fraction(25) == 25
    with pytest.raises(ValueError):
        parse_fraction(True)
