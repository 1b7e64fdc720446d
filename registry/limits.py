"""Bounds on what the registry reads from files that anyone can propose."""

MAX_BYTES = 1_000_000  # one record file
MAX_NODES = 100_000  # YAML nodes in one document
MAX_DEPTH = 64  # nesting of YAML collections
