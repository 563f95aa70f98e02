"""The viewer dock: the selected node's clip with guides, transport and its takes."""
