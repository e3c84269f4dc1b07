"""Japanese: a date is 2026年12月18日 and a date with a time 2026年12月18日 15:23, on every page
and in every mail. The short formats are the same, so ``SHORT_DATE_FORMAT`` never brings
back 2026/12/18 (Django's own short style for ja)."""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
