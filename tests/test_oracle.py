"""The oracle: after every edit an analyst can make, every warm way of building publishes the cold book.

A Hypothesis state machine edits one briefing project (sources added, renamed and removed;
events, actors, statements, parties, issues, positions, questions and register entries added,
changed and removed; book.yaml's fields and its previous edition; an article broken and repaired;
conf/conf.py written and removed; YAML broken and repaired; going back to an earlier state). After
each edit the project's files are copied to the folder of each way of building, which builds:

- serve: ``briefgen serve``'s rebuild in this process, keeping its state between builds;
- server: ``briefgen build all --server`` (the build server, started by the first build);
- cli: ``briefgen build all --no-server`` in a new process each time, reusing what the last one
  left in ``_build/`` (Sphinx's environment, the stamp of the no-op check);
- and, as a rule of its own, a ``briefgen build`` in serve's folder (the no-op check after serve).

Each must publish exactly the files of a cold build of the same files in a new folder, or, when the
cold build reports problems, report the same ones and keep the last good book. A failure prints
the shortest edit sequence Hypothesis found. CI runs a fixed budget (``ORACLE_EXAMPLES`` sequences
of up to ``ORACLE_STEPS`` edits, derandomised); ``make fuzz`` runs a longer, random one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import HARBOUR
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from oracle import (
    Analyst,
    Outcome,
    ServeLoop,
    cli,
    cold_book,
    differences,
    finish,
    sync_inputs,
)

EXAMPLES = int(os.environ.get("ORACLE_EXAMPLES", "2"))
STEPS = int(os.environ.get("ORACLE_STEPS", "8"))
RANDOM = os.environ.get("ORACLE_RANDOM", "") not in ("", "0")
ONLY = {name for name in os.environ.get("ORACLE_RULES", "").split(",") if name}
"""Edit rules to run (``make fuzz ORACLE_RULES=rename_source,edit_book``); all when empty."""

picks = st.integers(0, 2**16)


def edit(method: Callable[[WarmEqualsCold, int], None]) -> Any:
    """An analyst's edit as a rule of the machine (skipped when ``ORACLE_RULES`` leaves it out)."""
    return precondition(lambda self: _enabled(method.__name__))(rule(pick=picks)(method))


def _enabled(name: str) -> bool:
    return not ONLY or name in ONLY


ALL = ("html", "pdf", "brief")  # what `briefgen build all` makes


