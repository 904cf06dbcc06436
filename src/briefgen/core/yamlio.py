"""Read YAML as plain data plus the line/column of every key and value.

Why not ``yaml.safe_load``: it forgets positions, silently keeps the last of duplicate keys,
expands aliases (the "billion laughs" bomb) and turns ``2025-02`` look-alikes into dates. Here the
safe composer builds the node tree, and a small converter turns it into data while recording marks,
rejecting duplicates, aliases, custom tags (``!!python/object``) and absurd nesting.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefgen.core.errors import BriefingError, KeyPath, Problem
from briefgen.core.safefiles import FileTooLarge, NotARegularFile, read_regular

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


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]  # the C loader where pyyaml has it
    """Safe loader that keeps timestamps as strings (see below)."""


class _PyLoader(yaml.SafeLoader):
    """The pure-Python safe loader, used to word error messages."""


_MAY_NEST_DEEPLY = re.compile(rf"^[ \t-]{{{MAX_DEPTH},}}", re.M)


def _scan_events(text: str, loader_class: type) -> tuple[str, Any] | None:
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
    value_marks: Mapping[KeyPath, Mark]
    key_marks: Mapping[KeyPath, Mark]
    layout: Layout | None = (
        None  # where its top-level list items lie, to re-read only an edited one
    )

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

    def problem(
        self, key_path: KeyPath, message: str, hint: str | None = None, *, key: bool = False
    ) -> Problem:
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
        if (
            node.tag == _STR_TAG
        ):  # most scalars: skip the constructor machinery (a third of load time)
            return node.value
        try:
            return self.loader.construct_object(node, deep=False)
        except (
            ValueError,
            KeyError,
            TypeError,
            yaml.YAMLError,
        ):  # e.g. !!int "abc", !!bool "maybe"
            self.fail(
                node,
                path,
                f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}",
                "remove the explicit tag",
            )
            return None

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.value_marks[path] = _mark(node)
        if len(path) > MAX_DEPTH:
            self.fail(
                node, path, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure"
            )
            return None
        if node.tag not in _PLAIN_TAGS:
            self.fail(
                node,
                path,
                f"YAML tag {node.tag!r} is not allowed",
                "remove the tag; briefing files hold plain data",
            )
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
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
                first = self.key_marks[(*path, key)]
                self.fail(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r}",
                    f"first given at line {first.line}",
                )
                continue
            self.key_marks[(*path, key)] = _mark(key_node)
            out[key] = self.convert(value_node, (*path, key))
        return out


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def read_text(
    path: Path, display: str, *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file, turning every way it can be unreadable into a located problem.

    A regular file only (``core.safefiles``): a FIFO, a device or a folder is refused at once,
    and no more than ``max_bytes`` are read."""
    try:
        raw = read_regular(path, max_bytes)
    except FileTooLarge:
        size = _size(path)
        shown = f"file is {size:,} bytes, over" if size is not None else "file is over"
        return None, [
            Problem(
                display, 1, 1, (), f"{shown} the {max_bytes:,}-byte limit", "split it or trim it"
            )
        ]
    except NotARegularFile as exc:
        return None, [
            Problem(
                display,
                1,
                1,
                (),
                f"not a file: {exc.kind}",
                "briefing files and article texts must be plain files",
            )
        ]
    except OSError as exc:
        return None, [Problem(display, 1, 1, (), f"cannot read file: {exc.strerror or exc}")]
    if b"\x00" in raw:
        return None, [
            Problem(
                display, 1, 1, (), "file is binary (contains NUL bytes)", "save it as UTF-8 text"
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                display,
                line,
                col,
                (),
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "re-save the file as UTF-8",
            )
        ]
    return text, []


