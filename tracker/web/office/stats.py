"""Figures for the office (/office/stats): urgencies, deadlines to come, deliveries, suppressed
addresses. The chart is server-rendered SVG (no script, no inline style: CSP)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from tracker.office.stats import (
    WEEKS,
    delivery_counts,
    suppressed_students,
    weekly_deadlines,
)
from tracker.office.worklist import urgency_counts
from tracker.web import db
from tracker.web.office import bp, office_today

CHART_WIDTH = 720
CHART_HEIGHT = 240
CHART_LEFT = 40
CHART_BOTTOM = 40
CHART_TOP = 10


@bp.get("/stats")
def stats() -> str:
    session = db()
    today = office_today()
    weeks = weekly_deadlines(session, today)
    peak = max((w.total for w in weeks), default=0) or 1
    plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    bar_step = (CHART_WIDTH - CHART_LEFT) / WEEKS
    bars = []
    for index, week in enumerate(weeks):
        x = CHART_LEFT + index * bar_step + 2
        fee_h = round(week.fee_thresholds / peak * plot_height, 1)
        other_h = round(week.deadlines / peak * plot_height, 1)
        base = CHART_HEIGHT - CHART_BOTTOM
        bars.append({
            "week": week, "x": round(x, 1), "width": round(bar_step - 4, 1),
            "fee_y": round(base - fee_h, 1), "fee_h": fee_h,
            "other_y": round(base - fee_h - other_h, 1), "other_h": other_h,
            "label_x": round(x + (bar_step - 4) / 2, 1),
        })
    ticks = sorted({0, peak // 2, peak})
    return render_template(
        "office/stats.html", counts=urgency_counts(session, today), weeks=weeks, bars=bars,
        ticks=[{"value": v, "y": round(CHART_HEIGHT - CHART_BOTTOM - v / peak * plot_height, 1)}
               for v in ticks],
        chart={"width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT,
               "base": CHART_HEIGHT - CHART_BOTTOM},
        deliveries=delivery_counts(session, today), suppressed=suppressed_students(session),
        today=today, since=today - timedelta(days=30),
    )