class WarmEqualsCold(RuleBasedStateMachine):
    """One project, its ways of building, and the cold book each must equal after every edit."""

    @initialize()
    def start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="briefgen-oracle-"))
        self.analyst = Analyst(self.tmp / "files")
        shutil.copytree(HARBOUR, self.analyst.root)
        self.serve = ServeLoop(self.tmp / "serve")
        self.server_root = self.tmp / "server"
        self.cli_root = self.tmp / "cli"
        self.good: dict[
            tuple[str, ...], dict[str, bytes]
        ] = {}  # the last good cold book, per formats
        self.edition: bytes | None = None
        self.server_started = False

    def teardown(self) -> None:
        if getattr(self, "server_started", False):
            finish(cli(self.server_root, "server", "stop"), self.server_root, ())
        if hasattr(self, "tmp"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- after every step: build every way and compare ---------------------------------------
    @invariant()
    def every_warm_book_is_the_cold_book(self) -> None:
        for folder in (self.serve.root, self.server_root, self.cli_root):
            sync_inputs(self.analyst.root, folder)
        cold = {
            formats: cold_book(self.analyst.root, self.tmp / f"cold-{'-'.join(formats)}", formats)
            for formats in (("html",), ALL)
        }
        server = cli(self.server_root, "build", "all", "--server", "-j", "2")
        by_cli = cli(self.cli_root, "build", "all", "--no-server")
        warm = {"serve": (("html",), self.serve.build())}
        warm["server"] = (ALL, finish(server, self.server_root, ALL))
        self.server_started = True
        warm["cli"] = (ALL, finish(by_cli, self.cli_root, ALL))
        expected = {
            formats: finish(process, self.tmp / f"cold-{'-'.join(formats)}", formats)
            for formats, process in cold.items()
        }
        for formats, outcome in expected.items():
            if outcome.ok:
                self.good[formats] = outcome.book
        if expected[ALL].ok:
            self.edition = expected[ALL].book.get("html/edition.json")
        for name, (formats, outcome) in warm.items():
            self._compare(name, outcome, expected[formats], formats)

    def _compare(self, name: str, warm: Outcome, cold: Outcome, formats: tuple[str, ...]) -> None:
        assert warm.problems == cold.problems, (
            f"{name}: problems differ from the cold build's:\nwarm: {warm.problems}\ncold: {cold.problems}"
        )
        expected = cold.book if cold.ok else self.good.get(formats, {})
        diff = differences(warm.book, expected)
        assert not diff, f"{name}: the published book is not the cold build's:\n" + "\n".join(
            diff[:20]
        )

    # -- the no-op check after serve: `briefgen build` in serve's folder ----------------------
    @precondition(lambda self: _enabled("build_from_the_command_line_after_serve"))
    @rule()
    def build_from_the_command_line_after_serve(self) -> None:
        outcome = finish(
            cli(self.serve.root, "build", "html", "--no-server"), self.serve.root, ("html",)
        )
        cold = finish(
            cold_book(self.analyst.root, self.tmp / "cold-noop", ("html",)),
            self.tmp / "cold-noop",
            ("html",),
        )
        self._compare("briefgen build after serve", outcome, cold, ("html",))

    # -- the analyst's edits -------------------------------------------------------------------
    @edit
    def add_source(self, pick: int) -> None:
        self.analyst.add_source(pick)

    @edit
    def rename_source(self, pick: int) -> None:
        self.analyst.rename_source(pick)

    @edit
    def remove_source(self, pick: int) -> None:
        self.analyst.remove_source(pick)

    @edit
    def edit_article(self, pick: int) -> None:
        self.analyst.edit_article(pick)

    @edit
    def break_quote(self, pick: int) -> None:
        self.analyst.break_quote(pick)

    @edit
    def add_event(self, pick: int) -> None:
        self.analyst.add_event(pick)

    @edit
    def edit_event(self, pick: int) -> None:
        self.analyst.edit_event(pick)

    @edit
    def remove_event(self, pick: int) -> None:
        self.analyst.remove_event(pick)

    @edit
    def add_actor(self, pick: int) -> None:
        self.analyst.add_actor(pick)

    @edit
    def edit_actor(self, pick: int) -> None:
        self.analyst.edit_actor(pick)

    @edit
    def remove_actor(self, pick: int) -> None:
        self.analyst.remove_actor(pick)

    @edit
    def edit_statements(self, pick: int) -> None:
        self.analyst.edit_statements(pick)

    @edit
    def edit_parties(self, pick: int) -> None:
        self.analyst.edit_parties(pick)

    @edit
    def edit_issues(self, pick: int) -> None:
        self.analyst.edit_issues(pick)

    @edit
    def edit_positions(self, pick: int) -> None:
        self.analyst.edit_positions(pick)

    @edit
    def edit_questions(self, pick: int) -> None:
        self.analyst.edit_questions(pick)

    @edit
    def edit_register(self, pick: int) -> None:
        self.analyst.edit_register(pick)

    @edit
    def edit_claims(self, pick: int) -> None:
        self.analyst.edit_claims(pick)

    @edit
    def edit_book(self, pick: int) -> None:
        self.analyst.edit_book(pick)

    @edit
    def name_previous_edition(self, pick: int) -> None:
        self.analyst.name_previous_edition(self.edition, pick)

    @edit
    def edit_conf(self, pick: int) -> None:
        self.analyst.edit_conf(pick)

    @edit
    def break_yaml(self, pick: int) -> None:
        self.analyst.break_yaml(pick)

    @precondition(lambda self: bool(self.analyst.broken) and _enabled("repair"))
    @rule()
    def repair(self) -> None:
        self.analyst.repair()

    @edit
    def go_back(self, pick: int) -> None:
        """Back to an earlier state (an undo, a checkout): files may get older contents back."""
        if self.analyst.history:
            self.analyst.restore(self.analyst.history[pick % len(self.analyst.history)])
            self.analyst.broken.clear()

    @precondition(lambda self: _enabled("save_without_change"))
    @rule()
    def save_without_change(self) -> None:
        """Every file saved again with the same bytes (new modification times)."""
        for path in self.analyst.root.rglob("*"):
            if path.is_file():
                path.touch()

    @invariant()
    def remember_the_state(self) -> None:
        self.analyst.history.append(self.analyst.snapshot())


WarmEqualsCold.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
)

