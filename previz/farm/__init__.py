"""The render farm (DESIGN §15): takes rendered on a Ray cluster (the ``farm`` extra)."""
