"""The cut as an AAF for Avid, through OpenTimelineIO's AAF adapter (``otio-aaf-adapter``).

The adapter needs a MobID for every clip's source. Each is made from the entry and its clip's
key (a name-based UUID as the UMID's material number), so exporting the same cut again gives
the same MobIDs and Avid relinks rather than duplicates. Times, the start (the project's start
timecode) on the cut's clock and the markers are the OTIO timeline's.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import opentimelineio as otio
from aaf2.mobid import MobID

from previz.export.editors import check_for_editors
from previz.export.writing import write_replacing

MOB_NAMESPACE = uuid.UUID("6f1f3c5e-9a57-4b8e-8a1d-70726576697a")


def mob_id(entry_id: str, clip_key: str) -> str:
    """A stable UMID for an entry's source movie, as the URN the adapter reads."""
    mob = MobID.new()
    mob.material = uuid.uuid5(MOB_NAMESPACE, f"{entry_id}/{clip_key}")
    return str(mob.urn)


def write_aaf(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` (as ``build_timeline`` makes it) as an AAF."""
    check_for_editors(timeline)
    copied = copy.deepcopy(timeline)
    for clip in copied.find_clips():
        previz = clip.metadata.get("previz", {})
        clip.metadata["AAF"] = {"MobID": mob_id(str(previz.get("entry", clip.name)),
                                                str(previz.get("clip_key", "")))}
    write_replacing(path, lambda temp: otio.adapters.write_to_file(copied, str(temp),
                                                                   adapter_name="AAF"))