test_warm_equals_cold = pytest.mark.build(WarmEqualsCold.TestCase)


def replay(*steps: tuple[str, dict[str, int]]) -> None:
    """Run one edit sequence through the machine, checking after each step as Hypothesis would."""
    machine = WarmEqualsCold()
    try:
        machine.start()
        machine.every_warm_book_is_the_cold_book()
        machine.remember_the_state()
        for name, kwargs in steps:
            getattr(machine, name)(**kwargs)
            machine.every_warm_book_is_the_cold_book()
            machine.remember_the_state()
    finally:
        machine.teardown()


SHRUNK = {
    # Issue 25's first report, as the oracle shrank it: serve kept the root page's doctree (a cached
    # property of Sphinx's environment), so every sidebar listed the removed source, and the
    # deferred environment file carried it to the next process.
    "a source renamed": [("rename_source", {"pick": 0})],
    "a source added": [("add_source", {"pick": 0})],
    # Issue 25's second report: a previous edition named adds the What's new page; every sidebar
    # kept the old root page's table of contents.
    "a previous edition named": [("name_previous_edition", {"pick": 0})],
    # Sphinx never deletes from its output folder: the actor map of a renamed actor (a new file
    # name) and a stylesheet the configuration no longer names stayed in the published book.
    "an actor renamed": [("edit_actor", {"pick": 1})],
    "a stylesheet dropped from the configuration": [
        ("edit_conf", {"pick": 3}),
        ("edit_conf", {"pick": 1}),
    ],
}


@pytest.mark.build
@pytest.mark.parametrize("steps", SHRUNK.values(), ids=SHRUNK.keys())
def test_sequences_the_oracle_found(steps: list[tuple[str, dict[str, int]]]) -> None:
    replay(*steps)


EVERY_EDIT = [
    ("add_source", 3), ("edit_claims", 5), ("add_event", 7), ("edit_event", 2), ("edit_event", 3), ("add_actor", 4),
    ("edit_actor", 1), ("edit_statements", 0), ("edit_statements", 1), ("edit_parties", 0), ("edit_issues", 0),
    ("edit_positions", 0), ("edit_positions", 1), ("edit_questions", 0), ("edit_questions", 1), ("edit_register", 0),
    ("edit_register", 1), ("edit_book", 0), ("edit_book", 2), ("name_previous_edition", 0), ("edit_article", 2),
    ("break_quote", 1), ("repair", None), ("edit_conf", 3), ("edit_conf", 1), ("break_yaml", 4), ("repair", None),
    ("rename_source", 1), ("remove_event", 1), ("remove_actor", 1), ("edit_issues", 5), ("edit_parties", 3),
    ("edit_questions", 2), ("edit_register", 2), ("name_previous_edition", 1), ("edit_conf", 0),
    ("build_from_the_command_line_after_serve", None), ("save_without_change", None), ("remove_source", 0), ("go_back", 3),
]  # fmt: skip
"""Every kind of edit at least once, in an order where each has something to act on (CI's tour)."""


@pytest.mark.build
def test_every_kind_of_edit_once() -> None:
    replay(*[(name, {} if pick is None else {"pick": pick}) for name, pick in EVERY_EDIT])
    assert {name for name, _ in EVERY_EDIT} >= {
        name
        for name in dir(WarmEqualsCold)
        if getattr(getattr(WarmEqualsCold, name), "hypothesis_stateful_rule", None) is not None
    }
