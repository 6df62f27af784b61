"""The wallet's balance chart: the pure geometry of wallets.charts (ticks, scale,
downsampling, exact labels, degenerate series) and the wallet page that draws it
from real ledger history."""

from __future__ import annotations

import itertools
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from marketplace.models import Project
from tests.factories import token
from tests.marketplace.test_pages_security import offences
from wallets import escrow, payouts
from wallets.amounts import MAX_BASE_UNITS
from wallets.charts import HEIGHT, MAX_MARKERS, WIDTH, balance_chart, downsample, nice_ticks, scale_y
from wallets.selectors import balance_series_for

USDC = 10**6
WEI = 10**18
WALLET = reverse("wallets:wallet")
T0 = datetime(2025, 1, 3, 9, 30, tzinfo=UTC)
COORDINATES = re.compile(r"[MHVhZ]|-?[0-9.]+")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def path_points(d: str) -> list[tuple[float, float]]:
    """The points an M/H/V/h path visits (enough for the paths charts.py writes)."""
    points: list[tuple[float, float]] = []
    x = y = 0.0
    tokens = COORDINATES.findall(d.replace(",", " "))
    index = 0
    while index < len(tokens):
        command = tokens[index]
        if command == "M":
            x, y = float(tokens[index + 1]), float(tokens[index + 2])
            index += 3
        elif command in "HVh":
            value = float(tokens[index + 1])
            x, y = (value, y) if command == "H" else (x, value) if command == "V" else (x + value, y)
            index += 2
        else:  # Z
            index += 1
            continue
        points.append((x, y))
    return points


def dots(d: str) -> int:
    """How many dots a marker path draws: one zero-length subpath each."""
    return d.count("M")


def step_of(ticks: list[int]) -> int:
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1, f"unevenly spaced: {ticks}"
    return steps.pop()


def is_round(step: int) -> bool:
    """1, 2, 2.5 or 5 times a power of ten."""
    digits = str(step).rstrip("0")
    return digits in {"1", "2", "25", "5"} and (digits != "25" or step >= 25)


# --- ticks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 10_000 * USDC, [0, 2_500 * USDC, 5_000 * USDC, 7_500 * USDC, 10_000 * USDC]),
        (0, 4_100, [0, 2_500, 5_000]),
        (0, 7, [0, 2, 4, 6, 8]),
        (0, 3, [0, 1, 2, 3]),
        (-5, 17, [-10, 0, 10, 20]),
    ],
)
def test_ticks_are_round_and_fit_the_range_tightly(lo: int, hi: int, expected: list[int]) -> None:
    assert nice_ticks(lo, hi) == expected


@given(
    lo=st.integers(min_value=-(10**40), max_value=10**40),
    width=st.integers(min_value=2, max_value=MAX_BASE_UNITS),
)
def test_ticks_are_3_to_5_round_numbers_covering_any_range(lo: int, width: int) -> None:
    ticks = nice_ticks(lo, lo + width)

    assert 3 <= len(ticks) <= 5
    assert ticks[0] <= lo
    assert ticks[-1] >= lo + width
    step = step_of(ticks)
    assert is_round(step), step
    assert all(tick % step == 0 for tick in ticks)
    # Tight: one step less on either side would no longer cover the range.
    assert ticks[0] + step > lo
    assert ticks[-1] - step < lo + width


def test_a_range_of_one_base_unit_gets_its_two_ends() -> None:
    assert nice_ticks(4, 5) == [4, 5]


@pytest.mark.parametrize(("lo", "hi"), [(5, 5), (6, 5)])
def test_ticks_need_a_range(lo: int, hi: int) -> None:
    with pytest.raises(ValueError, match="lo < hi"):
        nice_ticks(lo, hi)


# --- scale --------------------------------------------------------------------------


