"""ONS MYE2 population estimates: the mid-2023 excerpt and the full ONS layout."""

from pathlib import Path

import pytest

from coredata.parsers.population import parse_ons_mye2

SAMPLE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "external"
    / "ons-mye2-mid2023-excerpt"
    / "mye2_persons_mid2023_age0_17_excerpt.csv"
)
AGES = ",".join(str(age) for age in range(91)).replace(",90", ",90+")
PREAMBLE = (
    "MYE2: Population estimates: Persons by single year of age and sex for local "
    "authorities in England and Wales, mid-2023\n"
    "This worksheet contains one table.\n"
    "Source: Office for National Statistics\n"
    "Units: number of people\n"
    ",,,\n"
    "Some cells refer to notes which can be found in the notes worksheet.\n"
    ",,,\n"
)


def ons_row(code: str, name: str, geography: str, ages: list[str]) -> str:
    cells = [code, name, geography, '" 1,000,000 "', *(f'"{a}"' for a in ages)]
    return ",".join(cells) + "\n"


def ons_file(*rows: str, preamble: str = PREAMBLE) -> bytes:
    return (preamble + f"Code,Name,Geography,All ages,{AGES}\n" + "".join(rows)).encode()


def located(problems) -> list[tuple[str, str]]:
    return [(p.location, p.field) for p in problems]


@pytest.fixture(scope="module")
def sample():
    return parse_ons_mye2(SAMPLE, file_name=SAMPLE.name)


def test_sample_excerpt(sample):
    assert sample.ok, sample.problems
    assert sample.problems == []  # the derived total column agrees with the sum
    assert sample.kind == "ons_mye2"
    table = sample.tables["population"]
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == {
        "area_code": "string",
        "area_name": "string",
        "geography": "string",
        "year": "Int64",
        "population_0_17": "Int64",
    }
    assert len(table) == 5
    england = table.iloc[0]
    assert (england["area_code"], england["area_name"], england["geography"]) == (
        "E92000001", "ENGLAND", "Country"
    )  # fmt: skip
    assert england["population_0_17"] == 11_998_646
    assert england["year"] == 2023  # from the file name: this excerpt has no preamble
    by_code = table.set_index("area_code")["population_0_17"]
    assert by_code["E06000047"] == 99_629
    assert by_code["E06000002"] == 34_791
    assert sample.meta["mid_year"] == 2023


def test_sample_one_area(sample):
    result = parse_ons_mye2(SAMPLE, file_name=SAMPLE.name, area_code="e06000005")
    assert result.ok
    table = result.tables["population"]
    assert list(table["area_name"]) == ["Darlington"]
    assert list(table["population_0_17"]) == [22_411]


def test_unknown_area_is_an_error():
    result = parse_ons_mye2(SAMPLE, file_name=SAMPLE.name, area_code="E06000099")
    assert located(result.errors) == [("file", "Code")]
    assert result.tables["population"].empty


def test_full_ons_layout_with_preamble_and_grouped_numbers():
    ages = ["1,000"] * 18 + [" 2,000 "] * 73
    data = ons_file(
        ons_row("E06000001", "Hartlepool", "Unitary Authority", ages),
        "\n",
        ons_row("E07000008", "Cambridge", "Non-metropolitan District", ["10"] * 91),
    )
    result = parse_ons_mye2(data, file_name="MYE2 - Persons.csv")
    assert result.ok, result.problems
    table = result.tables["population"]
    assert list(table["population_0_17"]) == [18_000, 180]
    assert list(table["year"]) == [2023, 2023]  # from the preamble "mid-2023"


def test_district_chosen_as_the_area_is_a_warning():
    data = ons_file(ons_row("E07000008", "Cambridge", "Non-metropolitan District", ["1"] * 91))
    result = parse_ons_mye2(data, file_name="mye2.csv", area_code="E07000008")
    assert result.ok
    assert located(result.warnings) == [("row 9", "Geography")]  # 7 preamble lines, header


