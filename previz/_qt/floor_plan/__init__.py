"""The floor plan dock: the selected scene from above, edited by dragging."""
