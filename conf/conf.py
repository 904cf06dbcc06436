"""Sphinx configuration for briefgen books. Generic: book metadata comes from the composed pages
(``_briefgen.json``, read by ``briefgen.sphinxext``), never from this file."""

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx.ext.graphviz",  # the actor map, laid out by Graphviz's dot
    "sphinxcontrib.rsvgconverter",  # SVG charts to PDF for the LaTeX build (rsvg-convert)
    "briefgen.sphinxext",
]
graphviz_output_format = "svg"

myst_enable_extensions = ["attrs_inline", "colon_fence"]
myst_footnote_transition = False  # a stray rule before footnotes in the PDF otherwise
smartquotes = False  # smartquotes would undo the composer's backslash escapes
root_doc = "index"
exclude_patterns = ["_briefgen.json"]
language = "en"

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["briefgen.css"]
html_js_files = [("briefgen.js", {"defer": "defer"})]
templates_path = ["_templates"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_use_index = False  # a briefing has no index entries; an empty genindex costs ~0.1 s per 10 pages on every rebuild
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "home_page_in_toc": True,
    # Expand only the current branch of the navigation: every page carries the sidebar, so a fully
    # expanded tree makes each page, and the build, grow with the square of the pages.
    "collapse_navbar": True,
    "article_header_end": ["download-pdf.html", "article-header-buttons.html"],
}

# -- PDF (LaTeX builder, lualatex via latexmk) -------------------------------------------------
# lualatex: emoji and flags through a font fallback, and lua-ul's line-breaking highlighter.
latex_engine = "lualatex"
latex_theme = "manual"
latex_show_urls = "no"
latex_show_pagerefs = False
latex_table_style = ["booktabs", "colorrows"]
# numfig: LaTeX numbers figures per chapter. Off here because in HTML it makes Sphinx unpickle every
# page on every rebuild (to renumber figures); briefgen.build.run_sphinx turns it on for the LaTeX run.
numfig = False
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "extraclassoptions": "openany,oneside",
    "fontpkg": r"""
\directlua{luaotfload.add_fallback("briefgenfallback", {"NotoColorEmoji:mode=harf;", "FreeSerif:mode=harf;", "FreeSans:mode=harf;"})}
\setmainfont{FreeSerif}[RawFeature={fallback=briefgenfallback}]
\setsansfont{FreeSans}[RawFeature={fallback=briefgenfallback}]
\setmonofont{FreeMono}[RawFeature={fallback=briefgenfallback}]
""",
    "preamble": r"""
% reproducible PDFs: do not copy included images' own metadata (PTEX.FileName/PageNumber/InfoDict)
\pdfvariable suppressoptionalinfo 14
\usepackage{luacolor}
\usepackage{lua-ul}
\definecolor{briefgencited}{HTML}{FFF3B0}
\LuaULSetHighLightColor{briefgencited}
\newcommand{\DUrolecited}[1]{\highLight{#1}}
\expandafter\def\csname DUrolepara-num\endcsname#1{{\sffamily\scriptsize\color{gray}#1}\,}
\expandafter\def\csname DUrolecited-by\endcsname#1{{\par\noindent\footnotesize\color{darkgray}#1\par}}
\definecolor{briefgenmarking}{HTML}{8B1E3F}
% positions matrix: posture badges, same colours as the HTML
\definecolor{posturesupports}{HTML}{005A9C}\definecolor{postureopposes}{HTML}{A63A00}
\definecolor{postureconditional}{HTML}{6F5600}\definecolor{posturemixed}{HTML}{5E3C99}\definecolor{postureunclear}{HTML}{57606A}
\newcommand{\briefgenposture}[2]{\colorbox{#1}{\color{white}\sffamily\bfseries\scriptsize #2}}
\expandafter\def\csname DUroleposture-supports\endcsname#1{\briefgenposture{posturesupports}{#1}}
\expandafter\def\csname DUroleposture-opposes\endcsname#1{\briefgenposture{postureopposes}{#1}}
\expandafter\def\csname DUroleposture-conditional\endcsname#1{\briefgenposture{postureconditional}{#1}}
\expandafter\def\csname DUroleposture-mixed\endcsname#1{\briefgenposture{posturemixed}{#1}}
\expandafter\def\csname DUroleposture-unclear\endcsname#1{\briefgenposture{postureunclear}{#1}}
\expandafter\def\csname DUroleproposition\endcsname#1{\par{\footnotesize\itshape #1}}
\expandafter\def\csname DUroleactor-kind\endcsname#1{\fbox{\sffamily\scriptsize #1}\ }
\definecolor{briefgentitle}{HTML}{1F3A5F}
\setcounter{tocdepth}{0}
\expandafter\def\csname DUrolemark-sep\endcsname#1{\textsuperscript{,}}
\renewcommand{\sphinxcrossref}[1]{#1}
% ragged-right table cells: justified narrow columns stretch words apart
\AtBeginEnvironment{longtable}{\def\sphinxAtStartPar{\raggedright}}
\AtBeginEnvironment{tabulary}{\def\sphinxAtStartPar{\raggedright}}
% material that is not article text: indented, grey, small, like a boxed aside in HTML
\newenvironment{sphinxclassnon-article}{\par\begingroup\leftskip=1.5em\rightskip=1.5em\small\color{darkgray}}{\par\endgroup}
""",
    "sphinxsetup": "TitleColor={HTML}{1F3A5F}, InnerLinkColor={HTML}{1F3A5F}, OuterLinkColor={HTML}{8B1E3F}",
}