def test_the_y_scale_maps_the_bounds_to_the_bottom_and_top_of_the_box() -> None:
    assert scale_y(0, 0, 10_000) == HEIGHT
    assert scale_y(10_000, 0, 10_000) == 0
    assert scale_y(2_500, 0, 10_000) == HEIGHT * 3 / 4
    assert scale_y(MAX_BASE_UNITS, 0, MAX_BASE_UNITS) == 0
    assert scale_y(MAX_BASE_UNITS // 2, 0, MAX_BASE_UNITS) == pytest.approx(HEIGHT / 2)


def test_a_chart_puts_its_lowest_tick_at_the_bottom_and_its_highest_at_the_top() -> None:
    chart = balance_chart(
        [(day(0), 0), (day(1), 10_000 * USDC), (day(5), 9_000 * USDC), (day(9), 4_875 * USDC)],
        decimals=6,
        symbol="USDC",
    )
    assert chart is not None

    assert [tick.value for tick in chart.y_ticks] == [10_000 * USDC, 7_500 * USDC, 5_000 * USDC, 2_500 * USDC, 0]
    assert (chart.y_ticks[0].y, chart.y_ticks[-1].y) == (0, HEIGHT)
    line = path_points(chart.line)
    # The highest balance is the top tick here: it touches the top; zero the bottom.
    assert min(y for _, y in line) == 0
    assert max(y for _, y in line) == HEIGHT
    assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in line)
    assert (line[0][0], line[-1][0]) == (0, WIDTH)
    assert line[-1][1] == pytest.approx(HEIGHT * (1 - 4_875 / 10_000), abs=0.01)
    assert chart.axis == f"M0,{HEIGHT}H{WIDTH}"


def test_the_line_steps_and_the_area_closes_on_the_zero_line() -> None:
    chart = balance_chart([(day(0), 0), (day(1), 100), (day(2), 50)], decimals=0, symbol="PTS")
    assert chart is not None

    # Steps: each balance holds (horizontal) until the next movement (vertical).
    assert chart.line == "M0,300H500V0H1000V150"
    assert chart.area == "M0,300V300H500V0H1000V150H1000V300Z"


def test_movements_up_and_down_are_marked_apart_until_there_are_too_many() -> None:
    points = [(day(0), 0), (day(1), 100), (day(2), 100), (day(3), 50), (day(4), 80)]
    chart = balance_chart(points, decimals=0, symbol="PTS")
    assert chart is not None

    # Up at day 1 and 4, down at day 3; day 2 changed nothing and gets no mark.
    assert chart.ins == "M250,0h0M1000,60h0"
    assert chart.outs == "M750,150h0"
    assert chart.has_markers
    assert not chart.dense

    many = [(day(n), n % 7) for n in range(MAX_MARKERS + 1)]
    crowded = balance_chart(many, decimals=0, symbol="PTS")
    assert crowded is not None
    assert (crowded.ins, crowded.outs, crowded.has_markers, crowded.dense) == ("", "", False, True)


# --- downsampling -------------------------------------------------------------------


def test_downsampling_keeps_the_first_the_last_and_the_extremes() -> None:
    rng = random.Random(3)
    points = [(day(n / 24), rng.randrange(10**12)) for n in range(5_000)]
    points[1_234] = (points[1_234][0], 10**13)  # a spike
    points[3_210] = (points[3_210][0], 0)  # a dip

    kept = downsample(points, 200)

    assert len(kept) <= 200
    assert kept[0] == points[0]
    assert kept[-1] == points[-1]
    assert points[1_234] in kept
    assert points[3_210] in kept
    assert max(value for _, value in kept) == 10**13
    assert min(value for _, value in kept) == 0
    assert set(kept) <= set(points)
    assert [when for when, _ in kept] == sorted(when for when, _ in kept)


def test_downsampling_points_that_share_one_moment_still_keeps_the_extremes() -> None:
    points = [(T0, value) for value in [5, *range(100, 1_100), 1, 7]]

    kept = downsample(points, 20)

    assert len(kept) <= 20
    assert (kept[0], kept[-1]) == ((T0, 5), (T0, 7))
    assert (T0, 1_099) in kept
    assert (T0, 1) in kept


def test_a_short_series_is_not_downsampled() -> None:
    points = [(day(n), n) for n in range(10)]

    assert downsample(points, 10) == points
    chart = balance_chart(points, decimals=0, symbol="PTS", max_points=10)
    assert chart is not None
    assert chart.points_drawn == 10


def test_a_chart_draws_at_most_max_points_but_states_the_true_extremes() -> None:
    points = [(day(n / 10), (n * 7_919) % 1_000 * USDC) for n in range(2_000)]
    points.append((day(300), 123_456 * USDC))

    chart = balance_chart(points, decimals=6, symbol="USDC", max_points=200)

    assert chart is not None
    assert chart.points_drawn <= 200
    assert chart.high == 123_456 * USDC
    assert "now 123,456 USDC" in chart.summary


# --- labels -------------------------------------------------------------------------


