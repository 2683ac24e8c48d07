"""A small, predictable profanity check: it only holds a question for a moderator, never drops it.

A short list of unambiguous words is matched whole (after undoing common character swaps), so
civic words that merely contain or resemble one ("Scunthorpe", "sex offender registry",
"Dick Howser Stadium", "hell of a pothole") are not held. A moderator sees whatever slips through.
"""

from __future__ import annotations

import re

# Whole words (and their obvious inflections, handled by the stem patterns below).
WORDS = frozenset({
    "asshole", "assholes", "bastard", "bastards", "bitch", "bitches", "bullshit", "cock",
    "cocksucker", "cunt", "cunts", "dickhead", "dickheads", "fag", "faggot", "jackass",
    "motherfucker", "motherfuckers", "motherfucking", "nigga", "nigger", "piss", "pissed", "prick",
    "pussy", "retard", "retarded", "shit", "shithead", "shits", "shitty", "slut", "twat", "wank",
    "wanker", "whore",
})
# Stems whose every word form is profane.
STEMS = ("fuck", "shit")
# Character swaps people use to get past filters.
SWAPS = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s",
                       "$": "s", "7": "t", "*": "u"})
TOKEN = re.compile(r"[a-z0-9@$!*]+")


def contains_profanity(text: str) -> bool:
    """Whether ``text`` has a word from the list, however it is cased or disguised."""
    for token in TOKEN.findall(text.lower()):
        word = token.translate(SWAPS)
        # Stretched spellings ("shiiit") collapse to the listed form.
        squeezed = re.sub(r"(.)\1+", r"\1", word)
        for candidate in {word, squeezed}:
            if candidate in WORDS or candidate.startswith(STEMS):
                return True
    return False
