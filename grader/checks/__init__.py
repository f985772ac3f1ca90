"""Check kinds, one module each, and the registry that maps a rubric kind to its check."""
