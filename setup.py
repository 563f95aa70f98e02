"""What pyproject.toml cannot say: the node pack and the resources under Previz's own names.

The source keeps ``nodes/`` and ``resources/`` at the top of the tree; the wheel installs them
as ``previz_nodes`` and ``previz/resources`` (read through ``importlib.resources``), so no
top-level ``nodes`` package is installed to collide with another of that name.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["previz", "previz.*"]), "previz_nodes",
              "previz.resources"],
    package_dir={"previz_nodes": "nodes", "previz.resources": "resources"},
)
