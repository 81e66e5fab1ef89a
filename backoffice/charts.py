"""The dashboard's charts as SVG geometry, drawn on the server.

The template (``templates/backoffice/chart.html``) writes the numbers computed here into
inline SVG styled by ``static/backoffice/backoffice.css``: no script and no inline style,
so the admin's strict Content-Security-Policy stays as it is. Every bar has a ``<title>``
(its tooltip), and every chart comes with the same figures as a table.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
COLUMN_HEIGHT = 180
ROW_HEIGHT = 22
# Room for the value axis' labels (left), the time axis' labels (bottom), and the
# category labels of a horizontal chart.
LEFT, BOTTOM, TOP, LABELS = 44, 22, 8, 120
AXIS_LABEL_ROOM = 48  # the width of a time axis label ("Thu 03", "29 Nov")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # the tooltip: what and how many


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str
    anchor: str = "end"  # SVG text-anchor: "start" (text runs right of x) or "end"


@dataclass(frozen=True)
class Chart:
    """A bar chart: columns over time, or one horizontal bar per category (``rows``)."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]  # axis labels
    gridlines: list[float]  # y of the value axis' lines (columns only)
    table: list[tuple[str, int]]  # the same figures, as text
    horizontal: bool
    plot_left: float
    plot_bottom: float

    @property
    def total(self) -> int:
        return sum(value for _, value in self.table)


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at least ``value`` (1 for nothing)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def column_chart(
    *,
    title: str,
    points: Sequence[tuple[str, str, int]],
    noun: str,
    width: int = WIDTH,
    height: int = COLUMN_HEIGHT,
) -> Chart:
    """One column per point, left to right. A point is (axis label, "" for none; its full
    label; value): the tooltip reads "<full label>: <value> <noun>"."""
    top = nice_ceiling(max((value for _, _, value in points), default=0))
    plot_width, plot_height = width - LEFT, height - BOTTOM - TOP
    step = plot_width / max(len(points), 1)
    gap = min(step * 0.15, 2)
    bars, ticks = [], []
    for index, (axis_label, label, value) in enumerate(points):
        bar_height = plot_height * value / top
        x = LEFT + index * step
        bars.append(
            Bar(
                x=round(x + gap / 2, 2),
                y=round(TOP + plot_height - bar_height, 2),
                width=round(step - gap, 2),
                height=round(bar_height, 2),
                title=f"{label}: {value} {noun}",
            )
        )
        if axis_label:
            # A label too near the right edge ends at it rather than running off.
            near_edge = x > width - AXIS_LABEL_ROOM
            ticks.append(
                Tick(
                    x=width if near_edge else round(x, 2),
                    y=height - 6,
                    label=axis_label,
                    anchor="end" if near_edge else "start",
                )
            )
    gridlines = [round(TOP + plot_height * (1 - share), 2) for share in (0, 0.5, 1)]
    ticks += [
        Tick(x=LEFT - 6, y=round(y + 4, 2), label=f"{value:g}")
        for y, value in zip(gridlines, (0, top / 2, top), strict=True)
    ]
    return Chart(
        title=title,
        width=width,
        height=height,
        bars=bars,
        ticks=ticks,
        gridlines=gridlines,
        table=[(label, value) for _, label, value in points],
        horizontal=False,
        plot_left=LEFT,
        plot_bottom=TOP + plot_height,
    )


def row_chart(
    *, title: str, rows: Sequence[tuple[str, int]], noun: str, width: int = WIDTH // 2
) -> Chart:
    """One horizontal bar per (label, value), top to bottom, the label on its left."""
    top = max((value for _, value in rows), default=0) or 1
    plot_width = width - LABELS - 48  # room for the value after the longest bar
    bars, ticks = [], []
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        bars.append(
            Bar(
                x=LABELS,
                y=y,
                width=round(plot_width * value / top, 2),
                height=ROW_HEIGHT - 6,
                title=f"{label}: {value} {noun}",
            )
        )
        ticks.append(Tick(x=LABELS - 6, y=y + ROW_HEIGHT - 10, label=label))
        value_x = round(LABELS + plot_width * value / top + 4, 2)
        ticks.append(Tick(x=value_x, y=y + ROW_HEIGHT - 10, label=str(value), anchor="start"))
    return Chart(
        title=title,
        width=width,
        height=TOP * 2 + ROW_HEIGHT * max(len(rows), 1),
        bars=bars,
        ticks=ticks,
        gridlines=[],
        table=list(rows),
        horizontal=True,
        plot_left=LABELS,
        plot_bottom=TOP + ROW_HEIGHT * len(rows),
    )