# The parser's words name what it met, not what the writer did: the usual cause of each.
_SYNTAX_HINTS = (
    (("\\t", "\t"), "YAML indents with spaces, never tabs"),
    (
        ("mapping values are not allowed here",),
        'a value holding ": " (a quote, a title) must be put in quotes: key: "...: ..."',
    ),
    (
        ("flow sequence", "flow mapping"),
        "a value beginning with [ or { is read as a list or a mapping: put the whole value in quotes",
    ),
    (
        ("quoted scalar",),
        "a quoted value is not closed, or holds its own quote mark: put it in the other kind of "
        "quotes (\"...'...\"), or double the mark inside single quotes ('it''s')",
    ),
    (
        ("could not find expected ':'",),
        "a line that is neither 'key: value' nor '- item': often a value continued on a line "
        "indented less than its key, or a missing colon",
    ),
    (
        ("expected <block end>", "did not find expected key", "expected '-' indicator"),
        "this line is indented differently from the other lines of its block: line it up with them",
    ),
)


_INDENT_HINT = _SYNTAX_HINTS[-1][1]


def _syntax_hint(message: str, lines: list[str] | None = None, line: int = 0) -> str | None:
    """The hint for a parser message; a line indented unlike its block gets the indentation hint
    even where the parser words it as a colon problem ("mapping values are not allowed here")."""
    if (
        lines is not None
        and "mapping values are not allowed here" in message
        and _misindented(lines, line)
    ):
        return _INDENT_HINT
    return next(
        (hint for needles, hint in _SYNTAX_HINTS if any(n in message for n in needles)), None
    )


def _misindented(lines: list[str], line: int) -> bool:
    """Whether line ``line`` (1-based) starts at a column its block cannot have: not at the
    previous line's key, nor at the content of its list item, nor deeper after an opening 'key:'."""
    if not 0 < line <= len(lines):
        return False
    previous = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip()), None)
    if previous is None:
        return False

    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    at, was = indent(lines[line - 1]), indent(previous)
    allowed = {was}
    if previous.lstrip().startswith("- "):
        allowed.add(was + 2)
    if previous.rstrip().endswith(":"):
        return at <= was and at not in allowed  # deeper opens the block
    return at > min(allowed) and at not in allowed


