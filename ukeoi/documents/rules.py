"""Pure rules of issued documents: no ORM, no clock."""

from datetime import date

# T4 (電子帳簿保存法) and the tax law: kept 7 years from the end of the fiscal year.
RETENTION_YEARS = 7


def fiscal_year_end(day: date) -> date:
    """The last day of the fiscal year `day` falls in. For an individual the Japanese
    fiscal year is the calendar year; the platform's documents follow it too."""
    return date(day.year, 12, 31)


def retain_until(issued_on: date) -> date:
    """T4: the last day a document issued on `issued_on` must be kept (7 years after the
    end of its fiscal year); the retention purge may delete it after this day."""
    end = fiscal_year_end(issued_on)
    return end.replace(year=end.year + RETENTION_YEARS)
