"""Dates: the fast path for simple EDTF forms agrees with the edtf library, and display reads well."""

from __future__ import annotations

import pytest

from briefgen.core.dates import parse_date


@pytest.mark.parametrize(
    "text",
    [
        "2025",
        "2025-02",
        "2025-02-17",
        "2025-03~",
        "2025-02-29?",
        "2024-02-29",
        "2025-02-17/2025-03-30",
        "2025-01~/2025-02-17",
        "2025-21",
        "2025-02-17/..",
        "1846",
    ],
)
def test_fast_date_path_agrees_with_the_edtf_library(text: str) -> None:
    import datetime

    from edtf import parse_edtf

    from briefgen.core.dates import DateError, parse_date

    try:
        lib = parse_edtf(text)
        expected = (tuple(lib.lower_strict()[:3]), tuple(lib.upper_strict()[:3]))
        for bound in expected:
            datetime.date(*bound)  # the library bounds 2025-02-29? without checking the day
    except Exception:
        expected = None
    try:
        got = parse_date(text)
        assert expected is not None, f"{text} accepted but the library rejects it"
        assert (
            (got.earliest.year, got.earliest.month, got.earliest.day),
            (got.latest.year, got.latest.month, got.latest.day),
        ) == expected
    except DateError:
        assert expected is None, f"{text} rejected but the library accepts it"


@pytest.mark.parametrize(
    "text, shown, precision",
    [
        ("2025-02-17", "17 February 2025", "day"),
        ("2025-02", "February 2025", "month"),
        ("2025-03~", "c. March 2025", "approximate"),
        ("2025-21", "Spring 2025", "season"),
        ("2025-02-17/2025-03-30", "17 February 2025 – 30 March 2025", "range"),
        ("2025?", "possibly 2025", "uncertain"),
    ],
)
def test_display_and_precision(text: str, shown: str, precision: str) -> None:
    parsed = parse_date(text)
    assert parsed.display() == shown
    assert parsed.precision == precision
