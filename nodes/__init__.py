"""The built-in node pack, registered through the ``previz.nodes`` entry point like any other.

Execute functions join each node type with the engine and backends that run them.
"""

from __future__ import annotations

from nodes.camera_move import CAMERA_MOVE
from nodes.extend import EXTEND
from nodes.image import IMAGE
from nodes.interpolate import INTERPOLATE
from nodes.prompt import PROMPT
from nodes.retime import RETIME
from nodes.scene import SCENE
from nodes.shot import SHOT
from nodes.still import STILL

NODES = [PROMPT, CAMERA_MOVE, IMAGE, STILL, SHOT, EXTEND, INTERPOLATE, RETIME, SCENE]
