"""briefgen's own documentation: a Sphinx (MyST) site, as for any Sphinx project.

The CLI reference is generated from the click commands (sphinx-click), the YAML reference from
the pydantic models that validate the files, and the check-code reference from the bad-input
corpus the tests run (``_ext/briefgen_docs.py``), so none of them can drift from the code.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "briefgen"
author = "briefgen contributors"
copyright = "briefgen contributors"
extensions = ["myst_parser", "sphinx_click", "briefgen_docs"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "README.md"]
html_theme = "sphinx_book_theme"
html_title = "briefgen"
html_theme_options = {"show_toc_level": 2}
html_static_path = ["_static"]
html_css_files = ["docs.css"]
html_last_updated_fmt = None
nitpicky = False
suppress_warnings = ["myst.header"]
