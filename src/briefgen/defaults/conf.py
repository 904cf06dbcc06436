"""briefgen's default Sphinx configuration, used by any project without a ``conf/`` folder.

Generic: book metadata comes from the composed pages (``_briefgen.json``, read by
``briefgen.sphinxext``), never from this file. A project changes a few values by adding
``conf/conf.py`` that starts with ``from briefgen.defaults.conf import *`` (see ``briefgen init``).
Paths are absolute, so the file works from any configuration folder.
"""

from pathlib import Path as _Path

_HERE = _Path(__file__).resolve().parent

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx.ext.graphviz",  # the actor map, laid out by Graphviz's dot
    "briefgen.sphinxext",
]
graphviz_output_format = "svg"

myst_enable_extensions = ["attrs_inline", "colon_fence"]
myst_footnote_transition = False  # no rule between a page and its citations
smartquotes = False  # smartquotes would undo the composer's backslash escapes
root_doc = "index"
exclude_patterns = ["_briefgen.json"]
language = "en"

html_theme = "sphinx_book_theme"
html_static_path = [str(_HERE / "_static")]
html_css_files = ["briefgen.css"]
html_js_files = [("briefgen.js", {"defer": "defer"})]
templates_path = [str(_HERE / "_templates")]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_use_index = False  # a briefing has no index entries; an empty genindex costs ~0.1 s per 10 pages on every rebuild
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    # The sidebar's title already links the cover: a "home" entry would repeat the book title.
    "home_page_in_toc": False,
    # One search box: the sidebar's (a button in the article header on narrow screens), not a
    # second one in a header bar above the book.
    "navbar_persistent": [],
    # Expand only the current branch of the navigation: every page carries the sidebar, so a fully
    # expanded tree makes each page, and the build, grow with the square of the pages.
    "collapse_navbar": True,
    "article_header_end": ["download-pdf.html", "article-header-buttons.html"],
}

# -- PDF (briefgen's Typst builder, compiled in-process by the typst package) --------------------
typst_pdf_standards = ["ua-1"]  # tagged PDF/UA-1: structure tree, language, alternative text
typst_font_paths: list[
    str
] = []  # extra font folders; system fonts (Noto Color Emoji) are found anyway
