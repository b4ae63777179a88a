"""Solver profiles: the shipped ones load, bad ones are refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import small_scenario, with_settings
from defplan.plan import plan
from defplan.plan.profiles import load_profile, profile_names
from defplan.workbook import validate, write_scenario


def test_every_shipped_profile_loads_and_names_a_backend() -> None:
    names = profile_names()
    assert {"default", "quick", "scip", "cbc", "cp_sat", "thorough"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.backend in ("highs", "scip", "cbc", "cp_sat")
        assert profile.description


def test_profile_values_fill_what_the_call_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tight.toml").write_text('backend = "highs"\ntime_limit_s = 7\nmip_gap = 0.25\n')
    monkeypatch.setenv("DEFPLAN_SOLVERS", str(tmp_path))
    result = plan(small_scenario(), solver="tight")
    assert (result.profile, result.time_limit_s, result.mip_gap) == ("tight", 7.0, 0.25)
    overridden = plan(small_scenario(), solver="tight", time_limit=3, gap=0.0)
    assert (overridden.time_limit_s, overridden.mip_gap) == (3.0, 0.0)
    from_settings = plan(with_settings(small_scenario(), time_limit_s=11.0))
    assert from_settings.time_limit_s == 11.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('backend = "gurobi"\n', "backend 'gurobi' is not one of"),
        ("time_limit_s = -1\n", "is not a positive number"),
        ("mip_gap = 'small'\n", "is not a number"),
        ("threads = 0\n", "is not a whole number"),
        ("colour = 'red'\n", "unknown keys ['colour']"),
        ("backend = \n", "not a valid TOML file"),
    ],
)
def test_bad_profiles_are_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "bad.toml").write_text(text)
    monkeypatch.setenv("DEFPLAN_SOLVERS", str(tmp_path))
    with pytest.raises(ValueError) as caught:
        load_profile("bad")
    assert message in str(caught.value)


def test_an_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"expected one of .*default"):
        load_profile("nonesuch")


@pytest.mark.parametrize("name", ["../evil", "../../x/evil", "solvers/../../evil"])
def test_a_profile_is_taken_by_name_never_by_path(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "solvers").mkdir()
    (tmp_path / "evil.toml").write_text('backend = "highs"\n')
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "evil.toml").write_text('backend = "highs"\n')
    monkeypatch.chdir(tmp_path / "solvers")  # ./solvers/<name>.toml would reach both files
    with pytest.raises(ValueError, match="by name, not by path"):
        load_profile(name)


def test_a_workbook_naming_a_profile_path_gets_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "evil.toml").write_text('backend = "highs"\n')
    monkeypatch.chdir(tmp_path)
    folder = write_scenario(small_scenario(), tmp_path / "theater")
    (folder / "settings.csv").write_text("key,value\nsolver,../evil\n", encoding="utf-8")
    report = validate(folder)
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.column) == ("settings", 2, "value")
    assert "'../evil'" in problem.message and "not by path" in problem.message


def test_a_misspelt_profile_gets_a_did_you_mean() -> None:
    with pytest.raises(ValueError, match="did you mean quick"):
        load_profile("quik")
