"""Sphinx configuration for briefgen books. Generic: book metadata comes from the composed pages
(``_briefgen.json``, read by ``briefgen.sphinxext``), never from this file."""

extensions = ["myst_parser", "sphinx_design", "briefgen.sphinxext"]

myst_enable_extensions = ["attrs_inline", "colon_fence"]
myst_footnote_transition = False  # a stray rule before footnotes in the PDF otherwise
smartquotes = False  # smartquotes would undo the composer's backslash escapes
root_doc = "index"
exclude_patterns = ["_briefgen.json"]
language = "en"

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["briefgen.css"]
templates_path = ["_templates"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "home_page_in_toc": True,
}
