"""Defaults shipped with briefgen: the Sphinx configuration, its templates and static files."""

from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent
