"""Small server-rendered SVG charts for the admin's report pages (the moderators' dashboard,
the editors' search report).

No script and no inline style, so the admin's strict Content-Security-Policy holds; each
chart has a title and a description for screen readers, and the dashboard shows its
figures in a table beside it. The view box is about as wide as a phone, so the text stays
legible at 390 px; CSS caps the width on larger screens.
"""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28


def _scale(values):
    """A round maximum for the value axis."""
    top = max([*values, 1])
    for step in (1, 2, 5):
        for power in range(0, 9):
            nice = step * 10**power
            if nice >= top:
                return nice
    return top


def _frame(chart_id, title, description, body, height=HEIGHT):
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )


def _axes(top, first_label, last_label, unit):
    bottom = HEIGHT - BOTTOM
    return format_html(
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<text class="tick" x="{lt}" y="{ty}" text-anchor="end">{top}</text>'
        '<text class="tick" x="{lt}" y="{b}" text-anchor="end">0</text>'
        '<text class="tick" x="{l}" y="{ly}">{first}</text>'
        '<text class="tick" x="{r}" y="{ly}" text-anchor="end">{last}</text>'
        '<text class="unit" x="{l}" y="{uy}">{unit}</text>',
        l=LEFT,
        r=WIDTH - RIGHT,
        t=TOP,
        b=bottom,
        lt=LEFT - 4,
        ty=TOP + 8,
        top=top,
        ly=HEIGHT - 10,
        first=first_label,
        last=last_label,
        uy=TOP - 2,
        unit=unit,
    )


def _x(index, count):
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / max(count - 1, 1))


def _y(value, top):
    return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * value / top


def line_chart(chart_id, title, description, points, unit=""):
    """`points`: [(label, value)] in order, e.g. one a day."""
    if not points:
        return _frame(chart_id, title, description, "")
    top = _scale(value for _label, value in points)
    coordinates = " ".join(
        f"{_x(index, len(points)):.1f},{_y(value, top):.1f}"
        for index, (_label, value) in enumerate(points)
    )
    body = format_html(
        '{}<polyline class="line" points="{}"/>',
        _axes(top, points[0][0], points[-1][0], unit),
        coordinates,
    )
    return _frame(chart_id, title, description, body)


def bar_chart(chart_id, title, description, points, unit=""):
    """Vertical bars, one for each (label, value) in order; None draws no bar."""
    if not points:
        return _frame(chart_id, title, description, "")
    top = _scale(value or 0 for _label, value in points)
    slot = (WIDTH - LEFT - RIGHT) / len(points)
    bars = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>',
        (
            _numbers(
                LEFT + slot * index + slot * 0.15,
                _y(value, top),
                slot * 0.7,
                HEIGHT - BOTTOM - _y(value, top),
            )
            for index, (_label, value) in enumerate(points)
            if value
        ),
    )
    body = format_html("{}{}", _axes(top, points[0][0], points[-1][0], unit), bars)
    return _frame(chart_id, title, description, body)


def hbar_chart(chart_id, title, description, items):
    """Horizontal bars with their labels and values: [(label, value)], largest first."""
    row = 26
    height = max(len(items), 1) * row + 8
    label_width = 140
    span = WIDTH - label_width - 40
    top = max([value for _label, value in items] + [1])
    rows = format_html_join(
        "",
        '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="bar" x="{}" y="{}" width="{}" height="16"/>'
        '<text class="value" x="{}" y="{}">{}</text>',
        (
            (
                *_numbers(label_width - 6, 8 + index * row + 13),
                _shorten(label),
                *_numbers(
                    label_width,
                    8 + index * row,
                    max(span * value / top, 1),
                    label_width + max(span * value / top, 1) + 4,
                    8 + index * row + 13,
                ),
                value,
            )
            for index, (label, value) in enumerate(items)
        ),
    )
    return _frame(chart_id, title, description, rows, height)


def _numbers(*values):
    """Coordinates written with one decimal (format_html formats its arguments as text)."""
    return tuple(f"{value:.1f}" for value in values)


def _shorten(label, limit=10):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"