def test_labels_of_an_18_decimals_token_are_exact() -> None:
    chart = balance_chart([(day(0), 0), (day(1), 3 * WEI // 2)], decimals=18, symbol="WALL")
    assert chart is not None

    assert [tick.label for tick in chart.y_ticks] == ["1.50", "1.00", "0.50", "0.00"]
    assert [tick.value for tick in chart.y_ticks] == [3 * WEI // 2, WEI, WEI // 2, 0]


def test_labels_of_huge_amounts_are_exact() -> None:
    chart = balance_chart([(day(0), 0), (day(1), 10**30)], decimals=18, symbol="WALL")
    assert chart is not None

    assert [tick.label for tick in chart.y_ticks] == [
        "1,000,000,000,000",
        "750,000,000,000",
        "500,000,000,000",
        "250,000,000,000",
        "0",
    ]
    assert chart.y_ticks[1].value == 75 * 10**28  # the float 7.5e29 would be 750000000000000013589...
    assert "now 1,000,000,000,000 WALL" in chart.summary


def test_labels_of_the_largest_balance_are_exact() -> None:
    chart = balance_chart([(day(0), MAX_BASE_UNITS)], decimals=0, symbol="MAX")
    assert chart is not None

    assert chart.y_ticks[0].value >= MAX_BASE_UNITS
    assert chart.y_ticks[0].label == f"{chart.y_ticks[0].value:,}"


def test_the_summary_says_the_period_the_start_now_and_the_highest() -> None:
    chart = balance_chart(
        [(day(0), 0), (day(0), 10_000 * USDC), (day(20), 9_000 * USDC), (day(328), 4_875 * USDC)],
        decimals=6,
        symbol="USDC",
    )
    assert chart is not None

    assert chart.summary == (
        "USDC balance from 3 Jan to 27 Nov 2025: started at 0 USDC, now 4,875 USDC; highest 10,000 USDC."
    )
    assert chart.x_labels == ("3 Jan", "26 Mar", "16 Jun", "6 Sep", "27 Nov")
    assert not chart.wide_x_labels


def test_the_summary_names_a_lowest_balance_below_the_start_and_the_end() -> None:
    chart = balance_chart([(day(0), 500), (day(1), 20), (day(2), 300)], decimals=2, symbol="EUR")
    assert chart is not None

    assert chart.summary == "EUR balance from 3 Jan to 5 Jan 2025: started at 5 EUR, now 3 EUR; lowest 0.20 EUR."


def test_dates_are_written_in_the_given_time_zone() -> None:
    late = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    points = [(late, 0), (late, 100), (late + timedelta(days=40), 60)]

    chart = balance_chart(points, decimals=0, symbol="PTS", tz=timezone(timedelta(hours=2)))

    assert chart is not None
    assert chart.start == datetime(2025, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert (chart.x_labels[0], chart.x_labels[-1]) == ("1 Jan", "10 Feb")
    assert chart.summary.startswith("PTS balance from 1 Jan to 10 Feb 2025:")


def test_dates_have_the_year_when_the_span_crosses_one() -> None:
    late = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)

    chart = balance_chart([(late, 0), (late, 100), (late + timedelta(days=40), 60)], decimals=0, symbol="PTS")

    assert chart is not None
    assert (chart.x_labels[0], chart.x_labels[-1]) == ("31 Dec 2024", "9 Feb 2025")
    assert chart.summary.startswith("PTS balance from 31 Dec 2024 to 9 Feb 2025:")


def test_a_span_under_two_days_is_labelled_with_the_time_of_day() -> None:
    chart = balance_chart([(T0, 0), (T0, 10), (T0 + timedelta(hours=8), 4)], decimals=0, symbol="PTS")
    assert chart is not None

    assert chart.x_labels == ("3 Jan 09:30", "3 Jan 11:30", "3 Jan 13:30", "3 Jan 15:30", "3 Jan 17:30")
    assert chart.wide_x_labels


def test_a_span_of_minutes_leaves_out_the_labels_that_would_repeat() -> None:
    chart = balance_chart([(T0, 0), (T0, 10), (T0 + timedelta(minutes=2), 4)], decimals=0, symbol="PTS")
    assert chart is not None

    assert chart.x_labels == ("3 Jan 09:30", "", "3 Jan 09:31", "", "3 Jan 09:32")
    until_now = balance_chart([(T0, 0), (T0, 10)], decimals=0, symbol="PTS", until=T0 + timedelta(seconds=70))
    assert until_now is not None
    assert until_now.x_labels == ("3 Jan 09:30", "", "", "", "3 Jan 09:31")


# --- degenerate series --------------------------------------------------------------


def test_no_points_no_chart() -> None:
    assert balance_chart([], decimals=6, symbol="USDC") is None


def test_a_single_point_draws_a_level_line_across_the_chart() -> None:
    chart = balance_chart([(T0, 250 * USDC)], decimals=6, symbol="USDC")
    assert chart is not None

    line = path_points(chart.line)
    assert line[0][0] == 0
    assert line[-1][0] == WIDTH
    assert [tick.label for tick in chart.y_ticks] == ["300", "200", "100", "0"]
    assert {y for _, y in line} == {HEIGHT / 6}  # 250 of 300
    assert chart.x_labels == ("3 Jan 2025",)
    assert (chart.ins, chart.outs) == ("", "")
    assert chart.summary == "USDC balance on 3 Jan 2025: 250 USDC throughout."


def test_a_single_point_reaches_until_now() -> None:
    chart = balance_chart([(T0, 8)], decimals=0, symbol="PTS", until=day(30))
    assert chart is not None

    assert chart.line.endswith(f"H{WIDTH}")
    assert (chart.x_labels[0], chart.x_labels[-1]) == ("3 Jan", "2 Feb")
    assert chart.now == f"M{WIDTH},0h0"
    assert chart.summary == "PTS balance from 3 Jan to 2 Feb 2025: 8 PTS throughout."


def test_an_unchanging_balance_gets_zero_to_its_value() -> None:
    chart = balance_chart([(day(0), 500 * USDC), (day(3), 500 * USDC)], decimals=6, symbol="USDC")
    assert chart is not None

    assert [tick.value for tick in chart.y_ticks][::-1] == [0, 250 * USDC, 500 * USDC]
    assert {y for _, y in path_points(chart.line)} == {0.0}


def test_a_balance_of_zero_throughout_gets_an_axis_of_one_token() -> None:
    chart = balance_chart([(day(0), 0), (day(2), 0)], decimals=6, symbol="USDC")
    assert chart is not None

    assert [tick.label for tick in chart.y_ticks] == ["1.00", "0.75", "0.50", "0.25", "0.00"]
    assert {y for _, y in path_points(chart.line)} == {float(HEIGHT)}
    assert chart.summary == "USDC balance from 3 Jan to 5 Jan 2025: 0 USDC throughout."


# --- the wallet page ----------------------------------------------------------------


class _Charts(HTMLParser):
    """The svg images of a page: their attributes, title and desc text."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, Any]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and dict(attrs).get("role") == "img":
            self.images.append({"attrs": dict(attrs), "title": "", "desc": "", "ids": {}})
        elif self.images and tag in {"title", "desc"}:
            self._in = tag
            self.images[-1]["ids"][tag] = dict(attrs).get("id")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.images[-1][self._in] += data


def chart_images(html: str) -> list[dict[str, Any]]:
    parser = _Charts()
    parser.feed(html)
    return [image for image in parser.images if "hchart-plot" in (image["attrs"].get("class") or "")]


@pytest.mark.django_db
def test_the_selector_gives_the_opening_balance_then_each_balance_in_order(
    hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=2), actor=client_alice)

    [series] = balance_series_for(client_alice)

    assert series.token.symbol == "USDC"
    assert [units for _, units in series.points] == [0, 10_000 * USDC, 9_000 * USDC, 5_000 * USDC]
    times = [when for when, _ in series.points]
    assert times == sorted(times)
    assert times[0] == times[1]
    assert balance_series_for(contributor_bob) == []


@pytest.mark.django_db
def test_the_selector_follows_the_ledger_order_and_never_runs_time_backwards(mallory: User) -> None:
    usdc = token("USDC")
    with mock.patch("django.utils.timezone.now", return_value=day(10)):
        payouts.faucet(user=mallory, token=usdc, amount=100 * USDC)
    with mock.patch("django.utils.timezone.now", return_value=day(2)):  # a clock behind
        payouts.faucet(user=mallory, token=usdc, amount=50 * USDC)
    with mock.patch("django.utils.timezone.now", return_value=day(12)):
        payouts.faucet(user=mallory, token=usdc, amount=1 * USDC)

    [series] = balance_series_for(mallory)

    assert series.points == [
        (day(10), 0),
        (day(10), 100 * USDC),
        (day(10), 150 * USDC),
        (day(12), 151 * USDC),
    ]


@pytest.mark.django_db
def test_the_wallet_draws_the_balance_above_the_history_table(
    browser_as: Any, hired_project: Project, client_alice: User
) -> None:
    escrow.milestone_fund(milestone=hired_project.milestones.get(order=1), actor=client_alice)

    page = browser_as(client_alice).get(WALLET)
    html = page.content.decode()

    [image] = chart_images(html)
    assert image["attrs"]["aria-labelledby"] == image["ids"]["title"] == "hchart-USDC-title"
    assert image["attrs"]["aria-describedby"] == image["ids"]["desc"] == "hchart-USDC-desc"
    assert image["title"] == "USDC balance over time"
    assert re.fullmatch(
        r"USDC balance (on|from) [^:]+: started at 0 USDC, now 9,000 USDC; highest 10,000 USDC\.", image["desc"]
    ), image["desc"]
    # One chart, at the top of the History section, above the table it summarises.
    assert html.index('id="history-title"') < html.index('class="hchart"') < html.index('class="stack-table history')
    assert ">10,000</span>" in html  # the top y tick
    assert offences(html) == []
    [(shown_token, chart)] = page.context["history_charts"]
    assert (shown_token.symbol, chart.first, chart.last, chart.high) == ("USDC", 0, 9_000 * USDC, 10_000 * USDC)


@pytest.mark.django_db
def test_the_contributor_paid_from_escrow_sees_the_money_come_in(
    browser_as: Any, hired_project: Project, client_alice: User, contributor_bob: User
) -> None:
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=client_alice)
    escrow.milestone_submit(milestone=milestone, actor=contributor_bob, note="Done", links=[])
    escrow.milestone_approve(milestone=milestone, actor=client_alice)

    page = browser_as(contributor_bob).get(WALLET)

    [image] = chart_images(page.content.decode())
    assert re.fullmatch(r"USDC balance (on|from) [^:]+: started at 0 USDC, now 975 USDC\.", image["desc"]), image[
        "desc"
    ]
    [(_, chart)] = page.context["history_charts"]
    assert dots(chart.ins) == 1
    assert chart.outs == ""


@pytest.mark.django_db
def test_one_chart_per_token_with_exact_labels_for_huge_balances(
    browser_as: Any, hired_project: Project, settings: Any
) -> None:
    settings.WALLETS_FAUCET_MAX = "1000000000000"
    alice = hired_project.owner
    payouts.faucet(user=alice, token=token("WALL"), amount=10**30)

    page = browser_as(alice).get(WALLET)
    html = page.content.decode()

    images = chart_images(html)
    assert [image["title"] for image in images] == ["USDC balance over time", "WALL balance over time"]
    assert "now 1,000,000,000,000 WALL" in images[1]["desc"]
    assert ">750,000,000,000</span>" in html
    ids = re.findall(r'\bid="(hchart-[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 6  # title, desc and gradient of each chart


@pytest.mark.django_db
def test_no_history_no_chart(browser_as: Any, mallory: User) -> None:
    page = browser_as(mallory).get(WALLET)
    html = page.content.decode()

    assert page.status_code == 200
    assert page.context["history_charts"] == []
    assert chart_images(html) == []
    assert "hchart" not in html
    assert "No movements yet" in html


@pytest.mark.django_db
def test_a_refused_faucet_form_still_draws_the_chart(
    browser_as: Any, hired_project: Project, client_alice: User, settings: Any
) -> None:
    settings.WALLETS_FAUCET = True
    client: Client = browser_as(client_alice)

    page = client.post(reverse("wallets:faucet"), {"token": "USDC", "amount": "-1"})

    assert page.status_code == 200
    assert len(chart_images(page.content.decode())) == 1


def test_points_across_a_daylight_saving_change_stay_in_time_order() -> None:
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    # Clocks went back at 06:00 UTC on 3 Nov 2024: 01:30 happened twice.
    points = [
        (datetime(2024, 11, 3, 5, 30, tzinfo=UTC), 0),
        (datetime(2024, 11, 3, 6, 15, tzinfo=UTC), 10**6),
        (datetime(2024, 11, 3, 6, 45, tzinfo=UTC), 2 * 10**6),
    ]

    chart = balance_chart(points, decimals=6, symbol="USDC", tz=new_york)

    assert chart is not None
    # 45 of the 75 minutes (not 45 of the 15 the wall clock shows) pass before the second point.
    assert chart.line == "M0,300H600V150H1000V0"
    assert chart.x_labels[0] == "3 Nov 01:30"
    assert chart.x_labels[-1] == "3 Nov 01:45"
    assert chart.start.tzinfo == new_york


def test_a_token_with_one_decimal_is_never_shown_with_two() -> None:
    chart = balance_chart([(datetime(2025, 1, 3, tzinfo=UTC), 5)], decimals=1, symbol="PTS")

    assert chart is not None
    assert [tick.label for tick in chart.y_ticks] == ["0.6", "0.4", "0.2", "0.0"]
    assert chart.summary.endswith("0.5 PTS throughout.")
