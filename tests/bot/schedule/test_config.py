"""The ``staffing`` section is validated on load, the bad key named; the shipped brand file passes."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from bot.brand import DEFAULT_BRAND_FILE, validate
from bot.errors import ConfigError

SHIPPED = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))


def load(**staffing):
    data = copy.deepcopy(SHIPPED)
    data["staffing"].update(staffing)
    return validate(data, "brand.yml")


def test_the_shipped_brand_file_has_staffed_hours_and_a_disclosure():
    brand = validate(copy.deepcopy(SHIPPED), "brand.yml")
    assert brand.staffing.zone.key == "Europe/Paris"
    assert brand.staffing.mode in ("autopilot", "approve_first")
    assert len(brand.staffing.weekly[0]) == 2 and brand.staffing.weekly[6] == ()
    assert brand.staffing.hours_on(dt.date(2027, 5, 17)).why == "holiday_worked"  # Whit Monday worked
    assert set(brand.disclosure) == {"fr", "en"}
    assert set(brand.staffing_messages) == {"fr", "en", "es", "de", "it"}  # the brand's, and its notices' languages


@pytest.mark.parametrize("change, named", [
    ({"time_zone": "Europe/Parsi"}, "staffing.time_zone"),
    ({"during_staffed_hours": "manual"}, "staffing.during_staffed_hours"),
    ({"weekly": {"mondy": ["09:00-18:00"]}}, "'mondy' is not a weekday"),
    ({"weekly": {"monday": ["09:00-25:00"]}}, "staffing.weekly.monday"),
    ({"weekly": {"monday": ["18:00-09:00"]}}, "cannot cross midnight"),
    ({"weekly": {"monday": ["09:00-13:00", "12:00-18:00"]}}, "overlap"),
    ({"weekly": {"monday": "09:00-18:00"}}, "staffing.weekly.monday must be a list"),
    ({"holidays": {"country": "XX", "language": "fr"}}, "staffing.holidays.country"),
    ({"holidays": {"country": "FR", "subdivision": "99", "language": "fr"}}, "staffing.holidays.subdivision"),
    ({"holidays": {"country": "FR"}}, "staffing.holidays.language"),
    ({"holidays": {"country": "FR", "language": "fr", "working": ["Lundi de Pentcôte"]}}, "staffing.holidays.working"),
    ({"exceptions": [{"date": "2027-02-30", "closed": True}]}, "staffing.exceptions[0].date"),
    ({"exceptions": [{"date": "2027-12-24"}]}, "closed: true or hours"),
    ({"exceptions": [{"date": "2027-12-24", "closed": True, "hour": []}]}, "unknown key hour"),
    ({"exceptions": [{"from": "2027-08-20", "to": "2027-08-01", "closed": True}]}, "to is before from"),
    ({"messages": {"fr": {"away": "À {jour}."}, "en": {"away": "On {day}."}}}, "staffing.messages.fr.away"),
    ({"messages": {"fr": {"away": "Le {day}."}}}, "staffing.messages.en.away missing"),
    ({"messages": {"fr": {"away": "Le {day}."}, "en": {"away": "On {day}."}, "pt": {"away": "Em {day}."}}},
     "no day and time wording for language 'pt'"),
    ({"opening": {}}, "unknown key opening"),
])
def test_a_bad_staffing_section_is_refused_naming_the_key(change, named):
    with pytest.raises(ConfigError) as info:
        load(**change)
    assert named in str(info.value)
    assert str(info.value).startswith("brand.yml: ")


def test_a_recurring_exception_may_span_new_year_and_a_worked_holiday_may_be_a_date():
    brand = load(exceptions=[{"from": "12-27", "to": "01-02", "every_year": True, "closed": True}],
                 holidays={"country": "FR", "language": "fr", "working": ["2027-11-11"]})
    hours = brand.staffing
    assert hours.hours_on(dt.date(2027, 12, 30)).periods == ()
    assert hours.hours_on(dt.date(2028, 1, 3)).why == "weekly"
    assert hours.hours_on(dt.date(2027, 11, 11)).why == "holiday_worked"
    assert hours.hours_on(dt.date(2028, 11, 11)).why == "holiday"  # a date works that day only


def test_the_disclosure_must_exist_in_every_language_and_follow_the_brand_voice():
    data = copy.deepcopy(SHIPPED)
    data["disclosure"] = {"fr": "Tu parles à un assistant automatique."}
    with pytest.raises(ConfigError, match="disclosure.en missing"):
        validate(data, "brand.yml")
    data["disclosure"]["en"] = "You are chatting with a bot."
    with pytest.raises(ConfigError, match="disclosure.fr: addresses the fan as « tu »"):
        validate(data, "brand.yml")
