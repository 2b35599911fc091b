"""Staffed hours computed in the brand's zone: weekly periods, holidays, exceptions, DST weekends."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.config import staffed_hours

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc
WEEKDAY = ["09:00-12:30", "14:00-18:00"]


def hours(**overrides):
    section = {
        "time_zone": "Europe/Paris",
        "weekly": {day: WEEKDAY for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "holidays": {"country": "FR", "language": "fr"},
        "exceptions": [{"date": "12-24", "every_year": True, "hours": ["09:00-16:00"], "label": "Christmas Eve"}],
        "messages": {"fr": {"away": "Notre équipe vous répondra {day} à partir de {time}."},
                     "en": {"away": "Our team will reply on {day} from {time}."}},
    }
    section.update(overrides)
    return staffed_hours(section, "brand.yml", ("fr", "en"))[0]


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_several_periods_a_day_and_closed_weekends():
    h = hours()
    assert h.is_staffed(paris(2027, 3, 10, 9, 0))  # a Wednesday: opening minute included
    assert not h.is_staffed(paris(2027, 3, 10, 12, 30))  # the end is excluded
    assert not h.is_staffed(paris(2027, 3, 10, 13, 0))  # lunch
    assert h.next_opening(paris(2027, 3, 10, 13, 0)) == paris(2027, 3, 10, 14, 0)
    assert h.next_closing(paris(2027, 3, 10, 15, 0)) == paris(2027, 3, 10, 18, 0)
    saturday_night = paris(2027, 6, 12, 23, 0)
    assert not h.is_staffed(saturday_night)
    assert h.next_opening(saturday_night) == paris(2027, 6, 14, 9, 0)  # Monday


def test_a_moment_given_in_another_zone_is_read_in_the_brand_zone():
    h = hours()
    # 07:30 UTC on a winter Wednesday is 08:30 in Paris (closed); 08:30 UTC is 09:30 (open).
    assert not h.is_staffed(dt.datetime(2027, 1, 13, 7, 30, tzinfo=UTC))
    assert h.is_staffed(dt.datetime(2027, 1, 13, 8, 30, tzinfo=UTC))
    with pytest.raises(ValueError, match="aware"):
        h.is_staffed(dt.datetime(2027, 1, 13, 9, 0))


def test_14_july_is_closed_and_the_next_opening_is_the_day_after():
    h = hours()
    day = h.hours_on(dt.date(2027, 7, 14))  # a Wednesday
    assert (day.why, day.name, day.periods) == ("holiday", "Fête nationale", ())
    assert not h.is_staffed(paris(2027, 7, 14, 10, 0))
    assert h.next_opening(paris(2027, 7, 13, 19, 0)) == paris(2027, 7, 15, 9, 0)


def test_good_friday_and_26_december_are_closed_in_moselle_and_alsace_only():
    plain = hours()
    assert plain.is_staffed(paris(2027, 3, 26, 10, 0))  # Good Friday 2027, open in Paris
    for subdivision in ("57", "6AE"):
        local = hours(holidays={"country": "FR", "subdivision": subdivision, "language": "fr"})
        assert not local.is_staffed(paris(2027, 3, 26, 10, 0)), subdivision
        assert local.hours_on(dt.date(2027, 3, 26)).name == "Vendredi saint"
        assert local.hours_on(dt.date(2028, 12, 26)).why == "holiday"  # a Tuesday
    assert plain.hours_on(dt.date(2028, 12, 26)).why == "weekly"


def test_christmas_eve_custom_hours_end_at_16_every_year():
    h = hours()
    for year in (2027, 2029):  # a Friday, a Monday
        assert h.is_staffed(paris(year, 12, 24, 15, 59))
        assert not h.is_staffed(paris(year, 12, 24, 16, 0))
        assert h.next_closing(paris(year, 12, 24, 10, 0)) == paris(year, 12, 24, 16, 0)
    assert h.is_staffed(paris(2027, 12, 24, 13, 0))  # no lunch break that day: the exception's own hours


def test_precedence_exception_over_holiday_over_weekly():
    h = hours(holidays={"country": "FR", "language": "fr", "working": ["Lundi de Pentecôte"]},
              exceptions=[{"date": "2027-07-14", "hours": ["10:00-12:00"], "label": "sales launch"},
                          {"from": "2027-08-09", "to": "2027-08-13", "closed": True, "label": "summer break"}])
    assert h.hours_on(dt.date(2027, 7, 14)).why == "exception"  # over the holiday
    assert h.is_staffed(paris(2027, 7, 14, 11, 0)) and not h.is_staffed(paris(2027, 7, 14, 14, 0))
    whit_monday = h.hours_on(dt.date(2027, 5, 17))
    assert (whit_monday.why, whit_monday.periods) == ("holiday_worked", h.weekly[0])
    assert not h.is_staffed(paris(2027, 8, 11, 10, 0))  # the summer break, over the weekly hours
    assert h.next_opening(paris(2027, 8, 9, 10, 0)) == paris(2027, 8, 16, 9, 0)
    assert h.is_staffed(paris(2028, 8, 9, 10, 0))  # a one-off break, not every year


def test_the_march_dst_weekend_keeps_wall_clock_hours():
    h = hours()
    friday_evening = paris(2028, 3, 24, 18, 0)  # clocks go forward on Sunday 26 March 2028
    monday = h.next_opening(friday_evening)
    assert monday == paris(2028, 3, 27, 9, 0)
    assert friday_evening.astimezone(UTC) == dt.datetime(2028, 3, 24, 17, 0, tzinfo=UTC)  # CET, UTC+1
    assert monday.astimezone(UTC) == dt.datetime(2028, 3, 27, 7, 0, tzinfo=UTC)  # CEST, UTC+2
    assert (monday.timestamp() - friday_evening.timestamp()) / 3600 == 63 - 1  # the night lost an hour
    assert not h.is_staffed(dt.datetime(2028, 3, 27, 6, 30, tzinfo=UTC))  # 08:30 in Paris
    assert h.is_staffed(dt.datetime(2028, 3, 27, 7, 0, tzinfo=UTC))
    # The same Friday a week before the change: 09:00 in Paris is still 08:00 UTC.
    assert h.next_opening(paris(2028, 3, 16, 19, 0)).astimezone(UTC).hour == 8


def test_a_shift_over_the_changed_night_and_past_midnight():
    h = hours(weekly={"saturday": ["20:00-24:00"], "sunday": ["00:00-04:00"]}, holidays=None, exceptions=[])
    start = h.next_opening(paris(2027, 3, 27, 12, 0))
    end = h.next_closing(start)
    assert (start, end) == (paris(2027, 3, 27, 20, 0), paris(2027, 3, 28, 4, 0))  # one merged period
    assert (end.timestamp() - start.timestamp()) / 3600 == 7  # 02:00-03:00 does not exist that night
    assert h.is_staffed(dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert h.is_staffed(dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC))  # 03:30 CEST
    autumn = (h.next_closing(paris(2027, 10, 30, 21, 0)).timestamp() - paris(2027, 10, 30, 20, 0).timestamp())
    assert autumn / 3600 == 9  # 02:00-03:00 happens twice on 31 October


def test_changes_over_14_days_and_next_holidays():
    h = hours()
    changes = h.changes(paris(2027, 7, 10, 12, 0))  # a Saturday
    assert changes[0] == (paris(2027, 7, 12, 9, 0), "opens")
    assert changes[1] == (paris(2027, 7, 12, 12, 30), "closes")
    assert all(a[0] < b[0] for a, b in zip(changes, changes[1:]))
    assert [kind for _, kind in changes[:4]] == ["opens", "closes", "opens", "closes"]
    assert not any(when.date() == dt.date(2027, 7, 14) for when, _ in changes)
    assert max(when for when, _ in changes) <= paris(2027, 7, 24, 12, 0)
    upcoming = h.next_holidays(paris(2027, 7, 10, 12, 0))
    assert [(d.isoformat(), name) for d, name, _ in upcoming] == [
        ("2027-07-14", "Fête nationale"), ("2027-08-15", "Assomption"), ("2027-11-01", "Toussaint"),
        ("2027-11-11", "Armistice"), ("2027-12-25", "Noël")]
    english = h.next_holidays(paris(2027, 7, 10, 12, 0), 1, language="en_US")
    assert english[0][1] == "National Day"


def test_the_last_closing_is_where_the_digest_of_a_cm_coming_back_starts():
    h = hours()
    assert h.last_closing(paris(2027, 7, 15, 9, 5)) == paris(2027, 7, 13, 18, 0)  # over 14 July
    assert h.last_closing(paris(2027, 3, 10, 14, 30)) == paris(2027, 3, 10, 12, 30)  # back from lunch
    assert h.last_closing(paris(2027, 3, 15, 9, 0)) == paris(2027, 3, 12, 18, 0)  # Monday: since Friday


def test_a_team_never_there_has_no_next_opening():
    h = hours(weekly={}, exceptions=[])
    assert h.next_opening(paris(2027, 1, 4, 10, 0)) is None and h.changes(paris(2027, 1, 4, 10, 0)) == []
    assert h.last_closing(paris(2027, 1, 4, 10, 0)) is None