def test_non_numeric_cell_is_an_error_at_its_row_and_column():
    ages = ["5"] * 91
    ages[7] = "n/a"
    data = ons_file(ons_row("E06000001", "Hartlepool", "Unitary Authority", ages))
    result = parse_ons_mye2(data, file_name="mye2.csv")
    assert located(result.errors) == [("row 9", "7")]
    assert result.errors[0].value == "n/a"
    assert result.tables["population"].empty


def test_negative_count_is_an_error():
    ages = ["5"] * 91
    ages[0] = "-5"
    data = ons_file(ons_row("E06000001", "Hartlepool", "Unitary Authority", ages))
    result = parse_ons_mye2(data, file_name="mye2.csv")
    assert located(result.errors) == [("row 9", "0")]


def test_repeated_area_is_an_error():
    row = ons_row("E06000001", "Hartlepool", "Unitary Authority", ["1"] * 91)
    result = parse_ons_mye2(ons_file(row, row), file_name="mye2.csv")
    assert located(result.errors) == [("row 10", "Code")]


def test_missing_age_column_is_an_error():
    text = "Code,Name,Geography,All ages,0,1,2\nE1,A,Country,10,1,2,3\n"
    result = parse_ons_mye2(text.encode(), file_name="mid2023.csv")
    assert [p.field for p in result.errors] == [str(age) for age in range(3, 18)]
    assert {p.location for p in result.errors} == {"row 1"}


def test_no_header_row_is_an_error():
    result = parse_ons_mye2(b"area,population\nE1,5\n", file_name="mid2023.csv")
    assert located(result.errors) == [("row 1", "")]


def test_no_mid_year_is_an_error():
    data = ons_file(ons_row("E1", "A", "Country", ["1"] * 91), preamble="Population table\n")
    result = parse_ons_mye2(data, file_name="persons.csv")
    assert located(result.errors) == [("row 2", "year")]


@pytest.mark.parametrize(
    ("file_name", "year"),
    [("mye2_persons_mid2022.csv", 2022), ("MYE2 mid-2021.csv", 2021), ("mye23tablesew.csv", 2023)],
)
def test_mid_year_from_the_file_name(file_name, year):
    data = ons_file(ons_row("E1", "A", "Country", ["1"] * 91), preamble="")
    result = parse_ons_mye2(data, file_name=file_name)
    assert result.ok
    assert list(result.tables["population"]["year"]) == [year]


def test_derived_total_that_disagrees_is_a_warning():
    text = "Code,Name,Geography,All ages,{ages},Total 0-17 (derived)\nE1,A,Country,99,{ones},19\n"
    ages = ",".join(str(a) for a in range(18))
    result = parse_ons_mye2(
        text.format(ages=ages, ones=",".join(["1"] * 18)).encode(), file_name="mid2023.csv"
    )
    assert result.ok
    assert located(result.warnings) == [("row 2", "Total 0-17 (derived)")]
    assert list(result.tables["population"]["population_0_17"]) == [18]


def test_bom_and_windows_1252_preamble_are_read():
    bom = ons_file(ons_row("E1", "A", "Country", ["1"] * 91))
    assert parse_ons_mye2(b"\xef\xbb\xbf" + bom, file_name="x.csv").ok
    latin = ons_file(
        ons_row("E1", "A", "Country", ["1"] * 91), preamble="\u00a9 Crown copyright, mid-2023\n"
    )
    result = parse_ons_mye2(latin.decode().encode("cp1252"), file_name="x.csv")
    assert result.ok
    assert list(result.tables["population"]["year"]) == [2023]


def test_notes_below_the_table_are_skipped():
    data = ons_file(ons_row("E1", "A", "Country", ["1"] * 91), ",Note: figures are rounded\n")
    result = parse_ons_mye2(data, file_name="x.csv")
    assert result.ok
    assert len(result.tables["population"]) == 1
