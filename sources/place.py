"""Make a new place (municipality) from SCB's national RegSO file: its districts are its RegSO.

``python -m sources.place new --name Skellefteå --code 2482 [--key skelleftea]`` writes

* ``data/place/<key>_areas.csv`` — the area hierarchy: the municipality and one district per
  RegSO (code ``rs-<slug of the RegSO name>``; no stadsdel level);
* ``data/place/<key>_regso.csv`` — RegSO name → district code (what the public import reads);
* ``data/templates/skola_distrikt_<key>.csv`` — the school → district key, district left empty;
* ``data/place/<key>.yml`` — the place file, unless it exists (then it is left as it is).

There is no boundary file: the app runs in table-and-chart mode and the map says which file to
add. Nothing here needs the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from common.cli import run_cli
from common.errors import UserError
from common.place import PLACE_DIR, load_place, place_file
from common.settings import DATA_DIR
from sources import scb_regso, skolverket
from sources.public import SCB_DIR, SKOLVERKET_FILE, write_school_key
from sources.tidy import slug

N_FOCUS = 4

PLACE_TEMPLATE = """\
# {municipality}, built only from SCB's national RegSO file (python -m sources.place new --name
# {name} --code {code}): its districts are its {n} RegSO; there is no boundary file, so the app
# runs in table-and-chart mode. Fields: docs/place.md.
code: "{code}"
name: {name}
name_municipality: {municipality}
name_municipality_en: {name} municipality
aliases: [{name}, {municipality}, Kommunen, Hela kommunen]
programme: Trygg i {name} (exempel)
programme_en: Safe in {name} (example)
council: BRÅ i {name} (exempel)
# Example: the four most populous RegSO; choose the programme's own (also in the areas file).
focus_districts: [{focus}]
areas: data/place/{key}_areas.csv
regso_names: data/place/{key}_regso.csv
deso_district: null
boundaries: null
boundary_hint: >-
  Lägg till en GeoJSON med distriktens gränser (EPSG:3006, egenskapen "code" = distriktets kod,
  t.ex. SCB:s RegSO-polygoner från geodata.scb.se, lager stat:RegSO_2025, kommunkod {code}) och
  ange den som boundaries i data/place/{key}.yml.
school_key: data/templates/skola_distrikt_{key}.csv
demo:
  population: {population}
  n_deso: 0
# EST: this place's own ways of writing vocabulary values (docs/place.md); no EST demo stream
# (est.demo), so the EST pages start empty until partners' files are imported.
est:
  vocabularies:
    partners: {{fritid: [fritid {name_lower}]}}
    organisers: {{kommunen: [{municipality_lower}]}}
"""


def regso_areas(tables, *, name: str, code: str) -> pd.DataFrame:
    """The hierarchy of a municipality whose districts are its RegSO.

    Examples
    --------
    >>> from sources.scb_regso import RegsoTable, TABLE_COLUMNS, TENURE
    >>> f = pd.DataFrame([("K", "Östra stan", "hyresrätt", "2023", 1.0, 2)], columns=TABLE_COLUMNS)
    >>> regso_areas({TENURE: RegsoTable(TENURE, f, "t.csv")}, name="K", code="9999")[
    ...     ["code", "level", "parent_code"]].values.tolist()
    [['9999', 'municipality', ''], ['rs-ostra-stan', 'district', '9999']]
    """
    names = scb_regso.regso_names(tables, name)
    if not names:
        known = scb_regso.municipalities(tables)
        raise UserError(
            f"Kommunen {name!r} finns inte i SCB:s RegSO-fil ({len(known)} kommuner, t.ex. "
            f"{', '.join(known[:3])}).",
            message_en=f"No municipality {name!r} in the RegSO file.",
        )
    codes = [f"rs-{slug(n).replace('_', '-')}" for n in names]
    if len(set(codes)) != len(codes):
        raise UserError(f"Två RegSO i {name} får samma kod; byt namn i filen.")
    rows = [
        {
            "code": code,
            "name": f"{name} kommun",
            "name_en": f"{name} municipality",
            "official_name": f"{name} kommun",
            "level": "municipality",
            "parent_code": "",
            "focus": 0,
            "sort_order": 0,
        }
    ]
    for i, (regso, district) in enumerate(zip(names, codes, strict=True), start=1):
        rows.append(
            {
                "code": district,
                "name": regso,
                "name_en": regso,
                "official_name": regso,
                "level": "district",
                "parent_code": code,
                "focus": 0,
                "sort_order": i,
            }
        )
    return pd.DataFrame(rows)


def make_place(name: str, code: str, key: str, *, overwrite_yaml: bool = False) -> list[Path]:
    """Write the files of a RegSO-built place (see the module docstring); returns them."""
    place_file(key)  # checks the key
    tables = scb_regso.read_regso_tables(SCB_DIR)
    areas = regso_areas(tables, name=name, code=code)
    births = tables[scb_regso.BIRTH_REGION].frame
    latest = births["year"].max()
    mine = births[
        (births["municipality"] == name)
        & (births["category"] == "totalt")
        & (births["year"] == latest)
    ]
    population = mine["value"].sum()
    # An example choice of focus districts: the four most populous RegSO (edit the files).
    largest = set(mine.nlargest(N_FOCUS, "value")["regso"])
    areas.loc[areas["name"].isin(largest) & (areas["level"] == "district"), "focus"] = 1
    PLACE_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    areas_path = PLACE_DIR / f"{key}_areas.csv"
    areas.to_csv(areas_path, index=False, lineterminator="\n")
    written.append(areas_path)
    districts = areas[areas["level"] == "district"]
    regso_path = PLACE_DIR / f"{key}_regso.csv"
    pd.DataFrame({"regso_code": districts["code"], "regso_name": districts["name"]}).to_csv(
        regso_path, index=False, lineterminator="\n"
    )
    written.append(regso_path)
    yaml_path = PLACE_DIR / f"{key}.yml"
    if overwrite_yaml or not yaml_path.exists():
        yaml_path.write_text(
            PLACE_TEMPLATE.format(
                name=name,
                municipality=f"{name} kommun",
                name_lower=name.casefold(),
                municipality_lower=f"{name} kommun".casefold(),
                code=code,
                key=key,
                n=len(districts),
                population=int(population),
                focus=", ".join(areas.loc[areas["focus"] == 1, "code"]),
            ),
            encoding="utf-8",
        )
        written.append(yaml_path)
    results = skolverket.read_school_results(SKOLVERKET_FILE)
    written.append(
        write_school_key(
            results, load_place(key), DATA_DIR / "templates" / f"skola_distrikt_{key}.csv"
        )
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sources.place",
        description="Skapa en plats (kommun) ur SCB:s nationella RegSO-fil.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="ny plats: distrikten blir kommunens RegSO")
    new.add_argument("--name", required=True, help="kommunens namn som i RegSO-filen")
    new.add_argument("--code", required=True, help="kommunkod, fyra siffror")
    new.add_argument("--key", help="platsens nyckel (standard: namnet utan å/ä/ö)")
    args = parser.parse_args(argv)
    key = args.key or slug(args.name).replace("_", "-")
    for path in make_place(args.name, args.code, key):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
