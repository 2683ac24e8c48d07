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


# Spanish (issue 19): the same rules, the Spanish list. Insults as residents write them, with
# accents, capitals and the same disguises.
SPANISH_HELD = [
    "Eres un pendejo", "¡Qué PENDEJADA de alcalde!", "hijo de puta", "Hijueputa",
    "¡Cabrón!", "los cabrones del ayuntamiento", "pinche culero", "vete a la verga",
    "Maricón", "¡Jódete!", "esto es una mierda", "MiErDa", "chingada madre", "gilipollas",
    "no me chingues... chinguen a su madre", "qué jodido está el barrio",
    "p*ta", "p.u.t.a", "PUT4", "m!erda", "c a b r o n", "pend3jo", "p*nd*jo",
    "\u0440uta",                    # Cyrillic er for p
    "ｐｕｔａ",                       # fullwidth
]
# Innocent Spanish (and the English of Kansas City) that contains a listed word, or starts
# like a stem, or folds onto one: none of it is held.
SPANISH_CIVIC = [
    "La computadora de la biblioteca no funciona", "una disputa con el propietario",
    "la reputación de la ciudad", "el diputado del distrito", "el imputado",
    "un vehículo abandonado", "el artículo del periódico", "el cálculo del presupuesto",
    "conos de tráfico en la calle", "¿Por qué hay un cono en la banqueta?",
    "la calle Vergara", "qué vergüenza", "Maricopa County", "América",
    "cabra y cabrito en el parque", "un cojín", "la basura pendiente",
    "carne putrefacta en el contenedor", "Mr. Ching's bakery", "Chingford",
    "el retardo en las reparaciones", "pinche de cocina", "una zorra en el jardín",
    "La perra del vecino", "el mamón, la fruta", "pan de concha", "¡Coño!",
]


@pytest.mark.parametrize("text", SPANISH_HELD)
def test_spanish_insults_are_held(text):
    assert contains_profanity(text)


@pytest.mark.parametrize("text", SPANISH_CIVIC)
def test_innocent_spanish_is_not_held(text):
    assert not contains_profanity(text)


@pytest.mark.parametrize("text", ["You bitch!", "asshole!!", "¡Cabrón!", "¡Jódete!"])
def test_an_exclamation_mark_after_a_word_is_punctuation(text):
    assert contains_profanity(text)
