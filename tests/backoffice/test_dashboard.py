"""The admin index's charts (rendered, within the admin's CSP) and their SVG geometry."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from backoffice.charts import TOP, column_chart, nice_ceiling, row_chart

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (420, 500)]
)
def test_nice_ceiling(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_columns_scale_to_the_ceiling_and_carry_a_tooltip():
    chart = column_chart(
        title="t", points=[("Mon", "Mon 00:00", 4), ("", "Mon 01:00", 2)], noun="sign-ins"
    )
    tallest, half = chart.bars
    assert half.height * 2 == pytest.approx(tallest.height)
    assert tallest.height == pytest.approx((chart.plot_bottom - TOP) * 4 / 5)  # ceiling 5
    assert tallest.y + tallest.height == chart.plot_bottom == half.y + half.height
    assert tallest.title == "Mon 00:00: 4 sign-ins"
    assert [tick.label for tick in chart.ticks] == ["Mon", "0", "2.5", "5"]
    assert chart.table == [("Mon 00:00", 4), ("Mon 01:00", 2)] and chart.total == 6


def test_rows_with_nothing_draw_no_bar_length():
    chart = row_chart(title="t", rows=[("replay", 0), ("stale", 0)], noun="refusals")
    assert [bar.width for bar in chart.bars] == [0, 0]
    assert chart.total == 0


def test_the_index_shows_four_charts_with_tables_and_no_inline_style_or_script(
    admin_user, sign_in, wallet
):
    sign_in(wallet)
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    content = response.content.decode()
    for chart in ("sign-ins", "new-accounts", "refusals", "countries"):
        assert f'id="chart-{chart}"' in content
    assert content.count('<svg class="backoffice-chart-svg') == 4
    assert content.count("<summary>Figures</summary>") == 4
    assert "Sign-ins per hour, last 7 days" in content
    assert re.search(r"<title>[^<]*: 1 sign-ins</title>", content)
    assert " style=" not in content and "<style" not in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)  # only files, never inline
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert reverse("admin:accounts_user_suspicious") in content
