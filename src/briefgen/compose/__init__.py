"""Compose: the briefing as MyST pages and charts (``book.compose_book``). No Sphinx.

Each page module composes one kind of page; ``markup`` escapes YAML text so it stays data, and
names the metadata file the Sphinx extension reads (``markup.METADATA_FILE``).
"""
