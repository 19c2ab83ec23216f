"""The chart of wallets over time, drawn on the server as SVG (the staff pages
and the public page run no script): the published total of wallets at the end of
each month, measure 28's targets as lines, and the projection at the current
pace. This module computes the geometry; templates/indicator-figures.html draws
it, with its words in the page's language and a text alternative."""

from __future__ import annotations

import math
from dataclasses import dataclass

from day_centres.indicator_figures import (
    TARGETS,
    TOTAL,
    WALLETS_TO_DATE,
    Indicators,
    Projection,
    months_between,
)

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 36
STEP = 1000  # the value axis is marked every thousand wallets


@dataclass(frozen=True)
class TargetMark:
    """A target: its horizontal line, and the point of its deadline."""

    wallets: int
    y: float
    x: float  # the deadline month's position
    deadline: str  # "2026-12"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float  # the x of the plot's right edge
    bottom: float  # the y of the value 0
    wallets: str  # SVG points of the published wallets to date
    projection: str  # SVG points of the projection ("" when there is no pace)
    targets: list[TargetMark]
    value_ticks: list[tuple[float, int]]  # (y, wallets)
    year_ticks: list[tuple[float, str]]  # (x, "2027") at each January
    last: tuple[float, float, int]  # the latest point: x, y, wallets


def draw(indicators: Indicators, projection: Projection) -> Chart:
    """The chart's geometry, from the first month counted to the end of 2028."""
    first = indicators.months[0]
    last = max(TARGETS[-1][1], indicators.months[-1])
    span = months_between(first, last)
    place = {month: index for index, month in enumerate(span)}
    width = WIDTH - LEFT - RIGHT
    height = HEIGHT - TOP - BOTTOM
    values = [indicators.cell(m, TOTAL, WALLETS_TO_DATE) or 0 for m in indicators.months]
    highest = max([*values, *(v for _, v in projection.points), TARGETS[-1][0]])
    top = STEP * math.ceil(highest * 1.1 / STEP)

    def x(month: str) -> float:
        return round(LEFT + place[month] * width / max(len(span) - 1, 1), 1)

    def y(value: int) -> float:
        return round(TOP + (1 - value / top) * height, 1)

    def points(pairs: list[tuple[str, int]]) -> str:
        return " ".join(f"{x(month)},{y(value)}" for month, value in pairs)

    wallets = list(zip(indicators.months, values, strict=True))
    shown_projection = projection.points if projection.pace else []
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        bottom=y(0),
        wallets=points(wallets),
        projection=points(shown_projection),
        targets=[TargetMark(w, y(w), x(deadline), deadline) for w, deadline in TARGETS],
        value_ticks=[(y(v), v) for v in range(0, top + 1, STEP)],
        year_ticks=[(x(m), m[:4]) for m in span if m.endswith("-01")],
        last=(x(wallets[-1][0]), y(wallets[-1][1]), wallets[-1][1]),
    )
