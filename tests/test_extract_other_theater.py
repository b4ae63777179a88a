"""A planner in another theater gets the attacks right by editing data only.

The theater here is invented whole: its countries (Marovia, the host; Dravenia, a
neighbour; Vartania, a hostile state), their border, towns, regions and bases, the armed
groups, the coalition (the Northern Accord, led by Caldera, whose forces are
"Calderan", with its embassy in Dravenia's capital and its own air defence, Skylance),
the local forces (the Home Guard), the name the groups give their fighters ("vanguard")
and the weapon models (Korsa drones, Tember ballistic missiles, Hask rockets). Every
lexicon file is replaced by one written for it; none of the shipped theater's names is
in them. people.csv, harm.csv and actor_roles.csv, the language of news copy, are the
shipped ones. The articles are written for this test, one mechanism each; each case that
failed at first named a word of the example theater held in code, now data (see
docs/extraction.md, catalogue rows 171-177).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from defplan.extract import extract_text
from defplan.extract.lexicon_files import DEFAULTS
from defplan.extract.lexicon_set import FILES
from defplan.scenario import BaseRow

DAY = dt.date(2031, 4, 10)  # a Thursday: "on Monday" is 7 April
FRI, SAT, SUN, MON, TUE, WED = (DAY - dt.timedelta(days=n) for n in (6, 5, 4, 3, 2, 1))
FIELDS = ("base_id", "date", "weapon", "munitions", "killed", "wounded", "actor")

LEXICONS = {
    "countries.csv": """country,lat,lon,words
Marovia,-18.0,134.0,marovia; marovian
Dravenia,-18.5,141.0,dravenia; dravenian
Vartania,-11.0,134.0,vartania; vartanian
""",
    "borders.csv": """border,lat,lon
Marovia; Dravenia,-14.0,137.0
Marovia; Dravenia,-18.0,137.0
Marovia; Dravenia,-22.0,137.2
Marovia; Vartania,-14.0,131.0
Marovia; Vartania,-14.0,137.0
""",
    "regions.csv": """region,aliases
Selvane,Selvane province; Selvane governorate
Oranth,Oranth province; Oranth plateau
Southmere,Southmere district
Eastmarch,Eastmarch
Tallis,Tallis province
Østmark,Østmark province
""",
    "places.csv": """place,lat,lon,aliases
Brevik,-17.5,133.5,Brevick
Corvalla,-20.6,134.3,
Dunmere,-15.5,135.0,
Sorrin,-18.55,140.35,
Dravos,-18.9,141.2,
Çelvar,-21.4,134.2,
""",
    "actors.csv": """actor,kind,aliases
Black Heron Brigade,group,Black Heron Brigade; Black Heron Brigades; Black Herons; BHB
Sons of Amrith,group,Sons of Amrith; Amrith Sons
Reed Valley Front,group,Reed Valley Front; RVF
Vartania,state,Vartania; Vartanian; Sky Guard; Vartanian Sky Guard
Caldera,coalition,Caldera; Calderan; Calderan-led; CALCOM
Northern Accord,coalition,Northern Accord; Accord-led coalition; coalition
""",
    "forces.csv": """word,role
marovian,local_owner
dravenian,local_owner
marovian army,local_owner
home guard,local_owner
militia,local_owner
marovian,local_people
dravenian,local_people
home guard,local_people
militia,local_people
calderan,host
accord,host
coalition,host
international,host
foreign,host
calderan,troops
accord,troops
coalition,troops
caldera,friendly
calderan,friendly
accord,friendly
coalition,friendly
CALCOM,friendly
coalition,presence
accord-led,presence
calderan-led,presence
vanguard,claimant
""",
    "weapon_words.csv": """word,weapon,form
