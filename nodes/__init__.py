"""The built-in node pack, registered through the ``previz.nodes`` entry point like any other.

Execute functions join each node type with the engine and backends that run them.
"""

from __future__ import annotations

from previz_nodes.camera_move import CAMERA_MOVE
from previz_nodes.extend import EXTEND
from previz_nodes.image import IMAGE
from previz_nodes.interpolate import INTERPOLATE
from previz_nodes.prompt import PROMPT
from previz_nodes.retime import RETIME
from previz_nodes.scene import SCENE
from previz_nodes.shot import SHOT
from previz_nodes.still import STILL

NODES = [PROMPT, CAMERA_MOVE, IMAGE, STILL, SHOT, EXTEND, INTERPOLATE, RETIME, SCENE]