def _syntax_problem(display: str, text: str, exc: yaml.YAMLError) -> Problem:
    """A located message for a YAML error (as the pure-Python parser words it: it says more)."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML forbids, found while reading
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return Problem(
            display,
            line,
            col,
            (),
            f"YAML does not allow the control character U+{ord(char):04X}",
            "delete it; it is invisible in most editors",
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        lines = text.splitlines()
        problem, context = exc.problem_mark, exc.context_mark
        if problem is not None and context is not None and problem.line >= len(lines):
            problem = context  # "unexpected end of stream": the mistake is where the value began
        mark = problem or context
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        hint = _syntax_hint(message, lines, line)
        # the lines themselves, so the mistake can be seen without opening the file
        message += _quoted_line(lines, line, "line")
        if context is not None and mark is not context and context.line + 1 != line:
            message += _quoted_line(lines, context.line + 1, "begun on line")
        return Problem(display, line, col, (), f"YAML syntax: {message}", hint)
    return Problem(display, 1, 1, (), f"YAML syntax: {exc}")


def _quoted_line(lines: list[str], line: int, label: str) -> str:
    """'; line 3 reads 'title: [Pier repairs'' (leading tabs and spaces shown: they may be the fault)."""
    if not 0 < line <= len(lines) or not lines[line - 1].strip():
        return ""
    shown = lines[line - 1].rstrip()
    shown = shown if len(shown) <= 100 else shown[:99] + "…"
    return (
        f"; {label} {line} reads {shown!r}" if label == "line" else f"; {label} {line}: {shown!r}"
    )


def _compose(text: str, loader_class: type) -> Node | None:
    refused = _scan_events(text, loader_class)
    if refused is not None:
        raise yaml.MarkedYAMLError(None, None, refused[0], refused[1])
    loader = loader_class(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse one YAML file; raise BriefingError with located problems if it is unusable."""
    text, problems = read_text(path, display)
    if text is None:
        raise BriefingError(problems)
    return _parse_document(path, display, text)[0]


def _parse_document(path: Path, display: str, text: str) -> tuple[YamlDocument, Node]:
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
        raise BriefingError(
            [Problem(display, 1, 1, (), "file is empty", "it should hold a mapping of keys")]
        )
    conv = _Converter(_Loader(""), display)
    data = conv.convert(root, ())
    if conv.problems:
        raise BriefingError(conv.problems)
    if not isinstance(data, dict):
        kind = type(data).__name__ if not isinstance(data, list) else "list"
        raise BriefingError(
            [Problem(display, 1, 1, (), f"the file must be a mapping of keys, not a {kind}")]
        )
    return YamlDocument(path, display, data, conv.value_marks, conv.key_marks), root


# -- Re-reading an edited file: only the top-level list items the edit touched -------------------
#
# A long file (a timeline of a thousand events) is mostly one top-level list. When a warm process
# reads it again after an edit, the text before and after the edit is the same as last time, so
# the items lying wholly there are the same items: only the stretch of items that the changed
# text falls in is parsed again, as a small document that reproduces its context (the list's key
# at column 0, the list's own indentation, and what follows it). Anything this cannot settle with
# certainty (the change reaches outside one list's items, the stretch does not parse, or parses
# into anything but list items) reads the whole file as a cold build does, so results and error
# messages are always a cold build's.

_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# YAML breaks lines there too: left to full parses
_OTHER_LINE_BREAKS = (
    "\r",
    "\x85",
    "\u2028",
    "\u2029",
)


@dataclass(frozen=True)
class _Item:
    """One item of a top-level block list: where its first line starts, its data and its marks."""

    start: int  # offset in the text of the line holding its dash
    line: int  # 0-based number of that line
    data: Any
    value_marks: dict[KeyPath, Mark]  # by key path inside the item
    key_marks: dict[KeyPath, Mark]
    shift: (
        int  # lines to add to its marks' lines (they were read elsewhere in this or another text)
    )


@dataclass(frozen=True)
class _Seq:
    """A top-level key whose value is a block list, split into items."""

    key: str
    col: int  # column of its dashes
    items: list[_Item]
    end: int  # offset where its last item's stretch ends: the next top-level key's line, or the end of the text
    end_line: int  # 0-based line of ``end``


@dataclass(frozen=True)
class Layout:
    """Where a document's top-level list items lie in its text, with their data and marks."""

    text: str
    root_value_marks: dict[KeyPath, Mark]  # every mark outside the split lists' items
    root_key_marks: dict[KeyPath, Mark]
    seqs: dict[str, _Seq]

    def marks(self, which: str) -> SplitMarks:
        return SplitMarks(
            self.root_value_marks if which == "value" else self.root_key_marks, self.seqs, which
        )


class SplitMarks(Mapping[KeyPath, Mark]):
    """A document's marks kept per list item, so moving an item is one number, not a mark each."""

    def __init__(self, root: dict[KeyPath, Mark], seqs: dict[str, _Seq], which: str) -> None:
        self._root, self._seqs, self._value = root, seqs, which == "value"

    def _item(self, path: KeyPath) -> _Item | None:
        if (
            len(path) >= 2
            and isinstance(path[0], str)
            and isinstance(path[1], int)
            and (seq := self._seqs.get(path[0])) is not None
            and 0 <= path[1] < len(seq.items)
        ):
            return seq.items[path[1]]
        return None

    def __getitem__(self, path: KeyPath) -> Mark:
        path = tuple(path)
        item = self._item(path)
        if item is None:
            return self._root[path]
        m = (item.value_marks if self._value else item.key_marks)[path[2:]]
        return Mark(m.line + item.shift, m.col) if item.shift else m

    def __contains__(self, path: object) -> bool:
        try:
            self[path]  # type: ignore[index]  # any object may be asked; only key paths are found
        except (KeyError, TypeError):
            return False
        return True

    def __iter__(self) -> Iterator[KeyPath]:
        yield from self._root
        for key, seq in self._seqs.items():
            for i, item in enumerate(seq.items):
                for rel in item.value_marks if self._value else item.key_marks:
                    yield (key, i, *rel)

    def __len__(self) -> int:
        return len(self._root) + sum(
            len(item.value_marks if self._value else item.key_marks)
            for seq in self._seqs.values()
            for item in seq.items
        )


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _dash_line(text: str, starts: list[int], node: Node, col: int) -> int | None:
    """Offset of the line where ``node`` starts, if that line opens a list item at ``col`` (``- ...``)."""
    line = node.start_mark.line
    if line >= len(starts) or node.start_mark.column <= col:
        return None
    at = starts[line]
    if text.startswith(" " * col + "-", at) and text[at + col + 1 : at + col + 2] in (" ", "\n"):
        return at
    return None


def _split_marks(
    keys: set[str],
    value_marks: Mapping[KeyPath, Mark],
    key_marks: Mapping[KeyPath, Mark],
    counts: dict[str, int],
) -> tuple[
    dict[KeyPath, Mark],
    dict[KeyPath, Mark],
    dict[str, list[tuple[dict[KeyPath, Mark], dict[KeyPath, Mark]]]],
]:
    """Partition flat marks into those outside the lists ``keys`` and those of each of their items."""
    items: dict[str, list[tuple[dict[KeyPath, Mark], dict[KeyPath, Mark]]]] = {
        k: [({}, {}) for _ in range(counts[k])] for k in keys
    }
    roots: tuple[dict[KeyPath, Mark], dict[KeyPath, Mark]] = ({}, {})
    for n, table in enumerate((value_marks, key_marks)):
        root = roots[n]
        for path, mark in table.items():
            if (
                len(path) >= 2
                and isinstance(path[0], str)
                and path[0] in keys
                and isinstance(path[1], int)
            ):
                items[path[0]][path[1]][n][path[2:]] = mark
            else:
                root[path] = mark
    return roots[0], roots[1], items


def _block_seqs(
    text: str, starts: list[int], root: Node
) -> dict[str, tuple[int, list[int], int]] | None:
    """Top-level keys whose value is a block list whose items each open on their dash's line:
    key -> (dash column, item line offsets, end offset). None if the root is not a plain block mapping."""
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    if any(not isinstance(k, ScalarNode) or k.start_mark.column != 0 for k, _ in root.value):
        return None
    found: dict[str, tuple[int, list[int], int]] = {}
    for n, (key_node, value_node) in enumerate(root.value):
        if not (
            isinstance(value_node, SequenceNode)
            and not value_node.flow_style
            and value_node.value
            and key_node.tag == _STR_TAG
            and _SIMPLE_KEY.match(key_node.value)
        ):
            continue
        first = value_node.value[0].start_mark
        if first.line >= len(starts):
            continue
        line_text = text[starts[first.line] : starts[first.line] + first.column]
        col = len(line_text) - len(line_text.lstrip(" "))
        dashes = [_dash_line(text, starts, item, col) for item in value_node.value]
        offsets = [o for o in dashes if o is not None]
        if len(offsets) != len(dashes):
            continue
        end: int = (
            starts[root.value[n + 1][0].start_mark.line] if n + 1 < len(root.value) else len(text)
        )
        found[key_node.value] = (col, offsets, end)
    return found


def _layout(text: str, root: Node, doc: YamlDocument) -> Layout | None:
    """The layout of a fully parsed document (None if it has no list worth splitting)."""
    if any(b in text for b in _OTHER_LINE_BREAKS):
        return None
    starts = _line_starts(text)
    found = _block_seqs(text, starts, root)
    if not found:
        return None
    counts = {k: len(doc.data[k]) for k in found}
    root_vm, root_km, marks = _split_marks(set(found), doc.value_marks, doc.key_marks, counts)
    seqs = {}
    for key, (col, offsets, end) in found.items():
        items = [
            _Item(at, bisect_right(starts, at) - 1, data, vm, km, 0)
            for at, data, (vm, km) in zip(offsets, doc.data[key], marks[key], strict=False)
        ]
        seqs[key] = _Seq(key, col, items, end, bisect_right(starts, end) - 1)
    return Layout(text, root_vm, root_km, seqs)


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))  # a[:lo] == b[:lo] holds; find the largest such lo
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _stretch_fits(seq: _Seq, new_mid: str, *, last: bool, at_end: bool) -> bool:
    """Whether the edited stretch of a list can be parsed on its own: whole items, starting at the
    list's dash, ending with a line end (unless it ends the file); an empty stretch (items removed)
    only when items follow it in the list."""
    if not new_mid:
        # the list's last items removed: what follows the list now follows an earlier item
        return not last
    starts_an_item = new_mid.startswith(" " * seq.col + "-") and new_mid[
        seq.col + 1 : seq.col + 2
    ] in (" ", "\n")
    return starts_an_item and (new_mid.endswith("\n") or at_end)


