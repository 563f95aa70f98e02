"""Cache keys (DESIGN §8): what a take depends on, hashed, and nothing else.

A key covers the node type and its version, the backend and its version, the model's
fingerprint, the params that change the pictures, the take and its seed, and the keys flowing
in from each input. Node ids, positions and the circled take are left out, so moving or
duplicating a node costs nothing and circling a take re-renders only what lies downstream.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from previz.core.spec import NodeSpec, ParamKind, format_fraction, parse_fraction


@dataclass(frozen=True)
class KeyBasis:
    """Everything a node's keys depend on apart from the take."""

    spec: NodeSpec
    params: Mapping[str, Any]
    backend: str
    backend_version: str
    model: str
    model_fingerprint: str
    inputs: Mapping[str, str]


def take_key(basis: KeyBasis, take: int) -> str:
    """The key of one take: a SHA-256 of the canonical JSON of what it depends on."""
    seed = basis.params.get("seed")
    payload = {
        "type": basis.spec.id,
        "version": basis.spec.version,
        "backend": [basis.backend, basis.backend_version],
        "model": [basis.model, basis.model_fingerprint],
        "params": render_params(basis.spec, basis.params),
        "take": take,
        "seed": seed + take if isinstance(seed, int) else None,
        "inputs": dict(basis.inputs),
    }
    # A value JSON cannot hold is already a param problem; ``repr`` keeps compiling going.
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      default=repr)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def render_params(spec: NodeSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """The params that change the pictures, in a canonical form (fractions normalised)."""
    canonical = {}
    for param in spec.params:
        if not param.affects_render or param.name not in params:
            continue
        value = params[param.name]
        if param.kind is ParamKind.FRACTION and value is not None:
            value = _canonical_fraction(value)
        elif param.kind is ParamKind.FLOAT and isinstance(value, int):
            value = float(value)
        canonical[param.name] = value
    return canonical


def _canonical_fraction(value: Any) -> Any:
    """``"24/1"`` and ``24`` as ``"24"``; a value that is no fraction (a param problem the
    compiler reports) as it is."""
    try:
        return format_fraction(parse_fraction(value))
    except (ValueError, ZeroDivisionError):
        return value
