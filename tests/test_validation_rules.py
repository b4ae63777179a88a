"""Validation of the example theater edited the ways a QA pass broke it.

Rules no plan can satisfy, messages that must always say what is expected, problems
hidden by other problems, a missing sheet's flood of follow-on errors, did-you-mean
everywhere, CSV rows split by a comma, and settings asking for a missing sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from defplan.errors import InputError
from defplan.plan import plan
from defplan.plan.allocation_file import read_allocation_csv
from defplan.scenario import Scenario
from defplan.suggest import did_you_mean, expected_one_of
from defplan.workbook import Validation, load_scenario, validate, write_csv_folder

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "iraq_syria.xlsx"
Rows = list[list[str]]


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture
def folder(tmp_path: Path, example: Scenario) -> Path:
    return write_csv_folder(example, tmp_path / "theater")


def edit(folder: Path, sheet: str, change: Callable[[Rows], object]) -> None:
    path = folder / f"{sheet}.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def add_rules(folder: Path, *rules: list[str]) -> None:
    edit(folder, "rules", lambda rows: rows.extend(rules))


def errors(report: Validation) -> list[str]:
    return [str(p) for p in report.errors]


# --- 1. rules no plan can satisfy are found without a solver --------------------------


def test_locks_and_minimums_above_the_inventory_are_an_error_naming_every_rule_row(
    folder: Path,
) -> None:
    # rules.csv: row 2 forbid zelkan, row 3 min_units embassy cram 1 (the example's own)
    add_rules(
        folder,
        ["lock", "al_asad", "cram", "", ""],  # row 4: 2 deployed
        ["lock", "erbil", "cram", "", ""],  # row 5
        ["lock", "union_iii", "cram", "", ""],  # row 6
        ["lock", "biap", "cram", "", ""],  # row 7
        ["min_units", "rumalyn", "cram", "2", ""],  # row 8
    )
    report = validate(folder)
    assert not report.ok
    [problem] = [p for p in report.errors if "inventory is 6" in p.message]
    assert problem.sheet == "rules"
    assert "rules on rows 3, 4, 5, 6, 7, 8 force 8 cram units in all" in problem.message
    assert "row 4 lock of 2 unit(s) (as deployed) at al_asad" in problem.message
    assert "row 8 min_units 2 at rumalyn" in problem.message


def test_rules_that_use_exactly_the_inventory_are_still_valid(folder: Path) -> None:
    add_rules(
        folder,
        ["lock", "al_asad", "cram", "", ""],
        ["lock", "erbil", "cram", "", ""],
        ["lock", "union_iii", "cram", "", ""],
        ["lock", "biap", "cram", "", ""],
    )  # 5 locked + the embassy's min_units 1 = the 6 cram on hand
    report = validate(folder)
    assert report.ok, errors(report)
    assert report.scenario is not None
    assert plan(report.scenario).allocation.sum() > 0


def test_a_lock_above_a_max_units_rule_on_the_same_site_is_an_error(folder: Path) -> None:
    add_rules(
        folder, ["max_units", "al_asad", "cram", "1", ""], ["lock", "al_asad", "cram", "", ""]
    )
    found = errors(validate(folder))
    assert any(
        "rules · row 5 · value: lock of 2 unit(s) (as deployed) is above max_units 1 on row 4 "
        "for al_asad/cram" in m
        for m in found
    ), found


def test_validate_and_plan_agree_on_the_qa_examples(folder: Path, example: Scenario) -> None:
    """What validate accepts plan can solve: the two QA cases are now caught first."""
    add_rules(
        folder, ["max_units", "al_asad", "cram", "1", ""], ["lock", "al_asad", "cram", "", ""]
    )
    with pytest.raises(InputError):
        load_scenario(folder)


def test_a_forced_unit_above_max_per_base_is_an_error_on_the_rule_row(folder: Path) -> None:
    add_rules(folder, ["min_units", "taji", "patriot", "2", ""])  # patriot max_per_base 1
    found = errors(validate(folder))
    assert any(
        "rules · row 4 · value: min_units 2 at taji is more than patriot's max_per_base of 1" in m
        for m in found
    ), found


def test_a_forced_unit_on_a_closed_or_forbidden_site_is_an_error(folder: Path) -> None:
    edit(
        folder,
        "bases",
        lambda rows: rows[rows_of(rows, "taji")].__setitem__(rows[0].index("status"), "closed"),
    )
    add_rules(folder, ["min_units", "taji", "cram", "1", ""], ["lock", "zelkan", "cram", "1", ""])
    found = errors(validate(folder))
    assert any(
        "rules · row 4 · base_id: min_units asks for units at closed base taji" in m for m in found
    )
    assert any(
        "rules · row 5 · kind: lock on zelkan/cram contradicts the forbid rule on row 2" in m
        for m in found
    )


def rows_of(rows: Rows, base_id: str) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == base_id)


# --- 2. every message says what is expected --------------------------------------------


def test_range_and_whole_number_messages_say_what_is_expected(folder: Path) -> None:
    edit(folder, "systems", lambda rows: rows[2].__setitem__(rows[0].index("max_per_base"), "0"))
    edit(folder, "attacks", lambda rows: rows[1].__setitem__(rows[0].index("killed"), "-1"))
    edit(folder, "bases", lambda rows: rows[1].__setitem__(rows[0].index("capacity"), "0.4"))
    found = errors(validate(folder))
    assert any(
        "systems · row 3 · max_per_base: '0' is too small (expected a whole number, 1 or more)" in m
        for m in found
    ), found
    assert any(
        "attacks · row 2 · killed: '-1' is too small (expected a whole number, 0 or more)" in m
        for m in found
    ), found
    assert any(
        "bases · row 2 · capacity: '0.4' is not a whole number (expected a whole number, 0 or more)"
        in m
        for m in found
    ), found
    for message in found:
        assert "(expected )" not in message and "expected a value" not in message, message


# --- 3. a duplicate id is found whatever else is wrong in the row ---------------------


def test_a_duplicate_id_is_reported_even_when_the_first_row_has_another_bad_cell(
    folder: Path,
) -> None:
    def duplicate(rows: Rows) -> None:
        rows[2][0] = rows[1][0]  # row 3 takes row 2's attack_id
        rows[1][rows[0].index("killed")] = "x"  # and row 2 has a bad cell

    edit(folder, "attacks", duplicate)
    found = errors(validate(folder))
    assert any("attacks · row 2 · killed: 'x' is not a number" in m for m in found)
    assert any(
        re.search(r"attacks · row 3 · attack_id: '\w+' is already on row 2", m) for m in found
    ), found


def test_a_repeated_rule_is_reported_even_when_its_value_is_bad(folder: Path) -> None:
    add_rules(folder, ["min_units", "embassy", "cram", "lots", ""])
    found = errors(validate(folder))
    assert any("rules · row 4 · value: 'lots' is not a number" in m for m in found)
    assert any("rules · row 4 · kind: repeats the rule on row 3" in m for m in found), found


# --- 4. a missing sheet is one error, not one per row naming it ------------------------


@pytest.mark.parametrize("sheet", ["systems", "bases", "weapons"])
def test_a_missing_sheet_gives_one_error_not_a_flood(folder: Path, sheet: str) -> None:
    (folder / f"{sheet}.csv").unlink()
    found = errors(validate(folder))
    assert len(found) == 1, found
    assert f"{sheet} · required sheet is missing" in found[0]


def test_a_sheet_without_its_id_column_does_not_blame_every_row_naming_it(folder: Path) -> None:
    edit(folder, "systems", lambda rows: [row.pop(0) for row in rows])
    found = errors(validate(folder))
    assert not any("is not a system in the systems sheet" in m for m in found), found
    assert any("system_id: required column is missing" in m for m in found)


# --- 5. did you mean, everywhere ------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "choices", "meant"),
    [
        ("al_asd", ["al_asad", "erbil"], "al_asad"),
        ("embasy", ["embassy", "erbil"], "embassy"),
        ("CRAM", ["cram", "patriot"], "cram"),
        ("Patriot", ["cram", "patriot"], "patriot"),
        ("rockets", ["rocket", "mortar", "drone"], "rocket"),
        ("drone", ["drones"], "drones"),
        ("Ballistic Missile", ["ballistic_missile"], "ballistic_missile"),
        ("troop_wieght", ["troop_weight", "history_weight"], "troop_weight"),
        ("radius", ["intensity", "radius_km", "lat", "lon"], "radius_km"),
        ("nasams", ["cram", "patriot"], None),
        ("cram", ["cram", "patriot"], None),
    ],
)
def test_did_you_mean(word: str, choices: list[str], meant: str | None) -> None:
    assert did_you_mean(word, choices) == meant


def test_expected_one_of_reads_as_words_not_a_python_list() -> None:
    assert (
        expected_one_of("patriott", ["cram", "patriot"])
        == "expected one of cram, patriot; did you mean patriot?"
    )
    assert expected_one_of("x", [], none="the theater has no zones") == (
        "expected one of: nothing (the theater has no zones)"
    )


def test_every_unknown_id_in_the_workbook_gets_a_did_you_mean(folder: Path) -> None:
    add_rules(
        folder, ["min_units", "embasy", "CRAM", "1", ""], ["max_units", "erbil", "Patriot", "1", ""]
    )
    edit(
        folder,
        "threat_zones",
        lambda rows: rows[1].__setitem__(rows[0].index("weapons"), "rockets; drone"),
    )
    found = errors(validate(folder))
    for expected in (
        "rules · row 4 · base_id: 'embasy' is not a base in the bases sheet; "
        "did you mean 'embassy'?",
        "rules · row 4 · system_id: 'CRAM' is not a system in the systems sheet; "
        "did you mean 'cram'?",
        "rules · row 5 · system_id: 'Patriot' is not a system in the systems sheet; "
        "did you mean 'patriot'?",
        "threat_zones · row 2 · weapons: 'rockets' is not a weapon in the weapons sheet; "
        "did you mean 'rocket'?",
    ):
        assert any(expected in m for m in found), (expected, found)


def test_a_misnamed_column_gets_a_did_you_mean(folder: Path) -> None:
    edit(
        folder,
        "threat_zones",
        lambda rows: rows[0].__setitem__(rows[0].index("radius_km"), "radius"),
    )
    assert any(
        "radius: is not a column of threat_zones; did you mean 'radius_km'?" in m
        for m in errors(validate(folder))
    )


def test_an_allocation_file_with_typos_gets_a_did_you_mean(
    tmp_path: Path, example: Scenario
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("base_id,system_id,units\nal_asd,cram,1\nerbil,cramm,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_allocation_csv(path, example)
    found = [str(p) for p in caught.value.problems]
    assert any(
        "row 2 · base_id: 'al_asd' is not a base of the theater; did you mean 'al_asad'?" in m
        for m in found
    ), found
    assert any(
        "row 3 · system_id: 'cramm' is not a system of the theater "
        "(expected one of cram, patriot, cuas; did you mean cram?)" in m
        for m in found
    ), found


# --- 6. CSV rows with the wrong number of cells ---------------------------------------


def test_an_unquoted_comma_in_a_name_is_one_error_for_that_row(folder: Path) -> None:
    path = folder / "bases.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    header = rows[0]
    rows[2][1] = "Camp Taji, Iraq"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    path.write_text(text.getvalue().replace('"Camp Taji, Iraq"', "Camp Taji, Iraq"))
    report = validate(folder)
    found = [str(p) for p in report.problems if p.sheet == "bases" and p.row == 3]
    assert found == [
        f"{folder / 'bases.csv'} · bases · row 3 · name: has {len(header) + 1} cells, the header "
        f"has {len(header)}: 'Camp Taji, Iraq' looks like one value split at its comma (put it "
        'in double quotes: "Camp Taji, Iraq"); row not read'
    ]
    # the base is known though unreadable: rows naming it are not blamed as well
    assert not any("'taji' is not a base" in m for m in errors(report))


def test_an_extra_or_missing_cell_is_reported_not_silently_dropped(folder: Path) -> None:
    edit(folder, "deployed", lambda rows: rows[1].append("oops"))
    edit(folder, "weapons", lambda rows: rows[1].pop())
    found = errors(validate(folder))
    assert any("deployed · row 2 · has 5 cells, the header has 4" in m for m in found), found
    assert any(
        "weapons · row 2 · has 5 cells, the header has 6 (every row needs one cell per column" in m
        for m in found
    ), found


def test_trailing_empty_cells_are_padding_not_an_error(folder: Path) -> None:
    def pad(rows: Rows) -> None:
        for row in rows[1:]:
            row.extend(["", ""])

    edit(folder, "deployed", pad)
    assert validate(folder).ok


# --- 7. coverage_distance = routes needs routes ---------------------------------------


def test_coverage_by_routes_without_a_routes_sheet_is_an_error(folder: Path) -> None:
    (folder / "settings.csv").write_text("key,value\nseed,1\ncoverage_distance,routes\n")
    found = errors(validate(folder))
    assert found == [
        f"{folder / 'settings.csv'} · settings · row 3 · value: coverage_distance: 'routes' "
        "needs a routes sheet, and this theater has none (expected great_circle, or a routes "
        "sheet with from_base, to_base, distance_km)"
    ]


def test_coverage_by_routes_with_a_routes_sheet_is_valid(folder: Path) -> None:
    (folder / "settings.csv").write_text("key,value\ncoverage_distance,routes\n")
    (folder / "routes.csv").write_text("from_base,to_base,distance_km\nbiap,union_iii,18\n")
    assert validate(folder).ok


# --- 8. every setting the solver checks at solve time is checked at validation ----------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mip_gap", "1", "'1' is too large (expected a number, 0 or more and less than 1)"),
        (
            "mip_gap",
            "-0.1",
            "'-0.1' is too small (expected a number, 0 or more and less than 1)",
        ),
        ("time_limit_s", "0", "'0' is too small (expected a positive number, more than 0)"),
        (
            "seed",
            "2147483648",
            "'2147483648' is too large (expected a whole number, 0 to 2147483647)",
        ),
        ("solver", "nope", "no solver profile 'nope' (expected one of "),
    ],
)
def test_a_setting_the_solver_would_refuse_is_an_error_on_its_settings_row(
    folder: Path, key: str, value: str, message: str
) -> None:
    (folder / "settings.csv").write_text(f"key,value\nhalf_life_years,2\n{key},{value}\n")
    found = errors(validate(folder))
    assert len(found) == 1, found
    where = f"{folder / 'settings.csv'} · settings · row 3 · value: {key}: "
    assert found[0].startswith(where + message), found[0]
    with pytest.raises(InputError):
        load_scenario(folder)


def test_a_solver_profile_with_a_gap_of_1_is_an_error_on_the_solver_row(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profiles = tmp_path / "solvers"
    profiles.mkdir()
    (profiles / "loose.toml").write_text('backend = "highs"\nmip_gap = 1\n')
    monkeypatch.setenv("DEFPLAN_SOLVERS", str(profiles))
    (folder / "settings.csv").write_text("key,value\nsolver,loose\n")
    found = errors(validate(folder))
    assert found == [
        f"{folder / 'settings.csv'} · settings · row 2 · value: solver: profile 'loose' "
        f"({profiles / 'loose.toml'}) sets mip_gap 1 (expected less than 1)"
    ]


def test_a_gap_just_below_1_is_valid_and_plans(folder: Path) -> None:
    (folder / "settings.csv").write_text("key,value\nmip_gap,0.99\n")
    assert validate(folder).ok
    assert plan(load_scenario(folder)).status in ("optimal", "gap_limit")


# --- 9. a row that failed validation does not make other sheets' checks fail too -------


def test_a_refused_deployed_row_is_one_error_not_also_the_options_and_rules_naming_it(
    folder: Path,
) -> None:
    def zero_at_biap(rows: Rows) -> None:
        for row in rows:
            if row[:2] == ["biap", "cram"]:
                row[2] = "0"

    edit(folder, "deployed", zero_at_biap)
    # the option moving biap's C-RAM and a lock as deployed both depend on that row
    add_rules(folder, ["lock", "biap", "cram", "", "keep the airport's gun"])
    report = validate(folder)
    assert errors(report) == [
        f"{folder / 'deployed.csv'} · deployed · row 9 · units: '0' is too small "
        "(expected a whole number, 1 or more)"
    ]
    assert not [p for p in report.problems if p.sheet in ("options", "rules")]


# --- 10. an option that cannot be applied is scored infeasible, not a refused theater ---


def test_options_that_cannot_be_applied_are_warnings_and_the_theater_loads(
    folder: Path,
) -> None:
    edit(
        folder,
        "options",
        lambda rows: rows.extend(
            [
                ["to_bell", "move_troops", "al_asad", "fb_bell", "", "100", ""],
                ["too_many", "move_troops", "tower_22", "al_asad", "", "100000", ""],
                ["extra_cram", "move_system", "biap", "rumalyn", "cram", "2", ""],
            ]
        ),
    )
    report = validate(folder)
    assert report.ok, errors(report)
    where = f"{folder / 'options.csv'} · options · row"
    assert [str(p) for p in report.warnings if p.sheet == "options"] == [
        f"{where} 6 · to_base_id: 'fb_bell' is closed and cannot receive "
        "(defplan options lists option to_bell as infeasible)",
        f"{where} 7 · units: 100000 is more than the 350 troops there "
        "(defplan options lists option too_many as infeasible)",
        f"{where} 8 · units: 2 is more than the 1 cram units deployed there "
        "(defplan options lists option extra_cram as infeasible)",
    ]
    load_scenario(folder)  # no InputError


def test_a_misspelt_date_precision_is_an_error_not_a_silent_day() -> None:
    from defplan.scenario import AttackRow

    row = {"attack_id": "a1", "base_id": "alpha", "date": "2024-02-03", "weapon": "rocket"}
    assert AttackRow.model_validate({**row, "date_precision": "month"}).precision == "month"
    with pytest.raises(ValueError, match="date_precision"):
        AttackRow.model_validate({**row, "date_precision": "mnth"})
