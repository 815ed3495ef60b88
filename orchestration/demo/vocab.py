"""Built-in word lists for the demo exports: names, e-mail domains, canned comments, emotions.

Everything the generator writes as text is picked from these lists by integer code, so the
simulation stays numeric (numpy) and the CSV writer turns codes into text.
"""

from __future__ import annotations

import csv

import numpy as np

from orchestration.config import PROJECT_ROOT

LANGUAGES = ("nl", "en")

FIRST_NAMES = {
    "nl": (
        "Jan", "Pieter", "Daan", "Sem", "Lucas", "Bram", "Thijs", "Ruben", "Joost", "Maarten",
        "Anna", "Sanne", "Emma", "Lotte", "Femke", "Iris", "Eva", "Marieke", "Noor", "Julia",
    ),
    "en": (
        "James", "Oliver", "Thomas", "Harry", "George", "Jack", "Daniel", "Samuel", "Liam",
        "Noah", "Olivia", "Amelia", "Emily", "Sophie", "Grace", "Chloe", "Lucy", "Hannah",
        "Ella", "Mia",
    ),
}  # fmt: skip
LAST_NAMES = {
    "nl": (
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
        "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    ),
    "en": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke",
    ),
}  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.org", "example.nl")

# Canned comments by language and NPS group (0 detractor, 1 passive, 2 promoter).
COMMENTS = {
    "nl": (
        (
            "Ik ben niet teruggebeld zoals beloofd.",
            "Veel te veel gedoe om geholpen te worden.",
            "Erg teleurgesteld, ik denk erover om op te zeggen.",
            "Dagen gewacht op een antwoord.",
            "Te duur voor wat je krijgt.",
        ),
        (
            "Prima, niets bijzonders.",
            "Oké, maar de levering kan sneller.",
            "Goed product, wel aan de prijzige kant.",
            "Duurde even, maar het is gelukt.",
        ),
        (
            "Geweldige service, dank jullie wel!",
            "Snel en vriendelijk geholpen.",
            "Alles verliep soepel.",
            "Heel blij met het product.",
            "Zou jullie iedereen aanraden.",
        ),
    ),
    "en": (
        (
            "Nobody called me back as promised.",
            "Far too much hassle to get help.",
            "Very disappointed, thinking of leaving.",
            "Waited days for an answer.",
            "Too expensive for what you get.",
        ),
        (
            "Fine, nothing special.",
            "Okay, but delivery could be faster.",
            "Good product, a bit pricey.",
            "Took a while, but it worked out.",
        ),
        (
            "Great service, thank you!",
            "Quick and friendly help.",
            "Everything went smoothly.",
            "Very happy with the product.",
            "Would recommend you to anyone.",
        ),
    ),
}


def flat(table: dict[str, tuple[str, ...]]) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """All words of a per-language table, plus each language's offset and count."""
    words = tuple(w for lang in LANGUAGES for w in table[lang])
    counts = np.array([len(table[lang]) for lang in LANGUAGES])
    return words, np.concatenate([[0], np.cumsum(counts)[:-1]]), counts


def code_table(groups: list[list[list[int]]]) -> tuple[np.ndarray, np.ndarray]:
    """Pad [language][group] -> word codes into an array and a count array for vector picks."""
    width = max(len(g) for lang in groups for g in lang)
    table = np.zeros((len(groups), len(groups[0]), width), dtype=np.int16)
    counts = np.zeros((len(groups), len(groups[0])), dtype=np.int16)
    for li, lang in enumerate(groups):
        for gi, codes in enumerate(lang):
            table[li, gi, : len(codes)] = codes
            counts[li, gi] = len(codes)
    return table, counts


def comment_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Comment texts and a [language][nps group] -> codes table."""
    texts: list[str] = []
    groups = []
    for lang in LANGUAGES:
        per_group = []
        for group in COMMENTS[lang]:
            per_group.append(list(range(len(texts), len(texts) + len(group))))
            texts.extend(group)
        groups.append(per_group)
    return (tuple(texts), *code_table(groups))


def emotion_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Emotion labels from seeds/emotion_vocabulary.csv and a [language][valence + 3] table."""
    with open(PROJECT_ROOT / "seeds" / "emotion_vocabulary.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labels = tuple(r["label"] for r in rows)
    groups = [
        [
            [i for i, r in enumerate(rows) if r["language"] == lang and int(r["valence"]) == v]
            for v in range(-3, 4)
        ]
        for lang in LANGUAGES
    ]
    return (labels, *code_table(groups))
