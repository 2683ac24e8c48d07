"""A small, predictable profanity check: it only holds a question for a moderator, never drops it.

A short list of unambiguous words is matched whole (after undoing common character swaps), so
civic words that merely contain or resemble one ("Scunthorpe", "sex offender registry",
"Dick Howser Stadium", "hell of a pothole"; in Spanish "computadora", "disputa", "diputado",
"vehículo") are not held. A moderator sees whatever slips through.

Residents ask in English and Spanish (and mix them), so every question is checked against both
lists with the same rules, whatever the page's language.

Disguises are undone before matching: Unicode compatibility forms (fullwidth ｆｕｃｋ, 𝐟𝐮𝐜𝐤,
ligatures) by NFKC, accents by dropping combining marks, Cyrillic and Greek letters drawn like
Latin ones by the small map below, and letters spelled apart (f.u.c.k, s-h-i-t) by joining runs
of single characters. A star stands for any one letter (f*ck, f**k, sh*t).
"""

from __future__ import annotations

import re
import unicodedata

# Whole words (and their obvious inflections, handled by the stem patterns below).
ENGLISH_WORDS = frozenset({
    "asshole", "assholes", "bastard", "bastards", "bitch", "bitches", "bullshit", "cock",
    "cocksucker", "cunt", "cunts", "dickhead", "dickheads", "fag", "faggot", "jackass",
    "motherfucker", "motherfuckers", "motherfucking", "nigga", "nigger", "piss", "pissed", "prick",
    "pussy", "retard", "retarded", "shit", "shithead", "shits", "shitty", "slut", "twat", "wank",
    "wanker", "whore",
})
# Spanish, written as fold() leaves it (no accents: "cabrón" is "cabron"), with the forms for
# each gender and number. Left out on purpose: words that are also innocent ones a resident
# may well write: "coño" (folded it is "cono", a traffic cone), "pinche" (a kitchen hand),
# "zorra" and "perra" (animals), "mamón" (a fruit), "concha" (a shell, a sweet bread),
# "mayate" (a beetle), "culo" (as "ass" is not on the English list).
SPANISH_WORDS = frozenset({
    "cabron", "cabrona", "cabrones", "cabronas", "cabronazo", "chinga", "chingas", "chingar",
    "chingue", "chinguen", "chingon", "chingona", "chingones", "cojones", "culero", "culera",
    "culeros", "culeras", "gilipollas", "hijoputa", "hijaputa", "joder", "jodete", "jodido",
    "jodida", "jodidos", "jodidas", "joto", "jotos", "malparido", "malparida", "malparidos",
    "malparidas", "marica", "maricas", "maricon", "maricones", "puta", "putas", "puto",
    "putos", "putazo", "putazos", "putita", "putitas", "sudaca", "sudacas", "verga", "vergas",
    "vergazo", "vergazos",
})
WORDS = ENGLISH_WORDS | SPANISH_WORDS
# Stems whose every word form is profane: pendejo, pendeja, pendejada; mierda, mierdero;
# chingada, chingado; hijueputa, hijueputas.
STEMS = ("fuck", "shit", "pendej", "mierd", "chingad", "hijueput")
# Character swaps people use to get past filters ("*" is a wildcard, handled apart).
SWAPS = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s",
                       "$": "s", "7": "t"})
# Lower-case Cyrillic and Greek letters that look like Latin ones (after NFKC and casefold),
# from Unicode's confusables list, kept to the letters the word list can use.
LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s",
    "т": "t", "у": "y", "ш": "w", "ԝ": "w", "х": "x", "ү": "y",
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "ί": "i", "κ": "k", "ν": "v",
    "ο": "o", "ό": "o", "ρ": "p", "τ": "t", "υ": "u", "ύ": "u", "χ": "x", "ω": "w", "ɡ": "g",
    "ı": "i", "ł": "l", "ø": "o", "ß": "ss",
})
TOKEN = re.compile(r"[a-z0-9@$!*]+")
# Single characters spelled apart: "f.u.c.k", "s - h - i - t", "f_u_c_k", "f u c k".
SPELLED_APART = re.compile(r"(?<![a-z0-9@$!*])(?:[a-z0-9@$!*][\s.\-_·•,'+]+){2,}"
                           r"[a-z0-9@$!*](?![a-z0-9@$!*])")
SEPARATORS = re.compile(r"[\s.\-_·•,'+]+")


def fold(text: str) -> str:
    """``text`` with look-alike spellings undone: what the word list is compared with."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(LOOKALIKES)
    # Accents off: decompose, drop the combining marks.
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return text.translate(LOOKALIKES)


def _spells(word: str, listed: str) -> bool:
    """Whether ``word`` is ``listed`` with a star in place of any of its letters."""
    return len(word) == len(listed) and all(a in (b, "*") for a, b in zip(word, listed,
                                                                            strict=True))


def _is_profane(word: str) -> bool:
    if word in WORDS or word.startswith(STEMS):
        return True
    return "*" in word and (any(_spells(word, listed) for listed in WORDS)
                            or any(_spells(word[:len(stem)], stem) for stem in STEMS))


def contains_profanity(text: str) -> bool:
    """Whether ``text`` has a word from the list, however it is cased or disguised."""
    folded = fold(text)
    tokens = TOKEN.findall(folded)
    tokens += [SEPARATORS.sub("", run) for run in
               (m.group(0) for m in SPELLED_APART.finditer(folded))]
    # "!" stands for an "i" inside a word (sh!t) but ends a sentence after one ("bitch!",
    # "¡cabrón!"): each token is also tried without the ones it ends with.
    tokens += [token.rstrip("!") for token in tokens if token.endswith("!")]
    for token in tokens:
        word = token.translate(SWAPS)
        # Stretched spellings ("shiiit") collapse to the listed form.
        squeezed = re.sub(r"([^*])\1+", r"\1", word)
        for candidate in {word, squeezed}:
            if _is_profane(candidate):
                return True
    return False
