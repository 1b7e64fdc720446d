"""Importers: another registry, with its past, as this registry's commits (``registry import``)."""
