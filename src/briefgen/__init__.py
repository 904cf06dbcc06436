"""briefgen: curated YAML summaries of news articles into a citable briefing book (HTML + PDF).

The package is laid out by layer, each importing only the ones below it (checked by the
import-linter contracts in ``pyproject.toml``):

- ``core``: the model, reading the YAML, validation, dates; ``trust``: anchoring quotes and the
  checks of ``briefgen check``; ``edition``: the book as data; ``compose``: the MyST pages.
  None of these imports Sphinx.
- ``sphinxext``: the Sphinx extension and the Typst PDF builder; ``project``: ``init``,
  ``new-source`` and the JSON Schemas.
- ``warm``: what a process keeps between builds; ``building``: running the whole build.
- ``cli``, ``serve``, ``server``: the command line, the live preview, the build server.
"""
