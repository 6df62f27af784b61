"""The wallet's balance history as chart geometry: pure, no Django, no models.

Input: ``(time, balance)`` points in integer base units, oldest first. Output: a
``BalanceChart`` of SVG path strings in a fixed ``WIDTH`` x ``HEIGHT`` box, the axis
ticks with their labels, and a sentence that says what the chart shows.

Amounts stay exact ints everywhere a person reads them (tick values and labels,
the summary); floats appear only for drawing coordinates. The template stretches
the box to the width of the page (``preserveAspectRatio="none"``), so the labels
are laid out in HTML around it rather than drawn inside it: they keep their size on
a phone, and a long label takes the room it needs. For that layout to work the y
ticks are evenly spaced from the bottom of the box to its top (the domain is the
ticks' range), and the x labels are evenly spaced in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from wallets.amounts import humanize_units

Point = tuple[datetime, int]

WIDTH = 1000
HEIGHT = 300
MAX_POINTS = 200
# Above this many points the dots of the movements would touch: the step line
# alone shows them (the history table lists every one).
MAX_MARKERS = 60
X_LABELS = 5
MAX_Y_INTERVALS = 4
_SHORT_SPAN_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class YTick:
    """A horizontal grid line: ``value`` in base units, ``y`` in the box."""

    value: int
    label: str
    y: float


@dataclass(frozen=True)
class BalanceChart:
    """What the chart template draws. Paths are in a ``width`` x ``height`` box with
    y growing downwards: the step ``line``, the ``area`` under it down to zero, the
    ``grid`` lines at the y ticks other than zero, and the zero ``axis``. ``ins``,
    ``outs`` and ``now`` are zero-length subpaths that round line caps draw as dots:
    one per movement up or down (both empty when there are too many points to
    mark), and the current balance at the right edge. ``y_ticks`` run from the
    top of the box to the bottom; ``x_labels`` are evenly spaced from the left
    edge to the right edge (one label when all points share one moment, an empty
    one where it would repeat the one before)."""

    line: str
    area: str
    grid: str
    axis: str
    ins: str
    outs: str
    now: str
    y_ticks: tuple[YTick, ...]
    x_labels: tuple[str, ...]
    first: int
    last: int
    high: int
    low: int
    start: datetime
    end: datetime
    summary: str
    points_drawn: int
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def has_markers(self) -> bool:
        return bool(self.ins or self.outs)

    @property
    def wide_x_labels(self) -> bool:
        """Dates with a year or a time of day: fewer of them fit a narrow chart."""
        return max(len(label) for label in self.x_labels) > 8

    @property
    def dense(self) -> bool:
        """Too many points to mark each movement: drawn with a thinner line."""
        return self.points_drawn > MAX_MARKERS


def nice_ticks(lo: int, hi: int, *, max_intervals: int = MAX_Y_INTERVALS) -> list[int]:
    """Evenly spaced round values covering ``lo..hi``: the first at or below ``lo``,
    the last at or above ``hi``, a step of 1, 2, 2.5 or 5 times a power of ten base
    units (round in token units too: a token has a power of ten base units).

    Of the steps that make 2 to ``max_intervals`` intervals (3 to
    ``max_intervals + 1`` ticks) it takes the one whose ticks fit the range most
    tightly (then the one with more ticks), so that the line fills the chart; a
    range of one base unit gets its 2 ends. Exact for ints of any size. Raises
    ValueError unless ``lo < hi``.
    """
    if lo >= hi:
        raise ValueError(f"nice_ticks needs lo < hi, got {lo} and {hi}")
    if max_intervals < 2:
        raise ValueError("nice_ticks needs at least 2 intervals")
    best: tuple[int, int, int] | None = None  # (first multiple, intervals, step)
    power = 1
    while power <= hi - lo:
        steps = (power, 2 * power, 25 * power // 10, 5 * power) if power >= 10 else (power, 2 * power, 5 * power)
        for step in steps:
            first = lo // step  # floor, also for negatives
            intervals = -(-hi // step) - first  # ceiling minus floor
            # A tighter fit spans less: compare intervals * step; on a tie, more ticks win.
            if 2 <= intervals <= max_intervals and (
                best is None or (intervals * step, -intervals) < (best[1] * best[2], -best[1])
            ):
                best = (first, intervals, step)
        power *= 10
    if best is None:
        return [lo, hi]
    first, intervals, step = best
    return [(first + index) * step for index in range(intervals + 1)]


def scale_y(value: int, lo: int, hi: int, height: float = HEIGHT) -> float:
    """``lo`` maps to the bottom of the box (``height``), ``hi`` to the top (0).

    int / int is correctly rounded in Python, so even amounts near 2**256 give the
    nearest float: the only rounding is in the drawing."""
    if hi <= lo:
        raise ValueError("scale_y needs lo < hi")
    return height - (value - lo) / (hi - lo) * height


def downsample(points: Sequence[Point], limit: int = MAX_POINTS) -> list[Point]:
    """At most ``limit`` points that draw like all of them: the first and the last,
    and from each of ``(limit - 2) // 2`` equal stretches of time between them its
    lowest and its highest point, in time order. So the overall highest and lowest
    values always survive. ``points`` must be in time order."""
    if limit < 4:
        raise ValueError("downsample keeps at least 4 points")
    if len(points) <= limit:
        return list(points)
    first, last, inner = points[0], points[-1], points[1:-1]
    buckets = (limit - 2) // 2
    span = (last[0] - first[0]).total_seconds()
    lowest: dict[int, int] = {}
    highest: dict[int, int] = {}
    for index, (when, value) in enumerate(inner):
        if span > 0:
            bucket = min(int((when - first[0]).total_seconds() / span * buckets), buckets - 1)
        else:
            bucket = index * buckets // len(inner)
        if bucket not in lowest or value < inner[lowest[bucket]][1]:
            lowest[bucket] = index
        if bucket not in highest or value > inner[highest[bucket]][1]:
            highest[bucket] = index
    kept = sorted(set(lowest.values()) | set(highest.values()))
    return [first, *(inner[index] for index in kept), last]


def balance_chart(
    points: Sequence[Point],
    *,
    decimals: int,
    symbol: str,
    until: datetime | None = None,
    tz: tzinfo | None = None,
    max_points: int = MAX_POINTS,
) -> BalanceChart | None:
    """The chart of a balance over time, or None for no points.

    ``points``: (aware time, balance in base units), oldest first, as the balance
    stood after each movement (so a step line is exact: a balance holds until the
    next point). ``decimals``: the token's, for the labels. ``until``: the right
    edge, normally now, so that the last balance is drawn up to today (the last
    point's time when None or earlier). ``tz``: the time zone the dates are
    written in (the times' own when None).

    The y domain always includes zero, so the soft area under the line starts at a
    true baseline; a series of zeros gets a domain of 0 to 1 token.
    """
    if not points:
        return None
    # Geometry in UTC: times in one zone subtract as wall-clock times, which would
    # put points out of order across a daylight-saving change. Dates for people in
    # ``tz`` (or the times' own zone).
    local = tz or points[0][0].tzinfo
    end = max(until, points[-1][0]) if until is not None else points[-1][0]
    points = [(when.astimezone(UTC), value) for when, value in points]
    end = end.astimezone(UTC)
    values = [value for _, value in points]
    first, last, high, low = values[0], values[-1], max(values), min(values)
    start = points[0][0]

    lo, hi = min(low, 0), max(high, 0)
    if lo == hi:
        hi = lo + 10**decimals
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]

    drawn = downsample(points, max_points)
    span = (end - start).total_seconds()
    xs = [(when - start).total_seconds() / span * WIDTH if span > 0 else 0.0 for when, _ in drawn]
    ys = [scale_y(value, lo, hi) for _, value in drawn]
    baseline = _num(scale_y(0, lo, hi))

    steps = "".join(f"H{_num(x)}V{_num(y)}" for x, y in zip(xs[1:], ys[1:], strict=True))
    tail = f"H{WIDTH}" if xs[-1] < WIDTH else ""
    line = f"M{_num(xs[0])},{_num(ys[0])}{steps}{tail}"
    area = f"M{_num(xs[0])},{baseline}V{_num(ys[0])}{steps}H{WIDTH}V{baseline}Z"

    ins, outs = [], []
    if len(drawn) <= MAX_MARKERS:
        for index in range(1, len(drawn)):
            dot = f"M{_num(xs[index])},{_num(ys[index])}h0"
            if drawn[index][1] > drawn[index - 1][1]:
                ins.append(dot)
            elif drawn[index][1] < drawn[index - 1][1]:
                outs.append(dot)

    y_ticks = tuple(
        YTick(value=tick, label=label, y=scale_y(tick, lo, hi))
        for tick, label in zip(reversed(ticks), _axis_labels(list(reversed(ticks)), decimals), strict=True)
    )
    start, end = start.astimezone(local), end.astimezone(local)
    return BalanceChart(
        line=line,
        area=area,
        grid="".join(f"M0,{_num(tick.y)}H{WIDTH}" for tick in y_ticks if tick.value != 0),
        axis=f"M0,{baseline}H{WIDTH}",
        ins="".join(ins),
        outs="".join(outs),
        now=f"M{WIDTH},{_num(ys[-1])}h0",
        y_ticks=y_ticks,
        x_labels=_x_labels(start, end),
        first=first,
        last=last,
        high=high,
        low=low,
        start=start,
        end=end,
        summary=_summary(symbol, decimals, start, end, first, last, high, low),
        points_drawn=len(drawn),
    )


def _axis_labels(ticks: list[int], decimals: int) -> list[str]:
    """Exact tick labels, all with as many decimals as the one that needs most
    (10.00, 7.50, 5.00 rather than 10, 7.50, 5)."""
    labels = [humanize_units(tick, decimals, max_fraction=decimals) for tick in ticks]
    digits = max(len(label.partition(".")[2]) for label in labels)
    if not digits:
        return labels
    return [f"{label.partition('.')[0]}.{label.partition('.')[2]:0<{digits}}" for label in labels]


def _num(value: float) -> str:
    """A coordinate, short: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _day(when: datetime, *, year: bool = True) -> str:
    return f"{when.day} {when:%b %Y}" if year else f"{when.day} {when:%b}"


def _x_labels(start: datetime, end: datetime) -> tuple[str, ...]:
    """Dates at evenly spaced moments from ``start`` to ``end``: with the time of
    day for a span under two days, with the year when the span crosses one. A
    label that would repeat the one before it, or the last one, is left empty (a
    span of minutes), so that every label keeps its place."""
    span = end - start
    if not span:
        return (_day(start),)
    moments = [start + span * index / (X_LABELS - 1) for index in range(X_LABELS)]
    if span.total_seconds() < _SHORT_SPAN_SECONDS:
        labels = [f"{_day(when, year=False)} {when:%H:%M}" for when in moments]
    else:
        labels = [_day(when, year=start.year != end.year) for when in moments]
    shown = [labels[0]]
    for index, label in enumerate(labels[1:], start=1):
        repeats = label == next(text for text in reversed(shown) if text)
        shown.append("" if repeats or (index < len(labels) - 1 and label == labels[-1]) else label)
    return tuple(shown)


def _summary(
    symbol: str, decimals: int, start: datetime, end: datetime, first: int, last: int, high: int, low: int
) -> str:
    """One sentence for people who do not see the chart: the period, where the
    balance started and where it is now, and its extremes when they say more.
    Amounts as the page shows them (``Token.humanize``)."""

    def amount(units: int) -> str:
        return f"{humanize_units(units, decimals)} {symbol}"

    if start.date() == end.date():
        period = f"on {_day(end)}"
    else:
        period = f"from {_day(start, year=start.year != end.year)} to {_day(end)}"
    if first == last and high == low:
        return f"{symbol} balance {period}: {amount(last)} throughout."
    text = f"{symbol} balance {period}: started at {amount(first)}, now {amount(last)}"
    extremes = []
    if high > max(first, last):
        extremes.append(f"highest {amount(high)}")
    if low < min(first, last):
        extremes.append(f"lowest {amount(low)}")
    return f"{text}; {', '.join(extremes)}." if extremes else f"{text}."
