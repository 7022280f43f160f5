"""The reference data is what the sources say: every limit value of BRL 9341 bijlage III and
IV, every k boundary, attribute and gamma class of bijlage II and every base rate of
TAR 9201 is checked against the source text itself (data/sources/), not against a copy of
the CSV. Counts are derived from the source, never typed in. One store for the module:
these tests only read."""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb
import pytest

from tests.sources import BRL, TAR, brl_rows, brl_table, dutch_number, frequency, tar_amounts

# BRL 9341 bijlage III tabel 1 (organic, composition) and bijlage IV tabel 2 (inorganic,
# emission).
TABLE_1 = brl_table("Tabel 1. Maximum samenstellingswaarden")
TABLE_2 = brl_table("Tabel 2. Maximum emissiewaarden")
SEED_LIMITS = TABLE_1 | TABLE_2

# The component of ref_components named by each source row, where the row's Dutch name is
# not simply ref_components.name_nl (the source writes "chrom" for chromium).
_NAME_MATCH = """
    lower(c.name_nl) = $n or lower(c.name_nl) like $n || ' %'
    or (c.component = 'chromium' and $n = 'chrom')
"""


def test_seed_tables_were_found() -> None:
    # bijlage III tabel 1 lists 8 organic components, bijlage IV tabel 2 19 inorganic ones;
    # the two tables share no name
    assert (len(TABLE_1), len(TABLE_2)) == (8, 19)
    assert not set(TABLE_1) & set(TABLE_2)


@pytest.mark.parametrize("seed_name", sorted(SEED_LIMITS))
def test_limit_equals_seed_text(read_store: duckdb.DuckDBPyConnection, seed_name: str) -> None:
    current = read_store.sql(
        f"""
        select l.limit_value
        from ref_limits l join ref_components c using (component)
        where ({_NAME_MATCH}) and l.valid_to is null
        """, params={"n": seed_name}).fetchall()
    assert current == [(float(SEED_LIMITS[seed_name]),)]


def test_limit_rows_are_the_source_rows_plus_the_sulfate_footnote(
        read_store: duckdb.DuckDBPyConnection) -> None:
    """One current limit per row of tabel 1 and 2 and nothing else, plus the one
    transitional value of bijlage IV voetnoot 1 (sulfate 2.430): 8 + 19 + 1 = 28 rows."""
    matched = read_store.sql(
        f"""
        select count(distinct c.component)
        from ref_components c, (select unnest($names) as n) as names
        where {_NAME_MATCH.replace("$n", "names.n")}
        """, params={"names": sorted(SEED_LIMITS)}).fetchall()[0][0]
    assert matched == len(SEED_LIMITS)
    current, total = read_store.sql(
        "select count(*) filter (where valid_to is null), count(*) from ref_limits").fetchall()[0]
    footnotes = re.findall(r"geldt een maximale emissiewaarde van ([\d.]+) mg/kg d\.s\.", BRL)
    assert footnotes == ["2.430"]
    assert current == len(SEED_LIMITS)
    assert total == len(SEED_LIMITS) + len(footnotes)
    # every component of ref_components is one of the source rows
    n_components = read_store.sql("select count(*) from ref_components").fetchall()[0][0]
    assert n_components == len(SEED_LIMITS)


def test_sulfate_transition_value_from_footnote(read_store: duckdb.DuckDBPyConnection) -> None:
    # bijlage IV voetnoot 1: "... geldt een maximale emissiewaarde van 2.430 mg/kg d.s."
    assert "maximale emissiewaarde van 2.430 mg/kg d.s." in BRL
    rows = read_store.sql("select limit_value, valid_from, valid_to from ref_limits"
                          " where component = 'sulfate' order by valid_from").fetchall()
    assert [r[0] for r in rows] == [2430.0, float(TABLE_2["sulfaat"])]
    transitional, permanent = rows
    # the periods touch without a gap or an overlap
    assert (permanent[1] - transitional[2]).days == 1


