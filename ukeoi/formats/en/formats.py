"""English: one style per kind as in Japanese (Dec. 18, 2026 and Dec. 18, 2026, 15:23): the
short formats are the long ones."""

DATE_FORMAT = "N j, Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "N j, Y, G:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
