"""Issue 21, front end: colours are written once, in palette.css, and every template and
static file lives in the project-wide ukeoi/templates/ and ukeoi/static/."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ukeoi"
PALETTE = APP / "static" / "css" / "palette.css"
STYLESHEETS = sorted(APP.rglob("*.css"))
TEMPLATES = sorted(APP.rglob("templates/**/*.html"))

# The CSS named colours (CSS Color 4), less transparent and currentcolor, which carry none.
_NAMED_COLOURS = """
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen"""
NAMED_COLOURS = frozenset(_NAMED_COLOURS.split())
HEX = re.compile(r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})\b", re.IGNORECASE)
COLOUR_FUNCTION = re.compile(r"\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\s*\(", re.IGNORECASE)
WORD = re.compile(r"(?<![\w-])([a-z][a-z-]*)(?![\w(-])", re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
STRING_OR_URL = re.compile(r"\"[^\"]*\"|'[^']*'|url\([^)]*\)", re.IGNORECASE)
RULE_BODY = re.compile(r"([^{}]*)\{([^{}]*)\}")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
STYLESHEET_LINK = re.compile(r"""\{% static ['"]([^'"]+\.css)['"] %\}""")


def _rules(path: Path) -> list[tuple[str, str]]:
    """(selector, body) of every innermost rule, comments, strings and url()s blanked out."""
    text = STRING_OR_URL.sub('""', COMMENT.sub("", path.read_text()))
    return [(selector.strip(), body) for selector, body in RULE_BODY.findall(text)]


def _declarations(body: str) -> list[tuple[str, str]]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return [(prop.strip(), value.strip()) for prop, value in pairs]


def _colour_literals(value: str) -> list[str]:
    found = HEX.findall(value) + COLOUR_FUNCTION.findall(value)
    return found + [word for word in WORD.findall(value) if word.lower() in NAMED_COLOURS]


def _is_palette_root(path: Path, selector: str) -> bool:
    return path == PALETTE and selector == ":root"


def _palette_properties() -> set[str]:
    return {
        prop
        for selector, body in _rules(PALETTE)
        if selector == ":root"
        for prop, _ in _declarations(body)
        if prop.startswith("--")
    }


def test_the_literal_finder_sees_every_kind_of_colour() -> None:
    value = "1px solid #d9dee5, rgba(31, 41, 51, .12) hsl(0 0% 0%) White var(--color-x)"

    assert _colour_literals(value) == ["#d9dee5", "rgba(", "hsl(", "White"]
    assert _colour_literals("transparent currentColor inherit nowrap 0 0 0 2px") == []


def test_stylesheets_are_found() -> None:
    assert PALETTE in STYLESHEETS
    assert {p.name for p in STYLESHEETS} >= {"site.css", "contracts.css", "jobs.css", "help.css"}


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda p: p.relative_to(APP).as_posix())
def test_colours_are_written_only_in_the_palette(stylesheet: Path) -> None:
    outside = [
        f"{selector} {{ {prop}: {value} }}"
        for selector, body in _rules(stylesheet)
        if not _is_palette_root(stylesheet, selector)
        for prop, value in _declarations(body)
        if _colour_literals(value)
    ]

    assert outside == [], "use a var(--color-…) from ukeoi/static/css/palette.css"


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda p: p.relative_to(APP).as_posix())
def test_custom_properties_are_defined_only_in_the_palette(stylesheet: Path) -> None:
    defined_here = [
        prop
        for selector, body in _rules(stylesheet)
        if not _is_palette_root(stylesheet, selector)
        for prop, _ in _declarations(body)
        if prop.startswith("--")
    ]

    assert defined_here == []


def test_every_custom_property_used_is_defined_in_the_palette() -> None:
    palette = _palette_properties()
    used = {
        (stylesheet.relative_to(APP).as_posix(), name)
        for stylesheet in STYLESHEETS
        for name in VAR_USE.findall(COMMENT.sub("", stylesheet.read_text()))
    }

    assert used, "the stylesheets use the palette"
    assert sorted((path, name) for path, name in used if name not in palette) == []


def test_every_palette_property_is_used() -> None:
    used = {name for p in STYLESHEETS for name in VAR_USE.findall(p.read_text())}

    assert sorted(_palette_properties() - used) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(APP).as_posix())
def test_pages_load_the_palette_before_their_stylesheets(template: Path) -> None:
    """A page that links our site or admin stylesheet links palette.css first."""
    sheets = STYLESHEET_LINK.findall(template.read_text())
    first = next((s for s in sheets if s in ("css/site.css", "css/admin-extra.css")), None)

    if first is not None:
        assert "css/palette.css" in sheets
        assert sheets.index("css/palette.css") < sheets.index(first)


def test_templates_and_static_files_live_only_in_the_project_folders() -> None:
    """Not in an app's own templates/ or static/: one place to look, one name per file."""
    project = {APP / "templates", APP / "static"}
    stray = sorted(
        d.relative_to(APP).as_posix()
        for d in APP.rglob("*")
        if d.is_dir()
        and d.name in ("templates", "static")
        and d not in project
        and not any(parent in project for parent in d.parents)
    )

    assert stray == []
