"""Statistics as charts: spans per label, answers, and answers over time."""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from annotator.core.model import Label
from annotator.core.project_stats import StatsSnapshot
from annotator.core.store import ProjectStore

__all__ = ["StatsView", "time_axis_format"]

_ANSWER_COLORS = {"accept": "#2e9d52", "reject": "#d04545", "ignore": "#c08a1e"}


def _label_color(label: Label | None) -> str:
    """A label's colour; grey for spans whose label is no longer in the project."""
    return label.color if label is not None else "#9e9e9e"


def time_axis_format(start_ms: float, end_ms: float) -> tuple[str, str]:
    """Short tick labels that fit a narrow dock, the rest in the axis title: the hours within
    one day ("14:05", title "6 Dec 2026"), else the days ("6 Dec", title "2026")."""
    first = dt.datetime.fromtimestamp(start_ms / 1000)
    last = dt.datetime.fromtimestamp(end_ms / 1000)
    if first.date() == last.date():
        return "hh:mm", f"{first.day} {first:%b %Y}"
    if first.year == last.year:
        return "d MMM", str(first.year)
    return "MMM yyyy", ""


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().setVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _count_axis(maximum: int) -> QValueAxis:
    """A value axis for counts: whole-number ticks only, with headroom above the top bar."""
    step = max(1, math.ceil(maximum / 5))
    top = step * max(1, math.ceil(maximum * 1.1 / step))
    if top <= maximum:
        top += step
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    return axis


def _bars(chart: QChart, names: list[str], values: list[int], colors: list[str]) -> None:
    """One coloured bar per category, horizontal so that every category name stays readable
    in a narrow panel (stacked sets, so each bar is centred on its category). The first
    name is drawn at the top."""
    names, values, colors = names[::-1], values[::-1], colors[::-1]  # Qt draws bottom-up
    series = QHorizontalStackedBarSeries()
    for name, color in zip(names, colors, strict=True):
        bar = QBarSet(name)
        bar.append([float(v) if n == name else 0.0 for n, v in zip(names, values, strict=True)])
        bar.setColor(QColor(color))
        bar.setBorderColor(QColor(color).darker(130))
        series.append(bar)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([f"{n} ({v})" for n, v in zip(names, values, strict=True)])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    counts = _count_axis(max(values, default=0))
    chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(counts)


class StatsView(QScrollArea):
    """Three charts from the store for the current annotator; ``refresh`` re-reads them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._layout.addWidget(self.summary)
        self.views: list[QChartView] = []
        for _ in range(3):
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(210)
            self._layout.addWidget(view)
            self.views.append(view)
        self._layout.addStretch(1)
        self.setWidget(body)

    def refresh(self, store: ProjectStore | None, annotator: str) -> None:
        """Read and show the statistics now, on this thread (the window reads them in the
        background with ``StatsRefresher`` and calls ``show_snapshot``)."""
        if store is None:
            self.show_no_project()
            return
        self.show_snapshot(store.stats_snapshot(annotator))

    def show_no_project(self) -> None:
        self.summary.setText("No project open.")
        for view in self.views:
            view.setChart(_chart(""))

    def show_snapshot(self, snapshot: StatsSnapshot) -> None:
        stats, labels, annotator = snapshot.stats, snapshot.labels, snapshot.annotator
        self.summary.setText(
            f"<b>{stats['answered']}</b> of <b>{stats['documents']}</b> documents answered by "
            f"{annotator}; <b>{sum(stats['spans'].values())}</b> accepted spans."
        )
        per_label = stats["spans"]
        names = list(per_label)
        colors = [_label_color(labels.get(n)) for n in names]
        spans = _chart("Accepted spans per label")
        _bars(spans, names, [int(per_label[n]) for n in names], colors)
        self.views[0].setChart(spans)

        answers = stats["answers"]
        kinds = ["accept", "reject", "ignore"]
        chart = _chart("Answers")
        _bars(
            chart,
            kinds,
            [int(answers.get(k, 0)) for k in kinds],
            [_ANSWER_COLORS[k] for k in kinds],
        )
        self.views[1].setChart(chart)
        self.views[2].setChart(self._progress_chart(snapshot.history))

    @staticmethod
    def _progress_chart(history: list[tuple[float, int]]) -> QChart:
        chart = _chart("Documents answered over time")
        series = QLineSeries()
        series.setPointsVisible(True)
        answered = 0
        for when, answered in history:
            series.append(float(when * 1000), float(answered))
        if not history:
            now = dt.datetime.now().timestamp() * 1000
            series.append(now, 0.0)
        chart.addSeries(series)
        axis_x = QDateTimeAxis()
        axis_x.setTickCount(4)
        times = [p.x() for p in series.points()]
        start, end = min(times), max(times)
        if end - start < 60_000:
            end = start + 60_000
        label_format, title = time_axis_format(start, end)
        axis_x.setFormat(label_format)
        axis_x.setTitleText(title)
        axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(start)), QDateTime.fromMSecsSinceEpoch(int(end))
        )
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = _count_axis(max((n for _, n in history), default=0))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        return chart
