"""briefgen: curated YAML summaries of news articles into a citable briefing book (HTML + PDF).

The Sphinx-free core (``load``, ``validate``, ``anchor``, ``compose``) imports without Sphinx;
``build`` and ``sphinxext`` render with it. The command line is ``briefgen.cli``.
"""
