"""The one clock: Japan's date whatever the machine's time zone, and replaceable in tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from reseller_desk import clock


def test_today_is_the_date_in_japan_even_when_it_is_still_yesterday_in_utc():
    with clock.frozen(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2026, 12, 1)
        assert clock.now().utcoffset() == dt.timedelta(hours=9)
        assert clock.utcnow() == dt.datetime(2026, 11, 30, 23, 30)


def test_a_frozen_date_holds_until_the_block_ends():
    with clock.frozen(dt.date(1999, 1, 4)):
        assert clock.today() == dt.date(1999, 1, 4)
    assert clock.today().year > 1999


def test_the_machines_time_zone_does_not_change_todays_date():
    code = ("import datetime as dt; from reseller_desk import clock; "
            "print(clock.today() == (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=9)).date())")
    for zone in ("UTC", "America/Los_Angeles", "Pacific/Kiritimati"):
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TZ": zone}, capture_output=True,
                             text=True, check=True).stdout
        assert out.strip() == "True", zone


def test_stored_utc_timestamps_read_as_japan_time():
    assert clock.to_japan_time(dt.datetime(2026, 11, 22, 5, 5)).strftime("%Y-%m-%d %H:%M") == "2026-11-22 14:05"
