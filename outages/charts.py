"""Geometry of the small server-rendered chart of downtime per day (an inline SVG drawn by
a template; no JavaScript library). Pure: numbers in, coordinates out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# Candidate tops of the vertical axis, in minutes: the smallest that holds the tallest bar.
_SCALE_MINUTES = (30, 60, 120, 180, 240, 360, 480, 600, 720, 960, 1200, 1440, 1500)


@dataclass(frozen=True, slots=True)
class ChartBar:
    day: date
    seconds: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class ChartTick:
    y: float
    seconds: int


@dataclass(frozen=True, slots=True)
class ChartLabel:
    x: float
    day: date


@dataclass(frozen=True, slots=True)
class DowntimeChart:
    width: int
    height: int
    plot_left: int
    plot_bottom: float
    bars: tuple[ChartBar, ...]
    ticks: tuple[ChartTick, ...]
    labels: tuple[ChartLabel, ...]
    total_seconds: int

    @property
    def is_empty(self) -> bool:
        return self.total_seconds == 0


def downtime_chart(
    days: Sequence[date],
    seconds: Sequence[int],
    *,
    width: int = 640,
    height: int = 170,
) -> DowntimeChart:
    plot_left, plot_right, plot_top, plot_bottom = 56, width - 8, 10, height - 24
    plot_width = plot_right - plot_left
    plot_height = plot_bottom - plot_top
    tallest_minutes = max(seconds, default=0) / 60
    top_minutes = next((m for m in _SCALE_MINUTES if m >= tallest_minutes), 1500)
    top_seconds = top_minutes * 60
    slot = plot_width / max(len(days), 1)
    bars = []
    for position, (day, value) in enumerate(zip(days, seconds, strict=True)):
        bar_height = plot_height * value / top_seconds if value else 0.0
        # Keep a sliver visible for a few minutes of downtime on a tall scale.
        if value and bar_height < 1.5:
            bar_height = 1.5
        bars.append(
            ChartBar(
                day=day,
                seconds=value,
                x=round(plot_left + position * slot + slot * 0.15, 2),
                y=round(plot_bottom - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
            )
        )
    ticks = tuple(
        ChartTick(y=round(plot_bottom - plot_height * share, 2), seconds=int(top_seconds * share))
        for share in (0, 0.5, 1)
    )
    labels = tuple(
        ChartLabel(x=round(plot_left + position * slot + slot / 2, 2), day=day)
        for position, day in enumerate(days)
        if day.day == 1 or day.day % 5 == 0
    )
    return DowntimeChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        ticks=ticks,
        labels=labels,
        total_seconds=sum(seconds),
    )
