"""This project's Sphinx configuration: briefgen's defaults, with room for local changes.

A project without a ``conf/`` folder builds with briefgen's packaged defaults. This file is the
example to copy when you want to change something: import the defaults, then override a few
values. Extend lists and dicts rather than replacing them, so briefgen's own entries stay.
"""

from briefgen.defaults.conf import *  # noqa: F403

# Examples (uncomment to use):
# html_theme_options = {**html_theme_options, "logo": {"image_light": "logo.png"}}  # noqa: F405
# html_static_path = [*html_static_path, "_static"]  # your own CSS/JS in conf/_static  # noqa: F405
# html_css_files = [*html_css_files, "local.css"]  # noqa: F405
# typst_font_paths = ["fonts"]  # extra fonts for the PDF, relative to this folder
