"""The document model: ids, port types, node specs, registry, project, commands; no Qt, no torch."""
