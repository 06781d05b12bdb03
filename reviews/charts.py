"""Charts where people compare (issue #13 item 5): pure functions from counts to SVG coordinates.

The templates draw them as inline SVG with presentation attributes only (no inline style, no script: the CSP holds),
scaled by their viewBox to the width of a phone or a printed page; every chart's numbers are also rendered as a
visually-hidden table. Nothing here touches the database: the views hand over counts they already have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from cycles.rulebooks import Level

# The segments of a distribution bar, best level first, then the people without a level.
NOT_RATED = "not_rated"
EXEMPT = "exempt"
UNDECIDED = "undecided"
SEGMENT_KEYS: tuple[str, ...] = (*Level.values, NOT_RATED, EXEMPT, UNDECIDED)
# Fill and text colours per segment (Bootstrap's palette; distinct in greyscale print too, darkest first).
SEGMENT_FILL = {
    Level.HTXSNV.value: "#0a5c36",
    Level.HTTNV.value: "#0d6efd",
    Level.HTNV.value: "#ffc107",
    Level.KHTNV.value: "#dc3545",
    NOT_RATED: "#6c757d",
    EXEMPT: "#adb5bd",
    UNDECIDED: "#f1f3f5",
}
SEGMENT_TEXT = dict.fromkeys(SEGMENT_FILL, "#ffffff") | {
    Level.HTNV.value: "#212529",
    EXEMPT: "#212529",
    UNDECIDED: "#495057",
}

WIDTH = 360  # small enough that 12-unit text stays readable on a 390 px phone; CSS caps it on laptops
LABEL_HEIGHT = 16  # a row's label line above its bar: long group names get the full width on a phone
BAR_HEIGHT = 22
ROW_GAP = 10
PAD = 4
MIN_TEXT_WIDTH = 16  # narrower segments carry no number (it is in the table)


def segment_label(key: str, undecided_label: str = "") -> str:
    if key in Level.values:
        return Level(key).abbreviation
    return str(
        {
            NOT_RATED: _("Không xếp loại"),
            EXEMPT: _("Không đánh giá"),
            UNDECIDED: undecided_label or _("Chưa có mức"),
        }[key]
    )


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    x: float
    width: float
    fill: str
    text_fill: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def shows_count(self) -> bool:
        return self.width >= MIN_TEXT_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    label_y: float
    y: float
    height: float
    segments: list[Segment]

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 4, 1)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    bars: list[Bar]
    # The keys present anywhere, in order, with their labels and fills: the legend.
    legend: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        """The numbers for screen readers: each bar's count per legend key, and its total."""
        rows = []
        for bar in self.bars:
            counts = {segment.key: segment.count for segment in bar.segments}
            rows.append((bar.label, [counts.get(key, 0) for key, _label, _fill in self.legend], bar.total))
        return rows


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]], *, undecided_label: str = "", width: int = WIDTH
) -> BarChart:
    """One horizontal bar per row, its segments the people at each level, scaled to the row's own total so that
    groups of different sizes compare as shares; the count is written in each segment wide enough for it."""
    left, right = PAD, width - PAD
    span = right - left
    bars = []
    y = float(PAD)
    present: set[str] = set()
    for label, counts in rows:
        total = sum(max(counts.get(key, 0), 0) for key in SEGMENT_KEYS)
        segments = []
        x = float(left)
        for key in SEGMENT_KEYS:
            count = max(counts.get(key, 0), 0)
            if not count:
                continue
            present.add(key)
            share = span * count / total
            segments.append(
                Segment(
                    key=key,
                    label=segment_label(key, undecided_label),
                    count=count,
                    x=round(x, 1),
                    width=round(share, 1),
                    fill=SEGMENT_FILL[key],
                    text_fill=SEGMENT_TEXT[key],
                )
            )
            x += share
        bars.append(
            Bar(
                label=label,
                total=total,
                label_y=round(y + LABEL_HEIGHT - 4, 1),
                y=y + LABEL_HEIGHT,
                height=BAR_HEIGHT,
                segments=segments,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    legend = [
        (key, segment_label(key, undecided_label), SEGMENT_FILL[key])
        for key in SEGMENT_KEYS
        if key in present
    ]
    return BarChart(
        width=width, height=max(int(y - ROW_GAP + PAD), 1), left=left, right=right, bars=bars, legend=legend
    )


@dataclass(frozen=True)
class QuotaBar:
    label: str
    htxsnv: int
    allowed: int
    label_y: float
    y: float
    height: float
    bar_width: float
    allowed_x: float
    within: bool

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 4, 1)

    @property
    def text_x(self) -> float:
        return round(max(PAD + self.bar_width, self.allowed_x) + 6, 1)

    @property
    def mark_top(self) -> float:
        return self.y - 3

    @property
    def mark_bottom(self) -> float:
        return self.y + self.height + 3


@dataclass(frozen=True)
class QuotaChart:
    width: int
    height: int
    left: int
    right: int
    bars: list[QuotaBar]

    @property
    def track_width(self) -> int:
        return self.right - self.left


def quota_bars(rows: Sequence[tuple[str, int, int]], *, width: int = WIDTH) -> QuotaChart:
    """Each group's HTXSNV count as a bar against a mark at its allowance, on one scale for every group (the
    largest count or allowance) so that the position reads at a glance; over the allowance is flagged."""
    left, right = PAD, width - PAD - 56  # room for "12 / 10" after the longest bar
    scale = max([max(htxsnv, allowed) for _label, htxsnv, allowed in rows] + [1])
    span = right - left
    bars = []
    y = float(PAD)
    for label, htxsnv, allowed in rows:
        bars.append(
            QuotaBar(
                label=label,
                htxsnv=htxsnv,
                allowed=allowed,
                label_y=round(y + LABEL_HEIGHT - 4, 1),
                y=y + LABEL_HEIGHT,
                height=BAR_HEIGHT - 6,
                bar_width=round(span * htxsnv / scale, 1),
                allowed_x=round(left + span * allowed / scale, 1),
                within=htxsnv <= allowed,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT - 6 + ROW_GAP
    return QuotaChart(width=width, height=max(int(y - ROW_GAP + PAD), 1), left=left, right=right, bars=bars)


@dataclass(frozen=True)
class TimelinePoint:
    year: int
    x: float
    y: float | None  # None: no level that year (not rated)
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    rows: list[tuple[float, str]]  # (y, label) of each level's gridline, best at the top
    points: list[TimelinePoint]
    line: str  # the polyline through the years that have a level


TIMELINE_HEIGHT = 150
TIMELINE_LEFT = 96  # room for "Không xếp loại" at 11 units
TIMELINE_TOP = 10
TIMELINE_BOTTOM = 24


def level_timeline(history: Sequence[tuple[int, str, bool]], *, width: int = WIDTH) -> Timeline:
    """A person's level year over year: years along the bottom (oldest first), the four levels as rows with the
    best at the top, one point per year and a line through them; a "not rated" year sits on its own bottom row."""
    keys = [*Level.values, NOT_RATED]
    plot = TIMELINE_HEIGHT - TIMELINE_TOP - TIMELINE_BOTTOM
    step_y = plot / (len(keys) - 1)
    row_y = {key: round(TIMELINE_TOP + step_y * index, 1) for index, key in enumerate(keys)}
    ordered = sorted(history)
    right = width - 24
    span = right - TIMELINE_LEFT
    count = len(ordered)

    def x(index: int) -> float:
        return round(TIMELINE_LEFT + span * index / (count - 1), 1) if count > 1 else TIMELINE_LEFT + span / 2

    points = []
    for index, (year, level, not_rated) in enumerate(ordered):
        key = NOT_RATED if not_rated or not level else level
        points.append(TimelinePoint(year=year, x=x(index), y=row_y[key], label=segment_label(key)))
    line = " ".join(f"{p.x},{p.y}" for p in points if p.y is not None and p.y != row_y[NOT_RATED])
    return Timeline(
        width=width,
        height=TIMELINE_HEIGHT,
        left=TIMELINE_LEFT,
        right=right,
        rows=[(row_y[key], segment_label(key)) for key in keys],
        points=points,
        line=line,
    )


@dataclass(frozen=True)
class ProgressChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: float
    line: str  # cumulative count, a step per day
    area: str  # the same, closed to the baseline
    gridlines: list[tuple[float, int]]  # (y, count)
    date_labels: list[tuple[float, str]]
    deadline_x: float | None
    total: int
    last: int
    # The numbers for screen readers: (day, handed in that day, running total), days with a form only.
    table: list[tuple[date, int, int]] = field(default_factory=list)


PROGRESS_HEIGHT = 180
PROGRESS_LEFT = 36
PROGRESS_TOP = 10
PROGRESS_BOTTOM = 22


def progress_over_time(
    per_day: Mapping[date, int], *, total: int, start: date, end: date, deadline: date | None = None
) -> ProgressChart:
    """The cumulative number of forms handed in, day by day from `start` to `end` (a step each day), against the
    cohort's `total`; the deadline is marked when it falls in the span. Days before `start` count at `start`."""
    width = WIDTH
    if end < start:
        end = start
    days = (end - start).days
    right = width - 12
    span = right - PROGRESS_LEFT
    plot = PROGRESS_HEIGHT - PROGRESS_TOP - PROGRESS_BOTTOM
    scale = max(total, 1)
    baseline = float(PROGRESS_TOP + plot)

    def x(day: date) -> float:
        return round(PROGRESS_LEFT + (span * (day - start).days / days if days else span), 1)

    def y(count: int) -> float:
        return round(PROGRESS_TOP + plot * (1 - min(count, scale) / scale), 1)

    running = sum(n for day, n in per_day.items() if day < start)
    table = []
    coords: list[tuple[float, float]] = [(x(start), y(running))]
    for offset in range(days + 1):
        day = start + timedelta(days=offset)
        added = per_day.get(day, 0)
        if added:
            coords.append((x(day), y(running)))
            running += added
            coords.append((x(day), y(running)))
            table.append((day, added, running))
    coords.append((x(end), y(running)))
    line = " ".join(f"{cx},{cy}" for cx, cy in coords)
    area = f"{line} {x(end)},{baseline} {x(start)},{baseline}"
    gridlines = sorted({(y(value), value) for value in (0, total // 2, total)}, reverse=True)
    labels = [(x(start), start.strftime("%d/%m"))]
    if days:
        labels.append((x(end), end.strftime("%d/%m")))
    deadline_x = x(deadline) if deadline and start <= deadline <= end else None
    return ProgressChart(
        width=width,
        height=PROGRESS_HEIGHT,
        left=PROGRESS_LEFT,
        right=right,
        top=PROGRESS_TOP,
        baseline=baseline,
        line=line,
        area=area,
        gridlines=gridlines,
        date_labels=labels,
        deadline_x=deadline_x,
        total=total,
        last=running,
        table=table,
    )
