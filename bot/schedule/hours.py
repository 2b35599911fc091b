"""When the brand's CM team is there: weekly hours, public holidays and dated exceptions.

All of it is wall-clock time in the brand's IANA time zone. A day's hours are
found in this order — a dated exception (closed, or its own hours), else a
public holiday (closed, unless the brand works that day), else the weekly
hours for that weekday — and only then turned into instants, so the hours
of the day clocks change (the last Sundays of March and October in Europe)
are as long as the wall clock says. Every function takes the moment it is
asked about; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

MODES = ("approve_first", "autopilot")
SEARCH_DAYS = 400  # how far ahead an opening is looked for (a closed year has none)


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` to ``end`` in minutes after local midnight (``end`` may be 1440, midnight)."""

    start: int
    end: int

    def label(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True, slots=True)
class DatedException:
    """A day or a run of days with other hours: ``periods`` empty means closed."""

    first: dt.date
    last: dt.date
    periods: tuple[Period, ...]
    every_year: bool = False
    label: str = ""

    def covers(self, day: dt.date) -> bool:
        if not self.every_year:
            return self.first <= day <= self.last
        key = (day.month, day.day)
        first, last = (self.first.month, self.first.day), (self.last.month, self.last.day)
        return first <= key <= last if first <= last else key >= first or key <= last  # may span New Year


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Public holidays from the ``holidays`` package, named in ``language``."""

    country: str
    subdivision: str | None
    language: str
    working: frozenset[str] = frozenset()  # holiday names (in ``language``) or ISO dates the team works

    def on(self, day: dt.date, language: str | None = None) -> str | None:
        """The holiday's name that day (in ``language`` if the package has it), or None."""
        return _calendar(self.country, self.subdivision, language or self.language, day.year).get(day)

    def worked(self, day: dt.date, name: str) -> bool:
        return day.isoformat() in self.working or any(n.strip() in self.working for n in name.split(";"))

    def between(self, first: dt.date, last: dt.date, language: str | None = None) -> Iterator[tuple[dt.date, str]]:
        for year in range(first.year, last.year + 1):
            for day, name in sorted(_calendar(self.country, self.subdivision, language or self.language,
                                              year).items()):
                if first <= day <= last:
                    yield day, name


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str | None, language: str, year: int):
    return holiday_calendars.country_holidays(country, subdiv=subdivision, language=language, years=year)


@dataclass(frozen=True, slots=True)
class DayHours:
    day: dt.date
    periods: tuple[Period, ...]
    why: str  # weekly | holiday | holiday_worked | exception
    name: str = ""  # the holiday's or the exception's name


@dataclass(frozen=True)
class StaffedHours:
    zone: ZoneInfo
    weekly: dict[int, tuple[Period, ...]]  # 0 = Monday
    holidays: HolidayCalendar | None = None
    exceptions: tuple[DatedException, ...] = ()
    mode: str = "autopilot"  # during staffed hours: approve_first (drafts held for a CM) or autopilot
    languages: tuple[str, ...] = field(default=("fr", "en"))

    # -- one day ---------------------------------------------------------------------------
    def hours_on(self, day: dt.date) -> DayHours:
        """The team's hours on a local date: exception > holiday > weekly."""
        for exc in self.exceptions:
            if exc.covers(day):
                return DayHours(day, exc.periods, "exception", exc.label)
        name = self.holidays.on(day) if self.holidays else None
        if name and self.holidays:
            if not self.holidays.worked(day, name):
                return DayHours(day, (), "holiday", name)
            return DayHours(day, self.weekly.get(day.weekday(), ()), "holiday_worked", name)
        return DayHours(day, self.weekly.get(day.weekday(), ()), "weekly")

    def _instant(self, day: dt.date, minutes: int) -> dt.datetime:
        if minutes >= 24 * 60:
            day, minutes = day + dt.timedelta(days=1), 0
        local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.zone)
        # A wall-clock time the spring change skips (02:30) means the first instant after the gap.
        return local.astimezone(dt.timezone.utc).astimezone(self.zone)

    def spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's staffed periods as aware instants in the brand's zone."""
        return [(self._instant(day, p.start), self._instant(day, p.end)) for p in self.hours_on(day).periods]

    # -- questions about a moment --------------------------------------------------------------
    def local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValueError("an aware datetime is needed (a moment, not a wall-clock time)")
        return at.astimezone(self.zone)

    def is_staffed(self, at: dt.datetime) -> bool:
        at = self.local(at)
        return any(start <= at < end for start, end in self._around(at.date()))

    def _around(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        return self.spans(day - dt.timedelta(days=1)) + self.spans(day)

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """When a person is next there: ``at`` itself while the team is in, else the next period's start."""
        at = self.local(at)
        if self.is_staffed(at):
            return at
        return next((start for start, _ in self.periods_from(at) if start >= at), None)

    def next_closing(self, at: dt.datetime) -> dt.datetime | None:
        """When the team leaves next (the end of the current period, or of the next one)."""
        at = self.local(at)
        return next((end for _, end in self.periods_from(at) if end > at), None)

    def last_closing(self, at: dt.datetime, days: int = 31) -> dt.datetime | None:
        """When the team last left before ``at`` (the start of what a CM coming back has not seen)."""
        at = self.local(at)
        for offset in range(0, days + 1):
            ends = [end for _, end in self.spans(at.date() - dt.timedelta(days=offset)) if end <= at]
            if ends:
                return max(ends)
        return None

    def periods_from(self, at: dt.datetime, days: int = SEARCH_DAYS) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Staffed periods ending after ``at``, in order, adjoining ones merged (18:00-24:00 + 00:00-02:00)."""
        at = self.local(at)
        pending: tuple[dt.datetime, dt.datetime] | None = None
        for offset in range(-1, days + 1):
            for start, end in self.spans(at.date() + dt.timedelta(days=offset)):
                if end <= at:
                    continue
                if pending and start <= pending[1]:
                    pending = (pending[0], max(pending[1], end))
                    continue
                if pending:
                    yield pending
                pending = (start, end)
        if pending:
            yield pending

    def changes(self, at: dt.datetime, days: int = 14) -> list[tuple[dt.datetime, str]]:
        """Openings and closings from ``at`` over ``days`` days: ``(when, "opens" | "closes")``."""
        at = self.local(at)
        until = at + dt.timedelta(days=days)
        out: list[tuple[dt.datetime, str]] = []
        for start, end in self.periods_from(at, days + 1):
            if start >= until:
                break
            if start > at:
                out.append((start, "opens"))
            if end <= until:
                out.append((end, "closes"))
        return out

    def next_holidays(self, at: dt.datetime, count: int = 5, language: str | None = None
                      ) -> list[tuple[dt.date, str, DayHours]]:
        """The next ``count`` public holidays from ``at``'s local date, each with the team's hours that day."""
        if self.holidays is None:
            return []
        first = self.local(at).date()
        out = []
        for day, name in self.holidays.between(first, first + dt.timedelta(days=3 * 366), language):
            out.append((day, name, self.hours_on(day)))
            if len(out) == count:
                break
        return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
