"""The inspector: an editor for the selected node, generated from its param specs."""
