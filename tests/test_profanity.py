"""The profanity hold sees through look-alike spellings and still leaves civic words alone."""

from __future__ import annotations

import pytest

from kcstat_dash.services.profanity import contains_profanity

# Each is a listed word in disguise; the comment says which disguise.
DISGUISED = [
    "ｆｕｃｋ this",                 # fullwidth forms (NFKC)
    "ＳＨＩＴ show",                 # fullwidth capitals
    "\U0001d41f\U0001d42e\U0001d41c\U0001d424",  # mathematical bold f u c k (NFKC)
    "fu\u0441k",                    # Cyrillic es for c
    "\u0455hit",                    # Cyrillic dze for s
    "sh\u0456t",                    # Cyrillic byelorussian-ukrainian i
    "\u0421UNT",                    # Cyrillic capital es
    "\u03b1sshole",                 # Greek alpha
    "cun\u03c4",                    # Greek tau
    "f\u00fcck", "shi\u0308t",      # accents, precomposed and combining
    "f.u.c.k", "s-h-i-t", "f_u_c_k", "b i t c h", "w.h.o.r.e",  # letters spelled apart
    "f*ck", "f**k", "sh*t", "F*CKING", "b*tch",                   # starred letters
]
CIVIC = ["Scunthorpe", "sex offender registry", "Dick Howser Stadium", "hell of a pothole",
         "5*3 = 15 crews?", "U.S.A. and K.C.", "a b c d", "p.m. hours", "Cocktail permits",
         "assessment", "fuchsia paint", "Ｐｏｔｈｏｌｅｓ on Troost", "Ελληνικά", "Пётр"]


@pytest.mark.parametrize("text", DISGUISED)
def test_look_alike_spellings_are_held(text):
    assert contains_profanity(text)


@pytest.mark.parametrize("text", CIVIC)
def test_civic_words_are_not_held(text):
    assert not contains_profanity(text)
