"""wallets.amounts: decimal strings in token units <-> integer base units, exactly."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallets.amounts import (
    MAX_BASE_UNITS,
    MAX_DECIMALS,
    AmountError,
    format_units,
    humanize_units,
    parse_amount,
)

# Example timing varies on a busy shared machine; correctness does not.
no_deadline = settings(deadline=None)


# --- parse_amount ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimals", "units"),
    [
        ("1500", 0, 1500),
        ("1500", 6, 1_500_000_000),
        ("12.5", 6, 12_500_000),
        ("0.000001", 6, 1),
        ("1", 18, 10**18),
        ("0.000000000000000001", 18, 1),
        ("1", 36, 10**36),
        ("0." + "0" * 35 + "1", 36, 1),
        (".5", 6, 500_000),
        ("5.", 6, 5_000_000),
        ("  42  ", 6, 42_000_000),
        ("+3", 6, 3_000_000),
        ("1,500.25", 6, 1_500_250_000),
        ("1,000,000", 0, 1_000_000),
        ("1_000", 0, 1000),
        ("1.500000000", 6, 1_500_000),  # trailing zeros beyond the token's decimals are not precision
        (7, 6, 7_000_000),
        (Decimal("2.5"), 6, 2_500_000),
    ],
)
def test_it_parses_token_units_into_exact_base_units(text: str | int | Decimal, decimals: int, units: int) -> None:
    assert parse_amount(text, decimals) == units


@pytest.mark.parametrize(
    ("value", "decimals", "units"),
    [
        (Decimal("1E+3"), 0, 1000),
        (Decimal("1E-7"), 18, 10**11),
        (Decimal("0.0000001"), 7, 1),
        (Decimal("1.5E+2"), 6, 150_000_000),
    ],
)
def test_it_parses_decimals_written_with_an_exponent(value: Decimal, decimals: int, units: int) -> None:
    # str(Decimal("0.0000001")) is "1E-7": a Decimal from a form must still parse.
    assert parse_amount(value, decimals) == units


@pytest.mark.parametrize(
    ("text", "decimals"),
    [("1.5", 0), ("0.0000001", 6), ("0.0000000000000000001", 18), ("0." + "0" * 36 + "1", 36)],
)
def test_it_refuses_more_decimal_places_than_the_token_has(text: str, decimals: int) -> None:
    with pytest.raises(AmountError, match="decimal"):
        parse_amount(text, decimals)


@pytest.mark.parametrize("text", ["-1", " -0.5", "-0", -3, Decimal("-2")])
def test_it_refuses_a_negative_amount(text: str | int | Decimal) -> None:
    with pytest.raises(AmountError, match="negative"):
        parse_amount(text, 6)


@pytest.mark.parametrize("text", ["0", "0.000", ".0", 0, Decimal("0.00")])
def test_it_refuses_zero_unless_allowed(text: str | int | Decimal) -> None:
    with pytest.raises(AmountError, match="greater than zero"):
        parse_amount(text, 6)
    assert parse_amount(text, 6, allow_zero=True) == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ".",
        "abc",
        "1.2.3",
        "1e5",
        "0x10",
        "1 000",
        "12abc",
        "NaN",
        "Infinity",
        "--1",
        "+-1",
        "1,5",
        "12,34,567",
    ],
)
def test_it_refuses_text_that_is_not_a_plain_decimal_number(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, 6)


def test_it_refuses_a_comma_that_is_not_a_thousands_separator() -> None:
    # "1,5" is 1.5 in much of Europe; reading it as 15 would multiply a bid by ten.
    with pytest.raises(AmountError, match="not a number"):
        parse_amount("1,5", 6)


@pytest.mark.parametrize("value", [1.5, 0.1, 1e3, float("nan")])
def test_it_refuses_floats(value: float) -> None:
    with pytest.raises(AmountError, match="floating-point"):
        parse_amount(value, 6)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, False])
def test_it_refuses_booleans(value: bool) -> None:
    with pytest.raises(AmountError):
        parse_amount(value, 0)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_it_refuses_decimals_that_are_not_finite(value: Decimal) -> None:
    with pytest.raises(AmountError):
        parse_amount(value, 6)


def test_it_accepts_exactly_the_largest_erc20_balance() -> None:
    assert parse_amount(str(MAX_BASE_UNITS), 0) == 2**256 - 1
    assert parse_amount(format_units(MAX_BASE_UNITS, 18), 18) == MAX_BASE_UNITS
    assert parse_amount(format_units(MAX_BASE_UNITS, 36), 36) == MAX_BASE_UNITS


@pytest.mark.parametrize(("text", "decimals"), [(str(2**256), 0), ("1" + "0" * 60, 18), ("2" + "0" * 41, 36)])
def test_it_refuses_an_amount_above_the_largest_balance(text: str, decimals: int) -> None:
    with pytest.raises(AmountError, match="larger than any token balance"):
        parse_amount(text, decimals)


def test_it_refuses_an_absurdly_long_number_with_an_amount_error() -> None:
    # Python refuses int() of more than 4300 digits with a plain ValueError; callers
    # catch AmountError, so that must not escape as a server error.
    with pytest.raises(AmountError, match="larger than any token balance"):
        parse_amount("9" * 5000, 6)
    assert parse_amount("0" * 5000 + "1", 6) == 1_000_000


@pytest.mark.parametrize("text", ["١٢٣", "１２", "1.５"])
def test_it_accepts_only_ascii_digits(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, 6)


# --- format_units and humanize_units --------------------------------------------


@pytest.mark.parametrize(
    ("units", "decimals", "text"),
    [
        (0, 0, "0"),
        (0, 6, "0"),
        (1500, 0, "1500"),
        (1_500_000, 6, "1.5"),
        (1, 6, "0.000001"),
        (1_000_000, 6, "1"),
        (10**18, 18, "1"),
        (1, 18, "0.000000000000000001"),
        (123_456_789_000_000_000_000_000, 18, "123456.789"),
        (1, 36, "0." + "0" * 35 + "1"),
        (10**36, 36, "1"),
        (-1_500_000, 6, "-1.5"),
        (-1, 18, "-0.000000000000000001"),
        (MAX_BASE_UNITS, 0, str(2**256 - 1)),
    ],
)
def test_it_formats_base_units_as_a_plain_exact_decimal(units: int, decimals: int, text: str) -> None:
    assert format_units(units, decimals) == text


@pytest.mark.parametrize(
    ("units", "decimals", "text"),
    [
        (0, 6, "0"),
        (1_500_250_000, 6, "1,500.25"),
        (1_234_567_890_000, 6, "1,234,567.89"),
        (1_500_256_789, 6, "1,500.25"),  # rounded down for reading above one token
        (1_999_999, 6, "1.99"),
        (1, 6, "0.000001"),  # but a small amount is never shown as zero
        (123, 18, "0.000000000000000123"),
        (10**21, 18, "1,000"),
        (1_100_000, 6, "1.10"),  # money has no fraction or at least two digits of one
        (1_462_500_000, 6, "1,462.50"),
        (500_000, 6, "0.50"),
        (-1_500_250_000, 6, "-1,500.25"),
        (1234, 0, "1,234"),
        (10**36 + 5 * 10**35, 36, "1.50"),
    ],
)
def test_it_humanizes_base_units_for_people(units: int, decimals: int, text: str) -> None:
    assert humanize_units(units, decimals) == text


def test_it_humanizes_with_more_fraction_digits_when_asked() -> None:
    assert humanize_units(1_234_567, 6, max_fraction=4) == "1.2345"
    assert humanize_units(1_234_567, 6, max_fraction=6) == "1.234567"


# --- properties -----------------------------------------------------------------

decimals_st = st.sampled_from([0, 6, 18, 36]) | st.integers(min_value=0, max_value=MAX_DECIMALS)
units_st = st.integers(min_value=1, max_value=MAX_BASE_UNITS)


def exact(units: int, decimals: int) -> Decimal:
    """The exact value of ``units`` base units in token units."""
    with localcontext() as ctx:
        ctx.prec = 120
        return Decimal(units).scaleb(-decimals)


@no_deadline
@given(units=units_st, decimals=decimals_st)
def test_format_then_parse_round_trips_every_amount(units: int, decimals: int) -> None:
    assert parse_amount(format_units(units, decimals), decimals) == units


@no_deadline
@given(units=units_st, decimals=decimals_st)
def test_humanize_then_parse_round_trips_when_nothing_is_rounded(units: int, decimals: int) -> None:
    text = humanize_units(units, decimals, max_fraction=MAX_DECIMALS)
    assert parse_amount(text, decimals) == units


@no_deadline
@given(units=st.integers(min_value=-MAX_BASE_UNITS, max_value=MAX_BASE_UNITS), decimals=decimals_st)
def test_formatted_text_equals_the_exact_decimal_value(units: int, decimals: int) -> None:
    with localcontext() as ctx:
        ctx.prec = 120
        assert Decimal(format_units(units, decimals)) == exact(units, decimals)


@no_deadline
@given(units=units_st, decimals=decimals_st)
def test_humanized_amount_is_never_more_than_the_exact_amount(units: int, decimals: int) -> None:
    shown = Decimal(humanize_units(units, decimals).replace(",", ""))
    value = exact(units, decimals)
    with localcontext() as ctx:
        ctx.prec = 120
        assert 0 < shown <= value
        assert value - shown < Decimal("0.01")


@no_deadline
@given(whole=st.integers(min_value=0, max_value=10**30), frac=st.text(alphabet="0123456789", max_size=6))
def test_parse_agrees_with_decimal_arithmetic(whole: int, frac: str) -> None:
    text = f"{whole}.{frac}" if frac else str(whole)
    with localcontext() as ctx:
        ctx.prec = 100
        expected = int(Decimal(text).scaleb(6))
    assert parse_amount(text, 6, allow_zero=True) == expected
