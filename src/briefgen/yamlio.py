"""Read YAML as plain data plus the line/column of every key and value.

Why not ``yaml.safe_load``: it forgets positions, silently keeps the last of duplicate keys,
expands aliases (the "billion laughs" bomb) and turns ``2025-02`` look-alikes into dates. Here the
safe composer builds the node tree, and a small converter turns it into data while recording marks,
rejecting duplicates, aliases, custom tags (``!!python/object``) and absurd nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import BriefingError, KeyPath, Problem

MAX_FILE_BYTES = 10_000_000
MAX_DEPTH = 40
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


# libyaml's parser when present (about 8x faster on large files); the pure-Python one otherwise.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """Safe loader that keeps timestamps as strings (see below)."""


class _PyLoader(yaml.SafeLoader):
    """The pure-Python safe loader, used to word error messages."""


_MAY_NEST_DEEPLY = re.compile(r"^[ \t-]{%d,}" % MAX_DEPTH, re.M)


def _scan_events(text: str, loader_class: type) -> tuple[str, yaml.Mark] | None:
    """Refuse aliases and absurd nesting on the event stream, before anything is composed.

    Composing is recursive (libyaml's composer can overflow the C stack on ``[[[[...``), and
    aliases are how "billion laughs" bombs expand; the event stream is flat and cheap. Files that
    can do neither (no flow brackets, anchors or aliases, shallow indentation) skip the scan.
    """
    if not any(c in text for c in "[{*&") and not _MAY_NEST_DEEPLY.search(text):
        return None
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, AliasEvent):
            return "aliases (*name) are not allowed in briefing files", event.start_mark
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


# Dates stay text: they are parsed as EDTF later, with precision kept.
for _cls in (_Loader, _PyLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class YamlDocument:
    """Data read from one YAML file, with a mark for every key path."""

    path: Path
    display: str  # path as shown to users (relative to the project)
    data: Any
    value_marks: dict[KeyPath, Mark]
    key_marks: dict[KeyPath, Mark]

    def mark(self, key_path: KeyPath, *, key: bool = False) -> Mark:
        """Closest known mark for a path: the key itself if asked, else the value, else a parent."""
        table = self.key_marks if key else self.value_marks
        path = tuple(key_path)
        while path:
            if path in table:
                return table[path]
            if path in self.value_marks:
                return self.value_marks[path]
            path = path[:-1]
        return self.value_marks.get((), Mark(1, 1))

    def problem(self, key_path: KeyPath, message: str, hint: str | None = None, *, key: bool = False) -> Problem:
        m = self.mark(key_path, key=key)
        return Problem(self.display, m.line, m.col, tuple(key_path), message, hint)


_STR_TAG = "tag:yaml.org,2002:str"


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    def __init__(self, loader: _Loader, display: str) -> None:
        self.loader = loader
        self.display = display
        self.value_marks: dict[KeyPath, Mark] = {}
        self.key_marks: dict[KeyPath, Mark] = {}
        self.problems: list[Problem] = []

    def fail(self, node: Node, path: KeyPath, message: str, hint: str | None = None) -> None:
        m = _mark(node)
        self.problems.append(Problem(self.display, m.line, m.col, path, message, hint))

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        if node.tag == _STR_TAG:  # most scalars: skip the constructor machinery (a third of load time)
            return node.value
        try:
            return self.loader.construct_object(node, deep=False)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):  # e.g. !!int "abc", !!bool "maybe"
            self.fail(node, path, f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}", "remove the explicit tag")
            return None

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.value_marks[path] = _mark(node)
        if len(path) > MAX_DEPTH:
            self.fail(node, path, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure")
            return None
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, path, f"YAML tag {node.tag!r} is not allowed", "remove the tag; briefing files hold plain data")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                self.fail(key_node, path, "mapping keys must be plain text")
                continue
            key = self._scalar(key_node, path)
            key = "null" if key is None else str(key)
            if key == "<<":
                self.fail(key_node, path, "merge keys (<<) are not allowed")
                continue
            if key in out:
                first = self.key_marks[path + (key,)]
                self.fail(key_node, path + (key,), f"duplicate key {key!r}", f"first given at line {first.line}")
                continue
            self.key_marks[path + (key,)] = _mark(key_node)
            out[key] = self.convert(value_node, path + (key,))
        return out


def read_text(path: Path, display: str, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file, turning every way it can be unreadable into a located problem."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [Problem(display, 1, 1, (), f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", "split it or trim it")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, 1, (), f"cannot read file: {exc.strerror or exc}")]
    if b"\x00" in raw:
        return None, [Problem(display, 1, 1, (), "file is binary (contains NUL bytes)", "save it as UTF-8 text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(display, line, col, (), f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "re-save the file as UTF-8")]
    return text, []


def _syntax_problem(display: str, text: str, exc: yaml.YAMLError) -> Problem:
    """A located message for a YAML error (as the pure-Python parser words it: it says more)."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML forbids, found while reading
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return Problem(display, line, col, (), f"YAML does not allow the control character U+{ord(char):04X}", "delete it; it is invisible in most editors")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        hint = "YAML indents with spaces, never tabs" if "\\t" in message or "\t" in message else None
        return Problem(display, line, col, (), f"YAML syntax: {message}", hint)
    return Problem(display, 1, 1, (), f"YAML syntax: {exc}")


def _compose(text: str, loader_class: type) -> Node | None:
    refused = _scan_events(text, loader_class)
    if refused is not None:
        raise yaml.MarkedYAMLError(None, None, refused[0], refused[1])
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse one YAML file; raise BriefingError with located problems if it is unusable."""
    text, problems = read_text(path, display)
    if text is None:
        raise BriefingError(problems)
    try:
        root = _compose(text, _Loader)
    except yaml.YAMLError as fast_error:
        # libyaml's messages are terse (no position for bad characters, no '\t'): on failure,
        # parse again with the pure-Python parser for the message users will read.
        try:
            _compose(text, _PyLoader)
            error = fast_error
        except yaml.YAMLError as slow_error:
            error = slow_error
        except RecursionError:
            error = fast_error
        raise BriefingError([_syntax_problem(display, text, error)]) from None
    if root is None:
        raise BriefingError([Problem(display, 1, 1, (), "file is empty", "it should hold a mapping of keys")])
    conv = _Converter(_Loader(""), display)
    data = conv.convert(root, ())
    if conv.problems:
        raise BriefingError(conv.problems)
    if not isinstance(data, dict):
        kind = type(data).__name__ if not isinstance(data, list) else "list"
        raise BriefingError([Problem(display, 1, 1, (), f"the file must be a mapping of keys, not a {kind}")])
    return YamlDocument(path, display, data, conv.value_marks, conv.key_marks)
