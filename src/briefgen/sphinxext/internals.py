"""Every Sphinx, MyST and docutils internal briefgen relies on, named and checked in one place.

Warm builds, and a few speed-ups of briefgen's extension, use names their libraries do not promise
to keep: private functions and attributes, module globals, methods swapped on a builder. Each such
shortcut lists here what it touches (``SHORTCUTS``). Once per process ``check`` looks every name up
and compares the installed versions with the ones the tests cover (``TESTED``); a shortcut is on
only when all of its names are there under tested versions. Anything else turns that shortcut off:
the build takes Sphinx's own way, stays correct and is only slower, and ``briefgen build -v`` says
which shortcut is off and why (``describe``).

Names are written ``module:attribute.path``. Attributes that exist only on instances (set in
``__init__``) are checked on the instance where it is made (``missing_on``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from packaging.version import InvalidVersion, Version

TESTED: dict[str, tuple[str, str]] = {
    "sphinx": ("9.0", "9.1"),
    "myst-parser": ("5.2", "5.3"),
    "docutils": ("0.20", "0.23"),
}
"""Distribution -> [lowest, highest) version the tests run under (pyproject.toml allows the same)."""


@dataclass(frozen=True)
class Shortcut:
    """A speed-up that relies on internals: what it does and the names it touches."""

    name: str
    does: str
    touches: tuple[str, ...]
    libraries: tuple[str, ...] = ("sphinx",)


SHORTCUTS: dict[str, Shortcut] = {
    s.name: s
    for s in (
        Shortcut(
            "kept-application",
            "a warm process builds again with the Sphinx application of its last build (briefgen.warm.sphinxapp)",
            (
                "docutils.parsers.rst.directives:_directives",
                "docutils.parsers.rst.roles:_roles",
                "sphinx.util.docutils:additional_nodes",
                "sphinx.util.docutils:register_node",
                "sphinx.util.docutils:docutils_namespace",
                "sphinx.util.logging:setup",
                "sphinx.environment:BuildEnvironment.master_doctree",
                "sphinx.builders.html._assets:_file_checksum_inner.cache_clear",
            ),
            ("sphinx", "docutils"),
        ),
        Shortcut(
            "deferred-environment",
            "a warm process pickles Sphinx's environment after publishing, not inside the build (briefgen.warm.envpickle)",
            (
                "sphinx.builders:pickle",
                "sphinx.application:ENV_PICKLE_FILENAME",
                "sphinx.builders:Builder.build",
            ),
        ),
        Shortcut(
            "unchanged-navigation-pages",
            "pages showing only a re-read page's navigation are not written again while the navigation is unchanged",
            (
                "sphinx.builders.html:StandaloneHTMLBuilder.write",
                "sphinx.builders.html:StandaloneHTMLBuilder.handle_page",
            ),
        ),
        Shortcut(
            "kept-search-index",
            "a kept application's search index starts from its last one in memory, pruned and frozen by what changed",
            (
                "sphinx.builders.html:StandaloneHTMLBuilder.load_indexer",
                "sphinx.builders.html:StandaloneHTMLBuilder.dump_search_index",
                "sphinx.search:IndexBuilder.prune",
                "sphinx.search:IndexBuilder.feed",
                "sphinx.search:IndexBuilder.get_terms",
                "sphinx.search:js_index.load",
            ),
        ),
        Shortcut(
            "outdated-checks",
            "Sphinx's which-pages-are-outdated checks asked with strings (briefgen.warm.outdated)",
            (
                "sphinx.environment:_has_doc_changed",
                "sphinx.util.osutil:_last_modified_time",
                "sphinx.environment:BuildEnvironment.get_outdated_files",
                "sphinx.builders.html:StandaloneHTMLBuilder.get_output_path",
            ),
        ),
        Shortcut(
            "known-pages",
            "a warm build hands Sphinx compose's page list instead of its walking the folder (briefgen.warm.knownpages)",
            (
                "sphinx.project:Project.discover",
                "sphinx.project:Project.doc2path",
                "sphinx.project:Project.restore",
                "sphinx.project:EXCLUDE_PATHS",
                "sphinx.util.matching:compile_matchers",
            ),
        ),
        Shortcut(
            "title-text",
            "page titles' plain text remembered per title node in a warm build (briefgen.warm.titletext)",
            ("sphinx.domains.std:clean_astext",),
        ),
        Shortcut(
            "indexed-references",
            "MyST's link resolver answers from an index, and span ids are kept per page (sphinxext.refs, plainids)",
            ("myst_parser.sphinx_ext.myst_refs:MystReferenceResolver._std_label_in_doc",),
            ("myst-parser",),
        ),
        Shortcut(
            "search-index-words",
            "words found on no page are dropped from the search index before it is written (sphinxext.searchindex)",
            ("sphinx.search:IndexBuilder.prune",),
        ),
    )
}

INSTANCE_NAMES: dict[str, tuple[str, ...]] = {
    "kept-application": (
        "_status",
        "_warning",
        "_warncount",
        "statuscode",
        "parallel",
        "env._pickled_doctree_cache",
        "env._write_doc_doctree_cache",
    ),
    "kept-search-index": ("builder.searchindex_filename",),
}
"""Names set in ``__init__`` that a shortcut touches, checked on the application (``missing_on``)."""

SEARCH_INDEX_ATTRIBUTES = ("_filenames", "_titles", "_all_titles", "_mapping", "_title_mapping")
"""What ``IndexBuilder.load`` sets, which a kept search index hands over (checked on the indexer)."""


def _lookup(name: str) -> bool:
    module_name, _, path = name.partition(":")
    try:
        owner: object = importlib.import_module(module_name)
    except ImportError:
        return False
    for part in path.split("."):
        if part not in dir(owner) and not hasattr(owner, part):
            return False
        owner = getattr(owner, part)
    return True


def _version_problem(library: str) -> str | None:
    low, high = TESTED[library]
    try:
        found = Version(metadata.version(library))
    except (metadata.PackageNotFoundError, InvalidVersion):
        return f"{library} is not installed"
    if not Version(low) <= found < Version(high):
        return f"{library} {found} is outside the versions tested ({low} to below {high})"
    return None


@cache
def check() -> dict[str, str]:
    """Shortcut -> why it is off, for every shortcut that is off in this process."""
    off: dict[str, str] = {}
    for shortcut in SHORTCUTS.values():
        problems = [p for p in (_version_problem(lib) for lib in shortcut.libraries) if p]
        missing = [name for name in shortcut.touches if not _lookup(name)]
        if missing:
            problems.append(f"not found: {', '.join(missing)}")
        if problems:
            off[shortcut.name] = "; ".join(problems)
    return off


def on(name: str) -> bool:
    """Whether shortcut ``name`` may be used in this process."""
    if name not in SHORTCUTS:
        raise KeyError(name)
    return name not in check()


def missing_on(obj: object, names: Iterable[str]) -> list[str]:
    """Which of ``names`` (dotted attribute paths) ``obj`` lacks."""
    missing = []
    for name in names:
        owner = obj
        for part in name.split("."):
            if not hasattr(owner, part):
                missing.append(name)
                break
            owner = getattr(owner, part)
    return missing


def describe() -> list[str]:
    """One line per shortcut that is off, for ``-v``."""
    return [
        f"warm shortcut '{name}' is off ({why}); building Sphinx's own way there"
        for name, why in sorted(check().items())
    ]


def reset() -> None:
    """Forget the checks (a test that hides a name, then asks again)."""
    check.cache_clear()
