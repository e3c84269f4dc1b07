"""Japanese bank text: names in the character set of Zengin transfers (JAPAN.md)."""

import unicodedata

import jaconv

_SMALL_TO_FULL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_DASHES = str.maketrans(dict.fromkeys("ー－―‐−–—ｰ", "-"))
_ALLOWED = set("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ")
_ALLOWED |= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ().-/")


class ZenginError(ValueError):
    """A value that cannot be written into a Zengin record."""


def to_zengin_kana(text: str) -> str:
    """A name in the banks' character set: half-width katakana, digits, upper-case A–Z,
    space and ( ) . - /. Hiragana and full-width input are converted, small kana are
    written full size (キュウ → ｷﾕｳ), the long-vowel mark becomes "-"; anything else
    (kanji, ・, symbols) raises ZenginError."""
    text = unicodedata.normalize("NFC", text).strip()
    text = jaconv.hira2kata(text).translate(_SMALL_TO_FULL).replace("ヲ", "オ")
    text = text.translate(_DASHES)
    text = jaconv.z2h(text, kana=True, ascii=True, digit=True).upper()
    text = " ".join(text.split())
    bad = sorted({c for c in text if c not in _ALLOWED})
    if bad:
        raise ZenginError(f"characters not allowed in a bank transfer name: {''.join(bad)}")
    if not text:
        raise ZenginError("the name is empty")
    return text