def test_every_component_has_a_limit_and_its_aliases(
        read_store: duckdb.DuckDBPyConnection) -> None:
    missing = read_store.sql("select component from ref_components anti join ref_limits"
                             " using (component)").fetchall()
    assert missing == []
    aliases = dict(read_store.sql(
        "select alias, component from ref_component_aliases").fetchall())
    # Dutch name, English name and chemical symbol all resolve (contract: lab `component`)
    assert aliases["arseen"] == aliases["arsenic"] == aliases["as"] == "arsenic"
    assert aliases["zink"] == aliases["zn"] == "zinc"
    assert aliases["sulfaat"] == "sulfate"


# --- BRL 9341 bijlage II ------------------------------------------------------------------

def _k_bounds(cell: str) -> tuple[float | None, float | None]:
    """'$0,69 < k \\leq 1,46$' -> (0.69, 1.46); '$k > 6,12$' -> (6.12, None);
    '$k \\leq 0,69$' -> (None, 0.69)."""
    numbers = [float(dutch_number(x)) for x in re.findall(r"\d+,\d+", cell)]
    if cell.startswith("$k >"):
        return numbers[0], None
    if cell.startswith("$k \\leq"):
        return None, numbers[0]
    return numbers[0], numbers[1]


# "waarde voor k bij n waarnemingen | toetsingsklasse | frequentie": one row per class,
# the k condition for n = 5 in the first column and for n = 10 in the second.
K_ROWS = brl_rows("$n = 5$\t$n = 10$")
# frequency -> (class rank, test class): how the attribute and gamma tables, which name a
# frequency, map to the classes of the k table
_K_CLASS_BY_FREQUENCY = {frequency(freq): (rank, cls)
                         for rank, (_, _, cls, freq) in enumerate(K_ROWS, start=1)}


def test_k_classes_are_the_rows_of_bijlage_ii(read_store: duckdb.DuckDBPyConnection) -> None:
    """Every row of ref_k_classes against its own row of the table "Toetsing op
    variabelen": the k boundaries for its n and the frequency of that row."""
    expected = {}
    for rank, (k5, k10, test_class, freq) in enumerate(K_ROWS, start=1):
        for n_window, cell in ((5, k5), (10, k10)):
            expected[(n_window, test_class)] = (rank, *_k_bounds(cell), *frequency(freq))
    stored = {
        (n, cls): (rank, lower, upper, lots, tests, years)
        for n, cls, rank, lower, upper, lots, tests, years in read_store.sql(
            "select n_window, test_class, class_rank, k_lower, k_upper, lots_per_test,"
            " min_tests, min_tests_years from ref_k_classes").fetchall()}
    assert len(K_ROWS) == 6
    assert stored == expected


def test_attribute_classes_are_the_rows_of_bijlage_ii(
        read_store: duckdb.DuckDBPyConnection) -> None:
    """"Toetsing op attributen": each "≤ m van n" of a row is one ref_attribute_rule row, in
    the test class of the k table with the same frequency ("0 van 229, of ≤ 1 van 387:
    1× per jaar" is the class 90/90-99,9). The last row ("≥ 2 van 7 en ≥ 4 van 12: elke
    partij") is what is left when no rule holds, so it has no row."""
    rows = brl_rows("aantal overschrijdingen op totaal aantal")
    assert rows[-1][0].startswith("$\\geq 2$ van 7 en")
    expected = set()
    for condition, freq in rows[:-1]:
        rank, cls = _K_CLASS_BY_FREQUENCY[frequency(freq)]
        for m, n in re.findall(r"(?:\$\\leq )?(\d+)\$? van (\d+)", condition):
            expected.add((int(n), int(m), cls, rank))
    stored = set(read_store.sql("select n_obs, max_exceedances, test_class, class_rank"
                                " from ref_attribute_rule").fetchall())
    assert (229, 0, "90/90-99,9", 2) in expected and (387, 1, "90/90-99,9", 2) in expected
    assert stored == expected


