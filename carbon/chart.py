"""Server-side SVG bar chart of a usage summary (a Django template; autoescaped, no JS)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string

from carbon.summary import Summary, SummaryBucket, SummaryPart

WIDTH = 760
HEIGHT = 320
LEFT = 64  # room for the y-axis labels
RIGHT = 48  # room for the last rotated x-axis label
TOP = 40
BOTTOM = 56  # room for the x-axis labels
TICKS = 4
LEGEND_ROW = 18  # the legend of a split chart: rows under the chart
LEGEND_PER_ROW = 4
BAR_COLOR = "#2f9e6e"
# Scopes 1, 2, 3 and unscoped keep their colours; usage types take them in order of appearance.
SCOPE_COLORS = {1: "#c2410c", 2: "#2f9e6e", 3: "#2563eb", None: "#7b8794"}
PALETTE = ("#2f9e6e", "#2563eb", "#c2410c", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f")
# English month abbreviations whatever the process locale (strftime's %b follows it).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Segment:
    y: float
    height: float
    color: str
    title: str


@dataclass
class LegendEntry:
    x: float
    y: float
    color: str
    label: str


@dataclass
class Bar:
    x: float
    cx: float
    y: float
    width: float
    height: float
    key: str  # the bucket's period (ISO date) or usage type, for scripts and tests
    label: str
    value: str
    title: str
    show_label: bool
    segments: list[Segment]


@dataclass
class Tick:
    y: float
    label: str


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round axis maximum at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base


def _fmt(value: Decimal) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def period_label(*, period: date, group_by: str) -> str:
    """How a bucket's period reads on the chart: "12 Jan 2026", "W03 2026", "Jan 2026", "2026".

    Weeks are ISO weeks (Monday first), so their year is the ISO year: the week starting
    Monday 29 December 2025 is "W01 2026".
    """
    if group_by == "day":
        return f"{period.day} {MONTHS[period.month - 1]} {period.year}"
    if group_by == "week":
        year, week, _ = period.isocalendar()
        return f"W{week:02d} {year}"
    if group_by == "year":
        return str(period.year)
    return f"{MONTHS[period.month - 1]} {period.year}"


def _bucket_label(bucket, group_by: str) -> str:
    if bucket.period is None:
        return bucket.label
    return period_label(period=bucket.period, group_by=group_by)


def _bucket_key(bucket: SummaryBucket, group_by: str) -> str:
    """The machine form of a bucket: its period (ISO date), type, or scope ("1", "unscoped")."""
    if group_by == "scope":
        return str(bucket.scope) if bucket.scope is not None else "unscoped"
    return bucket.label


def _amounts_text(part: SummaryPart) -> str:
    return ", ".join(
        f"{amount.normalize():f} {unit}" for unit, amount in sorted(part.amounts.items())
    )


def _part_color(part: SummaryPart, split: str, colors: dict) -> str:
    if split == "scope":
        return SCOPE_COLORS[part.scope]
    return colors.setdefault(part.usage_type.pk, PALETTE[len(colors) % len(PALETTE)])


def chart_context(*, summary: Summary, title: str = "") -> dict:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    colors: dict = {}
    legend: dict[object, tuple[str, str]] = {}
    buckets = summary.buckets
    top = _nice_ceiling(max((b.co2e_kg for b in buckets), default=Decimal(0)))
    slot = plot_w / max(len(buckets), 1)
    bar_w = max(slot * 0.7, 1.0)
    label_every = max(1, round(len(buckets) / 12))
    bars = []
    for index, bucket in enumerate(buckets):
        h = float(bucket.co2e_kg / top) * plot_h
        label = _bucket_label(bucket, summary.group_by)
        amounts = _amounts_text(bucket)
        segments = []
        bottom = TOP + plot_h
        for part in bucket.breakdown or ():
            part_h = float(part.co2e_kg / top) * plot_h
            color = _part_color(part, summary.split, colors)
            key = part.usage_type.pk if summary.split == "usage_type" else part.scope
            legend.setdefault(key, (color, part.label))
            bottom -= part_h
            segments.append(
                Segment(
                    y=round(bottom, 2),
                    height=round(part_h, 2),
                    color=color,
                    title=(
                        f"{label}, {part.label}: {_fmt(part.co2e_kg)} kg CO2e "
                        f"({part.count} usages; {_amounts_text(part)})"
                    ),
                )
            )
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - bar_w) / 2, 2),
                cx=round(LEFT + index * slot + slot / 2, 2),
                y=round(TOP + plot_h - h, 2),
                width=round(bar_w, 2),
                height=round(h, 2),
                key=_bucket_key(bucket, summary.group_by),
                label=label,
                value=_fmt(bucket.co2e_kg),
                title=(
                    f"{label}: {_fmt(bucket.co2e_kg)} kg CO2e ({bucket.count} usages; {amounts})"
                ),
                show_label=index % label_every == 0,
                segments=segments,
            )
        )
    ticks = [
        Tick(y=round(TOP + plot_h - plot_h * i / TICKS, 2), label=_fmt(top * i / TICKS))
        for i in range(TICKS + 1)
    ]
    if summary.split == "scope":  # scopes in their own order, whatever the first bucket had
        legend = {k: legend[k] for k in sorted(legend, key=lambda k: (k is None, k or 0))}
    legend_entries = [
        LegendEntry(
            x=LEFT + i % LEGEND_PER_ROW * 180,
            y=HEIGHT + 4 + i // LEGEND_PER_ROW * LEGEND_ROW,
            color=color,
            label=text,
        )
        for i, (color, text) in enumerate(legend.values())
    ]
    rows = -(-len(legend_entries) // LEGEND_PER_ROW)
    return {
        "width": WIDTH,
        "height": HEIGHT + rows * LEGEND_ROW + (8 if rows else 0),
        "legend": legend_entries,
        "bar_color": BAR_COLOR,
        "left": LEFT,
        "axis_label_x": LEFT - 8,
        "center_x": LEFT + plot_w / 2,
        "empty_y": TOP + plot_h / 2,
        "right_edge": WIDTH - RIGHT,
        "top": TOP,
        "baseline": TOP + plot_h,
        "label_y": TOP + plot_h + 18,
        "bars": bars,
        "ticks": ticks,
        "title": title or _default_title(summary),
        "total": _fmt(summary.co2e_kg),
        "empty": not buckets,
        "show_values": len(buckets) <= 16,
    }


def _default_title(summary: Summary) -> str:
    title = f"kg CO2e per {summary.group_by.replace('_', ' ')}"
    if summary.split:
        title += f" and {summary.split.replace('_', ' ')}"
    return f"{title} ({summary.tz})"


def summary_svg(*, summary: Summary, title: str = "") -> str:
    """The summary as a standalone SVG document."""
    return render_to_string("carbon/chart.svg", chart_context(summary=summary, title=title))
