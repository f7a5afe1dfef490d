"""Text that is safe to print on a terminal.

Messages of ``evalkit validate``, ``run``, ``audit`` and ``new`` quote values
from the user's files. A value may hold characters a terminal acts on instead
of showing: control characters (NUL, BEL, backspace, carriage return, ESC and
with it every ANSI escape sequence that clears the screen, moves the cursor,
hides text or sets the window title), the C1 controls (``U+0080``–``U+009F``,
which some terminals read as escape sequences too) and the Unicode bidi
controls that reorder what is shown (``U+202E`` RIGHT-TO-LEFT OVERRIDE and
its relatives). :func:`safe_text` shows each of them as a visible escape
(``\\x1b``, ``\\u202e``), so a message always reads as what the file holds and
can never rewrite the screen or forge an "OK" line.
"""

from __future__ import annotations

import unicodedata

#: Unicode bidirectional formatting characters (marks, embeddings, overrides, isolates).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Short escapes for the commonest control characters.
NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def is_unsafe_char(char: str) -> bool:
    """Whether ``char`` is a control, bidi or other invisible formatting character.

    Covers Unicode categories Cc (C0, DEL, C1 controls), Cf (format characters,
    which include every bidi control and zero-width characters), Zl and Zp
    (line and paragraph separators).
    """
    return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def escape_char(char: str) -> str:
    """Return the visible escape of one character: ``\\t``, ``\\x1b``, ``\\u202e``."""
    if char in NAMED_ESCAPES:
        return NAMED_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(text: object, keep_newlines: bool = True) -> str:
    """Return ``text`` with every terminal-active character shown as an escape.

    Parameters
    ----------
    text : object
        The message (converted with ``str``).
    keep_newlines : bool, optional
        Keep ``\\n`` as a line break (default), for messages of several lines.
        Set False for one-line output where a newline in a value must show as ``\\n``.

    Returns
    -------
    str
        Printable text. Ordinary letters in any script, including å, ä, ö,
        are unchanged.

    Examples
    --------
    >>> safe_text("value '\\x1b[2Jstrategic'")
    "value '\\\\x1b[2Jstrategic'"
    """
    text = str(text)
    if not any(is_unsafe_char(char) for char in text):
        return text
    return "".join(
        char if (char == "\n" and keep_newlines) or not is_unsafe_char(char) else escape_char(char) for char in text
    )


def safe_json(text: str) -> str:
    """Return JSON text with bidi, C1 and other invisible characters written as ``\\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` already escapes C0 controls; this
    escapes the rest. The result decodes to exactly the same data.
    """
    out = []
    for char in text:
        if char in "\n\r\t" or not is_unsafe_char(char):
            out.append(char)  # json.dumps escapes these inside strings; outside they are layout
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            high, low = divmod(ord(char) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)
