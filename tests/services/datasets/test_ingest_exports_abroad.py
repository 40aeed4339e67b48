"""Ingestion of exports written the way spreadsheets and devices write them outside the US:
what a user sees in `dataset { columns { name sdtype datetimeFormat } }` after an upload."""

from __future__ import annotations

import pandas as pd

from services.datasets.ingest import DatasetMetadata, infer_metadata


def _metadata(run_ingest, data: bytes) -> tuple[pd.DataFrame, DatasetMetadata]:
    result, table = run_ingest(data)
    frame = table.to_pandas()
    formats = {c.name: c.datetime_format for c in result.columns if c.datetime_format}
    return frame, infer_metadata(frame, row_count=len(frame), datetime_formats=formats)


def _shop_orders(count: int = 120) -> bytes:
    """A German shop's order export: `;`-separated, dates `31.12.2024 14:05`."""
    lines = ["Bestellnr;Bestelldatum;Lieferdatum;Status"]
    for i in range(count):
        day, hour = i % 28 + 1, i % 24
        lines.append(
            f"B-{100000 + i};{day:02d}.{i % 12 + 1:02d}.2024 {hour:02d}:{i % 60:02d};"
            f"{min(day + 3, 28):02d}.{i % 12 + 1:02d}.2024;{('offen', 'versendet')[i % 2]}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_day_first_dotted_dates_with_a_time_are_dates(run_ingest) -> None:
    # "31.12.2024 14:05" stayed text: 1,500 order times became as many categories, the
    # engines replayed real order times and the report scored its pairs against them.
    frame, metadata = _metadata(run_ingest, _shop_orders())
    assert frame["Bestelldatum"].iloc[0] == pd.Timestamp("2024-01-01 00:00")
    assert frame["Bestelldatum"].iloc[37] == pd.Timestamp("2024-02-10 13:37")
    assert metadata.columns["Bestelldatum"].sdtype == "datetime"
    assert metadata.columns["Bestelldatum"].datetime_format == "%d.%m.%Y %H:%M"
    assert metadata.columns["Lieferdatum"].datetime_format == "%d.%m.%Y"


def test_a_day_that_no_month_has_keeps_the_column_as_written(run_ingest) -> None:
    # "29.02.2023" (no 29th in February 2023) came back as 2023-03-01, "31.04.2024" as
    # 2024-05-01: another date than the file's, without a word. Such a column stays text,
    # as one with any other value that is no date.
    for written in ("29.02.2023", "31.04.2024", "2023-02-29"):
        other = "28.02.2023" if "." in written else "2023-02-28"
        data = f"n,day\n1,{other}\n2,{written}\n3,{other}\n".encode()
        frame, _ = _metadata(run_ingest, data)
        assert frame["day"].tolist() == [other, written, other]


def test_day_first_dotted_dates_with_seconds_are_dates(run_ingest) -> None:
    data = b"at;n\n" + b"".join(
        f"{i % 28 + 1:02d}.03.2024 08:{i % 60:02d}:{i % 59:02d};{i}\n".encode() for i in range(40)
    )
    frame, metadata = _metadata(run_ingest, data)
    assert frame["at"].iloc[39] == pd.Timestamp("2024-03-12 08:39:39")
    assert metadata.columns["at"].datetime_format == "%d.%m.%Y %H:%M:%S"


def test_amounts_with_a_decimal_comma_are_numbers(run_ingest) -> None:
    # "1.234,56" (German, French, Spanish spreadsheets) stayed text: the amounts became
    # categories, and the engines could only replay real amounts.
    amounts = ["389,68", "1.234,56", "65,83", "0,5", "12.000", "1.250.000,75", "-7,1", "42"]
    data = b"Bestellnr;Betrag;Menge\n" + b"".join(
        f"B-{i};{amounts[i % 8]};{i % 5}\n".encode() for i in range(80)
    )
    frame, metadata = _metadata(run_ingest, data)
    assert frame["Betrag"].dtype == "float64"
    assert frame["Betrag"].iloc[:8].tolist() == [
        389.68,
        1234.56,
        65.83,
        0.5,
        12000.0,
        1250000.75,
        -7.1,
        42.0,
    ]
    assert metadata.columns["Betrag"].sdtype == "numerical"


def test_a_comma_that_may_separate_thousands_still_does(run_ingest) -> None:
    # "12,500" is twelve thousand five hundred in a US export, so a column of values that
    # all read either way keeps the thousands reading; one "389,68" or "1.234,56" settles
    # it as a decimal comma.
    frame, _ = _metadata(run_ingest, b'n,salary\n1,"12,500"\n2,"1,250"\n3,"54,859"\n')
    assert frame["salary"].tolist() == [12500, 1250, 54859]
    frame, _ = _metadata(run_ingest, b"n;price\n1;12,500\n2;1.250,5\n3;3,25\n")
    assert frame["price"].tolist() == [12.5, 1250.5, 3.25]


def test_decimal_commas_with_leading_zeros_or_text_stay_text(run_ingest) -> None:
    frame, _ = _metadata(run_ingest, b"code;note\n01,5;1,5 kg\n02,5;2,5 kg\n")
    assert frame["code"].tolist() == ["01,5", "02,5"]
    assert frame["note"].tolist() == ["1,5 kg", "2,5 kg"]


def test_decimal_points_early_in_a_file_are_not_read_as_thousands_later(run_ingest) -> None:
    # "1.5" in the first megabyte and "2,5" in a later one came back as 15.0 and 2.5: the
    # comma settled a decimal-comma reading that the earlier values were never checked
    # for. The two notations leave the column as written, as they do in a small file.
    rows = [*(f"{i};1.5" for i in range(50_000)), *(f"{i};" for i in range(350_000))]
    rows += [f"{i};2,5" for i in range(1_000)]
    data = ("n;value\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 3 * 2**20  # more than one of the CSV reader's 2 MiB blocks
    frame, _ = _metadata(run_ingest, data)
    assert frame["value"].iloc[0] == "1.5"
    assert frame["value"].iloc[-1] == "2,5"


def _log(stamps: list[str]) -> bytes:
    return ("at,n\n" + "".join(f"{s},{i}\n" for i, s in enumerate(stamps))).encode()


def test_times_with_one_utc_offset_keep_their_local_time_and_offset(run_ingest) -> None:
    stamps = [f"2024-03-01 08:{m:02d}:00+0530" for m in range(0, 60, 5)]
    frame, metadata = _metadata(run_ingest, _log(stamps))
    assert frame["at"].iloc[1] == pd.Timestamp("2024-03-01 08:05")
    assert metadata.columns["at"].datetime_format == "%Y-%m-%d %H:%M:%S+0530"


def test_times_whose_offset_changes_with_daylight_saving_are_times_in_utc(run_ingest) -> None:
    # A log across the change to summer time: +01:00, then +02:00. It stayed text, which
    # every engine then failed to train on.
    start = pd.Timestamp("2024-03-31 01:30", tz="Europe/Berlin")
    stamps = [(start + pd.Timedelta(minutes=10 * i)).isoformat() for i in range(12)]
    assert stamps[0].endswith("+01:00") and stamps[-1].endswith("+02:00")
    frame, metadata = _metadata(run_ingest, _log(stamps))
    assert frame["at"].iloc[0] == pd.Timestamp("2024-03-31 00:30")
    assert frame["at"].iloc[-1] == pd.Timestamp("2024-03-31 02:20")
    assert metadata.columns["at"].sdtype == "datetime"
    assert metadata.columns["at"].datetime_format == "%Y-%m-%dT%H:%M:%S+00:00"


def test_customer_names_under_german_french_or_spanish_headers_are_pii(run_ingest) -> None:
    # "Kunde" (customer) holding "Felix Wagner" was a category: the synthetic orders named
    # real customers, beside fake emails made for other people.
    first = ["Anna", "Lukas", "Marie", "Felix", "Sophie", "Jonas", "Lena", "Paul"]
    last = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner"]
    suppliers = ("Acme GmbH", "Nordwind AG")
    rows = [
        f"B-{i};{first[i % 8]} {last[i % 7]};{first[i % 8]};{last[i % 7]};{suppliers[i % 2]}"
        for i in range(60)
    ]
    data = ("Bestellnr;Kunde;Vorname;Nachname;Lieferant\n" + "\n".join(rows) + "\n").encode()
    _, metadata = _metadata(run_ingest, data)
    assert (metadata.columns["Kunde"].sdtype, metadata.columns["Kunde"].pii) == ("name", True)
    assert metadata.columns["Vorname"].sdtype == "first_name"
    assert metadata.columns["Nachname"].sdtype == "last_name"
    assert metadata.columns["Lieferant"].sdtype == "categorical"  # a supplier, not a person
    # French forms write the surname under "nom"; Spanish "nombre" holds a first name
    # or a whole one.
    people = (
        "nom;prénom;nombre;cliente\n"
        + "".join(
            f"{last[i % 7]};{first[i % 8]};{full};{full}\n"
            for i, full in enumerate(f"{first[i % 8]} {last[i % 7]}" for i in range(30))
        )
    ).encode()
    _, metadata = _metadata(run_ingest, people)
    assert {n: c.sdtype for n, c in metadata.columns.items()} == {
        "nom": "last_name", "prénom": "first_name", "nombre": "name", "cliente": "name"
    }  # fmt: skip


def test_a_french_catalogue_of_products_under_nom_is_not_surnames(run_ingest) -> None:
    # "nom" is French for any name: a catalogue's "Chaise", "Bureau", "Lampe" were typed as
    # surnames, so the synthetic catalogue sold fake surnames. A client's company names
    # stay categories too.
    products = ["Chaise", "Bureau", "Lampe", "Canapé", "Table", "Armoire", "Tabouret"]
    companies = ["Michelin", "Renault SA", "Danone", "Carrefour", "Airbus", "Decathlon"]
    data = (
        "réf;nom;client\n"
        + "".join(f"R-{i};{products[i % 7]};{companies[i % 6]}\n" for i in range(60))
    ).encode()
    _, metadata = _metadata(run_ingest, data)
    assert (metadata.columns["nom"].sdtype, metadata.columns["nom"].pii) == ("categorical", False)
    assert metadata.columns["client"].sdtype == "categorical"


def test_amounts_with_one_unit_throughout_are_numbers_and_the_unit_is_named(run_ingest) -> None:
    # "1.234,56 €" stayed text: 1,500 distinct amounts, replayed as categories.
    euros = [f"{i * 17 % 1500:,}".replace(",", ".") + f",{i % 100:02d} €" for i in range(120)]
    rows = [
        f"B-{i};{euro};{(0, 5, 12.5)[i % 3]} %;${i * 13 % 900}.50;{i % 4} kg"
        for i, euro in enumerate(euros)
    ]
    data = ("Bestellnr;Betrag;Rabatt;usd;Gewicht\n" + "\n".join(rows) + "\n").encode()
    result, table = run_ingest(data)
    frame = table.to_pandas()
    assert frame["Betrag"].iloc[:3].tolist() == [0.0, 17.01, 34.02]
    assert euros[59] == "1.003,59 €" and frame["Betrag"].iloc[59] == 1003.59
    assert frame["Rabatt"].iloc[:3].tolist() == [0.0, 5.0, 12.5]
    assert frame["usd"].iloc[1] == 13.5
    assert frame["Gewicht"].iloc[1] == "1 kg"  # not a currency or a percentage
    assert any("Betrag" in w and "€" in w for w in result.warnings)
    assert any("Rabatt" in w and "%" in w for w in result.warnings)


def test_a_unit_on_only_some_values_keeps_the_column_text(run_ingest) -> None:
    frame, _ = _metadata(run_ingest, "p;n\n4,95 €;1\n6,90;2\n".encode())
    assert frame["p"].tolist() == ["4,95 €", "6,90"]


def test_a_few_prices_or_discount_steps_are_categories(run_ingest) -> None:
    # Four shipping tariffs and five discount steps, once numbers, were learned as
    # continuous: the synthetic orders paid 5.16 € shipping and got 0.4 % off.
    rows = [f"{(0, 4.95, 6.9, 12.5)[i % 4]};{(0, 5, 10, 12.5, 15)[i % 5]};{i}" for i in range(300)]
    data = ("Versand;Rabatt;n\n" + "\n".join(rows) + "\n").replace(".", ",").encode()
    frame, metadata = _metadata(run_ingest, data)
    assert frame["Versand"].iloc[1] == 4.95
    assert metadata.columns["Versand"].sdtype == "categorical"
    assert metadata.columns["Rabatt"].sdtype == "categorical"
