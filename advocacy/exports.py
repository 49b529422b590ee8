"""CSV downloads that open safely in a spreadsheet."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """A text from users (a name, a team, a title) as a CSV cell that a spreadsheet shows, never runs."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