def test_gamma_classes_are_the_rows_of_bijlage_ii(read_store: duckdb.DuckDBPyConnection) -> None:
    """Gammaregeling: γ for n = 5 and n = 10 per frequency, the class of the k table with
    that frequency ("1 keuring per 5 jaar" = 90/>99,9)."""
    rows = brl_rows("$\\gamma$ (n=5)")
    expected = set()
    for g5, g10, freq in rows:
        rank, cls = _K_CLASS_BY_FREQUENCY[frequency(freq)]
        expected.add((5, float(dutch_number(g5)), cls, rank))
        expected.add((10, float(dutch_number(g10.removeprefix("$\\gamma = ").rstrip("$"))),
                      cls, rank))
    stored = set(read_store.sql(
        "select n_window, gamma, test_class, class_rank from ref_gamma").fetchall())
    assert len(rows) == 3
    assert stored == expected


# --- TAR 9201 -------------------------------------------------------------------------------

# Every euro amount of TAR 9201 in reading order (article, as printed), and the fee codes of
# data/reference/ref_tariffs.csv whose base rate it is. Worked out by hand from the text:
#  - §2.2.4.1 "€ 5,00 per afgeleverd attest, met een minimum van 50 attesten": the rate of
#    the attests and of the balance up to 50 (AUDIT_ATTEST_MIN); likewise §2.2.6 € 20,00 for
#    attests 1-250 and the balance up to the minimum of 50 (ATTEST_MIN);
#  - §2.2.4.3 repeats the € 70,00 per started half hour of §2.2.4.1 (one code);
#  - §2.2.5 "prestatievergoeding" € 125,82 per hour is also the rate of every article that
#    bills hours "volgens artikel 2.2.5": §2.2.2.2 (KBS not on the COPRO template, 2 h),
#    §2.2.2.4 (transfer, 1 h), §2.2.4.2 (audit without the template, 2 h), §2.1.3.1 (the
#    application period), §2.2.8 (useless trip, 1 h); the second € 125,82 is per hour of
#    travel abroad;
#  - §2.2.11 € 0,01 is the rounding of indexed rates and §2.3.2 € 200,00 the minimum of the
#    15 % forfait after a registered reminder: no tariffs.
TAR_AMOUNTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("2.2.2.1", "300,00", ("APP_PERSON",)),
    ("2.2.2.2", "500,00", ("APP_PROCESS_ONE",)),
    ("2.2.2.2", "740,00", ("APP_PROCESS",)),
    ("2.2.2.5", "300,00", ("APP_PREVENTION",)),
    ("2.2.3.2", "475,00", ("CERT_ONE",)),
    ("2.2.3.2", "1155,00", ("CERT_1_6",)),
    ("2.2.3.2", "2100", ("CERT_GT6",)),
    ("2.2.4.1", "5,00", ("AUDIT_ATTEST", "AUDIT_ATTEST_MIN")),
    ("2.2.4.1", "70,00", ("AUDIT_OVERTIME",)),
    ("2.2.4.2", "300,00", ("AUDIT_PROCESS_ONE",)),
    ("2.2.4.2", "630,00", ("AUDIT_PROCESS",)),
    ("2.2.4.3", "525,00", ("AUDIT_EXTRA",)),
    ("2.2.4.3", "70,00", ("AUDIT_OVERTIME",)),
    ("2.2.5", "125,82", ("HOURLY", "APP_NO_TEMPLATE", "TRANSFER_OUT", "AUDIT_NO_TEMPLATE",
                         "ADMISSION_HOURS", "USELESS_TRIP")),
    ("2.2.5", "234.35", ("TRAVEL_BE",)),
    ("2.2.5", "125,82", ("TRAVEL_ABROAD_HOURS",)),
    ("2.2.5", "0,4269", ("TRANSPORT_CAR",)),
    ("2.2.5", "147,94", ("OVERNIGHT",)),
    ("2.2.6", "20,00", ("ATTEST_T1", "ATTEST_MIN")),
    ("2.2.6", "15,00", ("ATTEST_T2",)),
    ("2.2.9", "525,00", ("AUDIT_OFFHOURS",)),
    ("2.2.11", "0,01", ()),
    ("2.2.11", "0,01", ()),
    ("2.3.2", "200,00", ()),
]


def _tariffs(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Decimal, int, str]]:
    return {code: (Decimal(str(rate)), year, source) for code, rate, year, source in con.sql(
        "select fee_code, base_rate, base_year, source from ref_tariffs").fetchall()}


