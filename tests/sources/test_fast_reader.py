"""The fast CSV reader (pyarrow, plain UTF-8 files) gives exactly the cells and row numbers of
the general reader (pandas), or declines and leaves the file to it; whole imports agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.template import _csv_rows, _plain_csv_rows, check_file

#: Characters a hostile or careless file may hold (no quote: quoted files are never fast-read).
_CELL = st.text(
    alphabet=st.sampled_from(list("ab1 9;,\t\r\n-Åä\u00a0\u200b\ufeff#=<0")), max_size=12
)


def _both(path: Path, separator: str, n: int, chunk_rows: int):
    plain = _plain_csv_rows(path, separator=separator, n_columns=n, name="f", chunk_rows=chunk_rows)
    general = _csv_rows(
        path, encoding="utf-8", separator=separator, n_columns=n, name="f", chunk_rows=chunk_rows
    )
    return plain, general


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.lists(_CELL, min_size=1, max_size=6), min_size=0, max_size=12),
    separator=st.sampled_from([";", ",", "\t"]),
    ending=st.sampled_from(["\n", "\r\n", "\r", ""]),
    chunk_rows=st.integers(1, 5),
)
def test_fast_reader_gives_the_general_readers_cells_or_declines(
    tmp_path, lines, separator, ending, chunk_rows
):
    n = 4
    text = separator.join(["omrade", "period", "matt", "antal"]) + "\n"
    text += "\n".join(separator.join(cells) for cells in lines) + ending
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    plain, general = _both(path, separator, n, chunk_rows)
    if plain is None:
        return  # declined: the general reader alone reads the file
    fast = list(plain)
    slow = list(general)
    fast_frame = pd.concat([c for c, _ in fast], ignore_index=True) if fast else None
    slow_frame = pd.concat([c for c, _ in slow], ignore_index=True) if slow else None
    if fast_frame is None or slow_frame is None:
        assert (fast_frame is None or fast_frame.empty) and (slow_frame is None or slow_frame.empty)
        return
    slow_frame.columns = [str(c) for c in slow_frame.columns]
    assert fast_frame.astype(object).values.tolist() == slow_frame.astype(object).values.tolist()
    assert (
        np.concatenate([r for _, r in fast]).tolist()
        == np.concatenate([r for _, r in slow]).tolist()
    )


def test_fast_reader_declines_short_rows_and_extra_fields_and_reads_blank_lines_alike(tmp_path):
    path = tmp_path / "f.csv"
    for body in ["A;2025;x\n", "A;2025;x;1;5\n", "A;2025;x;1\nB;2025\n"]:
        path.write_text("omrade;period;matt;antal\n" + body, encoding="utf-8")
        assert _plain_csv_rows(path, separator=";", n_columns=4, name="f", chunk_rows=10) is None, (
            body
        )
    path.write_text("omrade;period;matt;antal\nA;2025;x;1\n\nB;2025;x;2\n", encoding="utf-8")
    plain, general = _both(path, ";", 4, 10)
    (fast, fast_rows), (slow, slow_rows) = next(plain), next(general)
    assert (
        fast.values.tolist()
        == slow.values.tolist()
        == [
            ["A", "2025", "x", "1"],
            ["", "", "", ""],
            ["B", "2025", "x", "2"],
        ]
    )
    assert fast_rows.tolist() == slow_rows.tolist() == [2, 3, 4]


def test_fast_and_general_readers_give_the_same_observations(tmp_path):
    rows = "".join(f"Ersboda;2025-W{w:02d};x;{w};{w + 10}\n" for w in range(1, 40))
    plain = tmp_path / "plain.csv"
    plain.write_text("omrade;period;matt;antal;namnare\n" + rows, encoding="utf-8")
    quoted = tmp_path / "quoted.csv"  # a quote anywhere sends the file to pandas' parser
    quoted.write_text('"omrade";period;matt;antal;namnare\n' + rows, encoding="utf-8")
    fast = check_file(plain, known_measures={"x": "proportion"}, chunk_rows=7)
    slow = check_file(quoted, known_measures={"x": "proportion"}, chunk_rows=7)
    pd.testing.assert_frame_equal(fast.observations, slow.observations)
    assert fast.rows_read == slow.rows_read == 39
