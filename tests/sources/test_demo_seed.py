"""The demo draws each indicator from its own random stream (issue #12): adding or removing an
indicator leaves every other indicator's synthetic counts exactly as they were."""

from __future__ import annotations

import pandas as pd

from catalogue import load_catalogue
from geo.areas import read_areas, read_deso_mapping
from sources.demo import generate_observations, indicator_rng


def _by_measure(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {m: part.reset_index(drop=True) for m, part in frame.groupby("matt")}


def test_adding_or_removing_an_indicator_leaves_the_others_unchanged():
    areas, deso = read_areas(), read_deso_mapping()
    catalogue = load_catalogue()
    full = _by_measure(generate_observations(areas, deso, catalogue))

    dropped = next(iter(full))  # the first synthesised indicator, alphabetically
    fewer = {k: v for k, v in catalogue.items() if k != dropped}
    added = dict(catalogue)
    added["aaa_new_indicator"] = catalogue[dropped].model_copy(update={"id": "aaa_new_indicator"})

    without = _by_measure(generate_observations(areas, deso, fewer))
    more = _by_measure(generate_observations(areas, deso, added))

    assert dropped not in without and "aaa_new_indicator" in more
    for measure, frame in full.items():
        if measure != dropped:
            pd.testing.assert_frame_equal(without[measure], frame)
        pd.testing.assert_frame_equal(more[measure], frame)


def test_streams_differ_between_indicators_and_repeat_for_one():
    a = indicator_rng("skadegorelse").integers(0, 2**31, size=8).tolist()
    b = indicator_rng("personran").integers(0, 2**31, size=8).tolist()
    assert a == indicator_rng("skadegorelse").integers(0, 2**31, size=8).tolist()
    assert a != b