def test_every_amount_of_tar_9201_is_accounted_for() -> None:
    assert tar_amounts() == [(article, text) for article, text, _ in TAR_AMOUNTS]


def test_every_base_rate_equals_the_source_text(read_store: duckdb.DuckDBPyConnection) -> None:
    """Each fee code's base rate is the amount printed in the article it cites, and the
    tariffs are exactly the fee codes the amounts of TAR 9201 give (21 amounts of §2.2,
    one of them restated in §2.2.4.3, three naming more than one code: 27 codes)."""
    tariffs = _tariffs(read_store)
    expected: dict[str, tuple[Decimal, str]] = {}
    for article, text, codes in TAR_AMOUNTS:
        for code in codes:
            assert expected.setdefault(code, (dutch_number(text), article))[0] \
                == dutch_number(text), code
    assert set(tariffs) == set(expected)
    for code, (amount, article) in expected.items():
        rate, _, source = tariffs[code]
        assert rate == amount, code
        # the cited article is the one whose text holds the amount (not §2.2.5.x)
        assert re.search(rf"§{re.escape(article)}(?![.\d])", source), (code, source)


def test_base_year_is_the_one_of_2_2_1(read_store: duckdb.DuckDBPyConnection) -> None:
    # §2.2.1 "Onderstaande tarieven zijn basistarieven voor 2023."
    year = re.search(r"Onderstaande tarieven zijn basistarieven voor (\d{4})\.", TAR)
    assert year is not None
    assert {y for _, y, _ in _tariffs(read_store).values()} == {int(year.group(1))}


# issue 25: the SIKB/IMmetingen domain-table codes the SIKB0101 reader looks up.
def test_every_limited_component_has_one_sikb_parameter_code(
        read_store: duckdb.DuckDBPyConnection) -> None:
    """Each component BRL 9341 bijlage III/IV limits (ref_limits) is named by exactly one
    IMmetingen Parameter code, and no code names anything else."""
    limited = {c for (c,) in read_store.sql("select distinct component from ref_limits"
                                            ).fetchall()}
    mapped = read_store.sql("select component, count(*) from ref_sikb_parameters"
                            " group by component").fetchall()
    assert {c for c, _ in mapped} == limited
    assert {n for _, n in mapped} == {1}


@pytest.mark.parametrize("table, file", [("ref_sikb_parameters", "Parameter"),
                                         ("ref_sikb_units", "Eenheid"),
                                         ("ref_sikb_qualities", "Hoedanigheid")])
def test_sikb_codes_cite_their_domain_table(read_store: duckdb.DuckDBPyConnection,
                                            table: str, file: str) -> None:
    sources = {s for (s,) in read_store.sql(f"select distinct source from {table}").fetchall()}
    assert len(sources) == 1
    (source,) = sources
    assert f"tools/immetingen/xmls/{file}.xml" in source
    assert f"domeintabel {file}" in source and "relluf/veldapps-imsikb" in source


def test_sikb_units_per_litre_are_eluate_units(read_store: duckdb.DuckDBPyConnection) -> None:
    """A concentration per litre (Eenheid mg/l, ug/l) is an eluate concentration: never
    read as mg/kg d.s. (issue 25: quarantined, not converted)."""
    rows = read_store.sql("select code, unit_kind from ref_sikb_units").fetchall()
    assert {k for c, k in rows if c.endswith("/l")} == {"eluate"}
    assert {k for c, k in rows if not c.endswith("/l")} == {"mass"}


def test_sikb_qualities_of_the_limits(read_store: duckdb.DuckDBPyConnection) -> None:
    """Bijlage III composition is per kg dry matter (Hoedanigheid dg), bijlage IV emission
    cumulative at L/S 10 per kg dry matter (LS-10dg)."""
    rows = dict(read_store.sql("select quality, list(code order by code) from"
                               " ref_sikb_qualities group by quality").fetchall())
    assert rows["dry_matter"] == ["dg"]
    assert rows["ls10_cumulative"] == ["LS-10dg"]
