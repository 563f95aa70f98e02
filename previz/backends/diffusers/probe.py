"""Run as ``python -m previz.backends.diffusers.probe``: torch, its devices and diffusers, as JSON.

``previz doctor`` runs this in a child process, so the command line itself never imports
torch, and a broken torch install cannot take it down.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from previz.backends.diffusers.families import FAMILIES
from previz.backends.diffusers.loader import OFFLINE


def probe() -> dict[str, Any]:
    """What this Python has of the model stack."""
    os.environ.update(OFFLINE)
    found: dict[str, Any] = {"python": sys.version.split()[0]}
    try:
        import torch
    except ImportError as error:
        return {**found, "error": f"torch is not installed ({error}): pip install previz[models]"}
    found["torch"] = torch.__version__
    found["cuda"] = torch.cuda.is_available()
    if found["cuda"]:
        properties = torch.cuda.get_device_properties(0)
        found["device"] = properties.name
        found["memory_gb"] = round(properties.total_memory / 1024**3, 1)
        found["cuda_version"] = torch.version.cuda
    mps = getattr(torch.backends, "mps", None)
    found["mps"] = bool(mps and mps.is_available())
    try:
        import diffusers
        import transformers
    except ImportError as error:
        return {**found, "error": f"diffusers or transformers is missing ({error})"}
    found["diffusers"] = diffusers.__version__
    found["transformers"] = transformers.__version__
    found["pipelines"] = sorted({family.pipeline for family in FAMILIES.values()
                                 if not hasattr(diffusers, family.pipeline)})
    return found


if __name__ == "__main__":
    print(json.dumps(probe()))
