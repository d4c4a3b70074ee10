"""Characters a person can neither see nor type: refused on the way in, dropped on the way out.

C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F) come from a paste or a
fuzzer, never from a keyboard; stored, they break what reads them later (a spreadsheet
cell with U+000B makes openpyxl refuse the whole workbook). Lone surrogates cannot be
stored as UTF-8, and U+FFFE/U+FFFF are not characters at all. Newline and tab are
allowed in long texts (a description, a reason); nowhere else.
"""

import re

_INVISIBLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_LINE_BREAKS = "\t\n\r"
_REFUSED_IN_LONG_TEXT = re.compile(f"[{_INVISIBLE}]")
_REFUSED_IN_LINE = re.compile(f"[{_INVISIBLE}{_LINE_BREAKS}]")


def normalise_newlines(value: str) -> str:
    """Windows and old Mac line ends become "\\n"."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def first_refused(value: str, *, multiline: bool = False) -> int | None:
    """The position of the first character that may not be stored, or None when all are fine
    (in long text "\\r" is a line end: normalise it first)."""
    found = (_REFUSED_IN_LONG_TEXT if multiline else _REFUSED_IN_LINE).search(value)
    return None if found is None else found.start()


def refusal(value: str, position: int) -> str:
    """What the person reads: which character, where."""
    return f"第{position + 1}个字符是看不见的控制字符（U+{ord(value[position]):04X}），请删掉后重新填写"


def printable(value, *, multiline: bool = True):
    """`value` as text safe for any file (XLSX, PDF, file names): refused characters dropped;
    with `multiline=False` line breaks and tabs become spaces. Non-text values pass through."""
    if not isinstance(value, str):
        return value
    if multiline:
        return _REFUSED_IN_LONG_TEXT.sub("", normalise_newlines(value))
    return _REFUSED_IN_LONG_TEXT.sub("", re.sub(f"[{_LINE_BREAKS}]+", " ", value))