def _shifted_seqs(
    seqs: dict[str, _Seq],
    edited: _Seq,
    span: tuple[int, int],
    fresh: list[_Item],
    moved: int,
    lines: int,
) -> dict[str, _Seq]:
    """The lists of a document after an edit replaced items ``span`` of ``edited`` by ``fresh``: the
    items after the edit, and the lists after that one, moved by ``moved`` characters and ``lines``."""
    i, j = span

    def moved_item(item: _Item) -> _Item:
        if not moved and not lines:
            return item
        return _Item(
            item.start + moved,
            item.line + lines,
            item.data,
            item.value_marks,
            item.key_marks,
            item.shift + lines,
        )

    out: dict[str, _Seq] = {}
    for key, q in seqs.items():
        if q is edited:
            items = [*q.items[:i], *fresh, *(moved_item(item) for item in q.items[j:])]
            out[key] = _Seq(key, q.col, items, q.end + moved, q.end_line + lines)
        elif q.items[0].start >= edited.end:
            out[key] = _Seq(
                key,
                q.col,
                [moved_item(item) for item in q.items],
                q.end + moved,
                q.end_line + lines,
            )
        else:
            out[key] = q
    return out


def _reread(
    previous: YamlDocument, text: str, display: str
) -> tuple[YamlDocument, list[tuple[KeyPath, Any]]] | None:
    """``previous`` brought up to ``text`` by parsing only the list items an edit touched, with the
    new items (key path, data); None when that cannot be done with certainty."""
    layout = previous.layout
    if layout is None or any(b in text for b in _OTHER_LINE_BREAKS):
        return None
    old = layout.text
    if old == text:
        return replace(previous), []
    p = _common_prefix(old, text)
    s = _common_suffix(old, text, min(len(old), len(text)) - p)
    old_end = len(old) - s  # the change: old[p:old_end] became text[p:len(text) - s]
    seq = next(
        (q for q in layout.seqs.values() if q.items[0].start <= p and old_end <= q.end), None
    )
    if seq is None:
        return None
    starts = [item.start for item in seq.items]
    bounds = [*starts, seq.end]
    i = bisect_right(starts, p) - 1
    j = bisect_left(bounds, old_end, lo=i)
    moved = len(text) - len(old)
    first, after = starts[i], bounds[j]
    new_mid, old_mid = text[first : after + moved], old[first:after]
    last = j == len(seq.items)
    if not _stretch_fits(seq, new_mid, last=last, at_end=after + moved == len(text)):
        return None
    fresh: list[_Item] = []
    if new_mid:
        follows = "item" if not last else ("key" if seq.end < len(old) else "end")
        parsed = _parse_stretch(seq, new_mid, follows, display)
        if parsed is None:
            return None
        line0 = layout.seqs[seq.key].items[i].line
        for data, at, line, vm, km in parsed:
            fresh.append(_Item(first + at, line0 + line, data, vm, km, line0 - 1))
    lines = new_mid.count("\n") - old_mid.count("\n")

    seqs = _shifted_seqs(layout.seqs, seq, (i, j), fresh, moved, lines)
    root_vm, root_km = layout.root_value_marks, layout.root_key_marks
    if lines:
        after_line = seq.end_line + 1  # 1-based: marks of keys after the list move with it

        def shifted(table: dict[KeyPath, Mark]) -> dict[KeyPath, Mark]:
            return {
                path: Mark(m.line + lines, m.col)
                if path[:1] != (seq.key,) and m.line >= after_line
                else m
                for path, m in table.items()
            }

        root_vm, root_km = shifted(root_vm), shifted(root_km)
    data = dict(previous.data)
    data[seq.key] = [item.data for item in seqs[seq.key].items]
    new_layout = Layout(text, root_vm, root_km, seqs)
    doc = YamlDocument(
        previous.path, display, data, new_layout.marks("value"), new_layout.marks("key"), new_layout
    )
    return doc, [((seq.key, i + n), item.data) for n, item in enumerate(fresh)]