cruise missile,cruise_missile,plain
ballistic missile,ballistic_missile,plain
tember,ballistic_missile,numbered
drone,drone,plain
uav,drone,plain
korsa,drone,numbered
mortar,mortar,plain
mortar round,mortar,plain
mortar shell,mortar,plain
rocket,rocket,plain
hask,rocket,numbered
140 mm,rocket,plain
missile,missile,plain
ied,other,plain
roadside bomb,other,plain
projectile,other,plain
artillery,other,plain
shell,other,lowercase
skylance,defence,plain
""",
}
COPIED = ("people.csv", "harm.csv", "actor_roles.csv")

BASES = (
    BaseRow(
        base_id="halvard",
        name="Camp Halvard",
        aliases="Halvard",
        lat=-17.2,
        lon=133.5,  # north of Brevik
        country="Marovia",
        region="Selvane",
        troops=800,
    ),
    BaseRow(
        base_id="redwater",
        name="Redwater Air Base",
        aliases="Redwater",
        lat=-17.0,
        lon=136.0,
        country="Marovia",
        region="Oranth",
        troops=1200,
        receives_air="yes",
    ),
    BaseRow(
        base_id="tamsin",
        name="Fort Tamsin",
        aliases="Tamsin",
        lat=-17.4,
        lon=136.3,
        country="Marovia",
        region="Oranth",
        troops=300,
    ),
    BaseRow(
        base_id="lysander",
        name="Camp Lysander",
        aliases="Lysander",
        lat=-20.9,
        lon=134.2,  # in southern Marovia, near Corvalla
        country="Marovia",
        region="Southmere",
        troops=400,
    ),
    BaseRow(
        base_id="post_41",
        name="Outpost 41",
        aliases="Post 41",
        lat=-18.0,
        lon=136.95,  # on the Marovian-Dravenian border
        country="Marovia",
        region="Eastmarch",
        troops=150,
    ),
    BaseRow(
        base_id="sorrin",
        name="Sorrin Airfield",
        aliases="Sorrin air base",
        lat=-18.6,
        lon=140.3,
        country="Dravenia",
        region="Tallis",
        troops=200,
        receives_air="yes",
    ),
    BaseRow(
        base_id="elan",
        name="Élan Field",
        aliases="Élan",
        lat=-14.5,
        lon=132.0,
        country="Marovia",
        region="Østmark",
        troops=100,
    ),
    BaseRow(
        base_id="embassy",
        name="Calderan Embassy Dravos",
        aliases="Calderan Embassy; Embassy of Caldera in Dravos",
        lat=-18.9,
        lon=141.2,  # in Dravenia's capital
        country="Dravenia",
        region="Tallis",
        troops=100,
    ),
)


@pytest.fixture(scope="module")
def lexicons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The theater's ``lexicons/`` folder: every lexicon file replaced."""
    folder = tmp_path_factory.mktemp("theater") / "lexicons"
    folder.mkdir()
    for name, text in LEXICONS.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name in COPIED:
        shutil.copyfile(DEFAULTS / name, folder / name)
    return folder


def _read(text: str, folder: Path) -> list[tuple[object, ...]]:
    found = extract_text(text, BASES, published=DAY, lexicons=folder)
    return [tuple(getattr(r, f) for f in FIELDS) for r in found.rows]


def test_the_folder_replaces_every_lexicon_file(lexicons: Path) -> None:
    assert sorted(p.name for p in lexicons.glob("*.csv")) == sorted(FILES)
    found = extract_text("Rockets hit Camp Halvard.", BASES, published=DAY, lexicons=lexicons)
    replaced = sorted(Path(n.file).name for n in found.notes if "shipped" in n.message)
    assert replaced == sorted(FILES)


