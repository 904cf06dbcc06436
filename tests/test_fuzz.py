"""Property-based tests: no input makes the loader raise anything but a located BriefingError,
and escaped text always comes back from the MyST parser exactly as written."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from conftest import HARBOUR
from docutils.core import publish_doctree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from myst_parser.parsers.docutils_ import Parser

from briefgen.compose.markup import clean, escape
from briefgen.core.errors import BriefingError
from briefgen.core.load import load_briefing
from briefgen.core.yamlio import read_yaml
from briefgen.trust.prepare import prepare

MYST = {"myst_enable_extensions": ["attrs_inline", "colon_fence"], "report_level": 5}
# Markup-heavy alphabet: every ASCII punctuation character, letters, digits, spaces, some Unicode.
TEXTS = st.text(
    alphabet=st.sampled_from(
        string.punctuation + string.ascii_letters[:8] + "0123 \t\n\u00e9\u201c\u2014\U0001f525"
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_escaped_text_round_trips_through_myst(text: str) -> None:
    expected = clean(text)
    doc = publish_doctree(escape(text), parser=Parser(), settings_overrides=MYST)
    assert doc.astext() == expected


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_random_yaml_text_never_escapes_as_a_traceback(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        doc = read_yaml(path, "f.yaml")
    except BriefingError as exc:
        assert all(p.file == "f.yaml" and p.line >= 1 for p in exc.problems)
    else:
        assert isinstance(doc.data, dict)


def _mutations() -> st.SearchStrategy:
    """Replace one value of a real briefing file with something of another type or shape."""
    values = st.one_of(
        st.none(),
        st.integers(),
        st.booleans(),
        st.text(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )
    files = [
        "briefing/book.yaml",
        "briefing/timeline.yaml",
        "briefing/actors.yaml",
        "briefing/sources/herald.yaml",
        "briefing/positions.yaml",
    ]
    return st.tuples(st.sampled_from(files), st.integers(min_value=0, max_value=10_000), values)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_mutations())
def test_mutated_briefings_give_located_errors_or_load(tmp_path_factory, mutation) -> None:
    import shutil

    rel, pick, value = mutation
    root = tmp_path_factory.mktemp("m") / "p"
    shutil.copytree(HARBOUR, root)
    path = root / rel
    data = yaml.safe_load(path.read_text())
    paths = _paths(data)[1:]
    target = paths[pick % len(paths)]
    node = data
    for key in target[:-1]:
        node = node[key]
    node[target[-1]] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        prepare(root)
    except BriefingError as exc:
        assert exc.problems
        assert all(
            p.file.startswith("briefing/") and p.line >= 1 and p.message for p in exc.problems
        ), exc


def test_unmutated_fixture_loads() -> None:
    assert load_briefing(Path(HARBOUR)).sources