def _parse_stretch(
    seq: _Seq, stretch: str, follows: str, display: str
) -> list[tuple[Any, int, int, dict[KeyPath, Mark], dict[KeyPath, Mark]]] | None:
    """Parse list items alone, in a small document giving them the context they have in their file:
    the list's key at column 0 above them and, below, what follows them there (``follows``: another
    item, another top-level key, or the end of the text). Each item comes as (data, offset and
    0-based line of its dash line in ``stretch``, its marks by key path inside it, with lines
    counted in the small document, whose line 2 is the stretch's first)."""
    sentinel = seq.key + "_"
    tail = {"item": " " * seq.col + "- 0\n", "key": f"{sentinel}:\n", "end": ""}[follows]
    small = f"{seq.key}:\n{stretch}{tail}"
    try:
        root = _compose(small, _Loader)
    except (yaml.YAMLError, RecursionError):
        return None
    want = [seq.key, sentinel] if follows == "key" else [seq.key]
    if (
        not isinstance(root, MappingNode)
        or [getattr(k, "value", None) for k, _ in root.value] != want
    ):
        return None
    value = root.value[0][1]
    if not isinstance(value, SequenceNode) or value.flow_style:
        return None
    nodes = value.value[:-1] if follows == "item" else value.value
    if not nodes or (follows == "item" and len(value.value) < 2):
        return None
    starts = _line_starts(small)
    dashes = [_dash_line(small, starts, node, seq.col) for node in nodes]
    offsets = [o for o in dashes if o is not None]
    if len(offsets) != len(dashes):
        return None
    conv = _Converter(_Loader(""), display)
    data = conv.convert(root, ())
    if conv.problems or not isinstance(data, dict) or not isinstance(data.get(seq.key), list):
        return None
    items = data[seq.key][: len(nodes)]
    _, _, marks = _split_marks(
        {seq.key}, conv.value_marks, conv.key_marks, {seq.key: len(data[seq.key])}
    )
    head = len(seq.key) + 2  # the key's line
    return [
        (item, at - head, bisect_right(starts, at) - 2, vm, km)
        for item, at, (vm, km) in zip(items, offsets, marks[seq.key], strict=False)
    ]


def read_yaml_again(
    path: Path, display: str, previous: YamlDocument | None
) -> tuple[YamlDocument, list[tuple[KeyPath, Any]] | None]:
    """``read_yaml`` for a process that reads files again: the document keeps its layout and, when
    ``previous`` is this file as last read, only the list items an edit touched are parsed again.

    Also returns the items parsed anew (key path, data); None when the whole file was.
    """
    text, problems = read_text(path, display)
    if text is None:
        raise BriefingError(problems)
    if previous is not None and previous.path == path and previous.display == display:
        done = _reread(previous, text, display)
        if done is not None:
            return done
    doc, root = _parse_document(path, display, text)
    layout = _layout(text, root, doc)
    if layout is not None:
        doc = YamlDocument(
            path, display, doc.data, layout.marks("value"), layout.marks("key"), layout
        )
    return doc, None