# (an own-words article of the invented theater, the rows a planner needs from it)
CASES = [
    pytest.param(
        "The Black Heron Brigade said it launched three Korsa-7 drones at Camp Halvard on "
        "Tuesday. Two Calderan soldiers were wounded, an Accord spokesman said.",
        [("halvard", TUE, "drone", 3, 0, 2, "Black Heron Brigade")],
        id="a named base, a group that claims, a model's number counted as munitions",
    ),
    pytest.param(
        "BREVIK, Marovia - Rockets struck a base north of Brevik on Sunday night. No one was "
        "hurt, Marovian officials said.",
        [("halvard", SUN, "rocket", None, 0, 0, None)],
        id="a base described by its direction from a town, and a stated zero",
    ),
    pytest.param(
        "Two drones targeted an airbase in Oranth province on Friday, the Northern Accord "
        "said. Both were shot down.",
        [("redwater", FRI, "drone", 2, None, None, None)],
        id="an airbase described by its region",
    ),
    pytest.param(
        "A drone hit a coalition post on the Marovian-Dravenian border early on Monday, "
        "wounding four Calderan service members.",
        [("post_41", MON, "drone", 1, 0, 4, None)],
        id="a post on the border of two invented countries",
    ),
    pytest.param(
        "Vartania launched six Tember-2 ballistic missiles at Redwater Air Base on "
        "Wednesday. Calderan officials said there were no casualties.",
        [("redwater", WED, "ballistic_missile", 6, 0, 0, "Vartania")],
        id="a state that acts is the attacker",
    ),
    pytest.param(
        "Mortar rounds fell on Fort Tamsin on Tuesday evening.\n\n"
        "The Sons of Amrith condemned the attack in a statement.\n\n"
        "One contractor was killed and three soldiers were wounded, the Accord said on "
        "Wednesday.",
        [("tamsin", TUE, "mortar", None, 1, 3, None)],
        id="a group that condemned is not the attacker; casualties in another sentence",
    ),
    pytest.param(
        "Vartanian-backed militias fired four Hask-140 rockets at Camp Lysander on Monday, "
        "officials said.",
        [("lysander", MON, "rocket", 4, None, None, None)],
        id="a sponsor state is not the attacker",
    ),
    pytest.param(
        "Calderan warplanes struck weapons depots of the Black Heron Brigade near Dunmere on "
        "Saturday, the Accord said, in reply to attacks on its troops.",
        [],
        id="the coalition's strike is a reply, not an attack",
    ),
    pytest.param(
        "Calderan jets struck Reed Valley Front positions near Dunmere on Saturday, a day "
        "after two rockets hit Sorrin Airfield.",
        [("sorrin", FRI, "rocket", 2, None, None, None)],
        id="the attack a reply answers is read, without the reply's target as its actor",
        marks=pytest.mark.xfail(
            strict=True,
            reason="grammar, not theater words (the shipped theater reads 'US jets struck "
            "Kataib Hezbollah positions ..., a day after two rockets hit Al Asad' alike): "
            "'a day after' is not dated from the reply's day, and the reply's target is "
            "taken as the attacker",
        ),
    ),
    pytest.param(
        "A drone struck a Home Guard base near Brevik on Monday, killing two Marovian soldiers.",
        [(None, MON, "drone", 1, 2, None, None)],
        id="a local force's base is not the coalition's base in the same town",
    ),
    pytest.param(
        "Three rockets hit Sorrin Airfield late on Tuesday, Dravenian police said.\n\n"
        "The airfield hosts about 200 Calderan troops and has been attacked before.\n\n"
        "Two service members were killed and five were wounded in the attack, the Accord "
        "said in a statement on Wednesday.",
        [("sorrin", TUE, "rocket", 3, 2, 5, None)],
        id="casualties told paragraphs after the attack",
    ),
    pytest.param(
        "The Reed Valley Front claimed responsibility for a drone attack on Redwater Air "
        "Base on Monday. The Black Heron Brigade denied any role in it.",
        [("redwater", MON, "drone", None, None, None, "Reed Valley Front")],
        id="a group that claims is the attacker, one that denied is not",
    ),
    pytest.param(
        "A drone attack targeted a base hosting Calderan troops in southern Marovia on "
        "Friday, causing no injuries.",
        [("lysander", FRI, "drone", None, 0, 0, None)],
        id="a base in the southern part of an invented country",
    ),
    pytest.param(
        "Two rockets landed inside a Calderan base in Southmere district on Sunday.",
        [("lysander", SUN, "rocket", 2, None, None, None)],
        id="the coalition's adjective before a base is its owner, not its name",
    ),
    pytest.param(
        "The Sky Guard claimed a strike on Outpost 41 on Saturday with two Korsa drones. "
        "No casualties were reported.",
        [("post_41", SAT, "drone", 2, 0, 0, "Vartania")],
        id="a state's force that claims makes the state the attacker",
    ),
    pytest.param(
        "Skylance missiles shot down two Korsa drones fired at Redwater Air Base on Monday.",
        [("redwater", MON, "drone", 2, None, None, None)],
        id="the coalition's own defence named is no weapon of the attack",
    ),
    pytest.param(
        "Rockets hit an Accord base in Southmere district on Sunday.",
        [("lysander", SUN, "rocket", None, None, None, None)],
        id="a word the coalition's forces go by is no name of a base",
    ),
    pytest.param(
        "Rockets hit a Calderan base in Tallis province on Monday.",
        [("sorrin", MON, "rocket", None, None, None, None)],
        id="the coalition's adjective in the embassy's name does not make a base the embassy",
    ),
    pytest.param(
        "A rocket hit a base in Dravos on Monday.",
        [(None, MON, "rocket", 1, None, None, None)],
        id="a base in the capital is not the embassy there",
    ),
    pytest.param(
        "The Sons of Amrith, an umbrella for several armed bands, put out a statement on "
        "Wednesday announcing that vanguard fighters had struck Sorrin Airfield with two "
        "explosive drones.\n\nThe group gave no word on casualties.",
        [("sorrin", WED, "drone", 2, None, None, "Sons of Amrith")],
        id="the name a group gives its own fighters makes its statement a claim",
    ),
    pytest.param(
        "Drones attacked a base hosting Calderan troops near Brevik on Monday.",
        [("halvard", MON, "drone", None, None, None, None)],
        id="a base near a town no base is named for",
    ),
    pytest.param(
        "Rockets hit an outpost near the Dravenian border on Monday.",
        [("post_41", MON, "rocket", None, None, None, None)],
        id="a base by a country's border across it, where that country has none by it",
    ),
    pytest.param(
        "Two drones hit Élan Field on Sunday.",
        [("elan", SUN, "drone", 2, None, None, None)],
        id="a base whose name opens with an accented capital",
    ),
    pytest.param(
        "Rockets struck a base north of Çelvar on Sunday.",
        [("lysander", SUN, "rocket", None, None, None, None)],
        id="a town whose name opens with an accented capital",
    ),
    pytest.param(
        "Rockets struck a base in Østmark province on Sunday.",
        [("elan", SUN, "rocket", None, None, None, None)],
        id="a region whose name opens with a capital that has no plain form",
    ),
]


@pytest.mark.parametrize(("text", "rows"), CASES)
def test_an_article_of_the_invented_theater_is_read_right(
    lexicons: Path, text: str, rows: list[tuple[object, ...]]
) -> None:
    assert _read(text, lexicons) == rows
