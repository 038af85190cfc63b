#!/usr/bin/env python3
"""A labelled set of opposite stances, built from the Grand Débat corpus (Licence Ouverte,
Mission du Grand Débat national / granddebat.fr) for scripts/bench-synthesis.

Each answer that states one side of a known question in so many words ("baisser les impôts"
or "augmenter les impôts", "supprimer le Sénat" or "garder le Sénat"…) gets the label
`object/a` or `object/b`; an answer on both sides of one object, or with a negation just
before the verb, is left out. At most PER_SIDE answers per side, the first in file order
(the corpus is shuffled). The patterns are written here, apart from the synthesis's own stance
reader, so that the bench measures the grouping, not the reader against itself.

Usage: stance-set.py CORPUS.csv.gz OUT.csv
"""
import csv, gzip, re, sys, unicodedata

PER_SIDE = 150
# Objects with fewer answers than this on either side are left out.
FEWEST = 10
DET = r"(?:les |le |la |l'|l’|des |du |de la |de l'|d'|de )?"
PAIRS = {
    "impots": (r"(?:baisser|diminuer|reduire|alleger|baisse|diminution|reduction|allegement) " + DET + r"impots?\b",
               r"(?:augmenter|hausser|relever|augmentation|hausse) " + DET + r"impots?\b"),
    "senat": (r"(?:supprimer|suppression|abolir|abolition) " + DET + r"senat\b",
              r"(?:garder|maintenir|conserver|maintien|preserver) " + DET + r"senat\b"),
    "parlementaires": (r"(?:reduire|diminuer|baisser|reduction|diminution) (?:du |le )nombre (?:de |des )(?:parlementaires|deputes|senateurs|elus)",
                       r"(?:augmenter|augmentation) (?:du |le )nombre (?:de |des )(?:parlementaires|deputes|senateurs|elus)"),
    "taxe_carbone": (r"(?:supprimer|suppression|baisser|diminuer|baisse|abandonner) " + DET + r"taxe carbone",
                     r"(?:augmenter|augmentation|hausse|maintenir|garder|relever) " + DET + r"taxe carbone"),
    "fonctionnaires": (r"(?:reduire|diminuer|baisser|reduction|diminution) (?:du |le )nombre (?:de |des )fonctionnaires",
                       r"(?:augmenter|augmentation) (?:du |le )nombre (?:de |des )fonctionnaires"),
    "csg": (r"(?:supprimer|suppression|baisser|diminuer|baisse|annuler) " + DET + r"(?:hausse de la )?csg",
            r"(?:augmenter|augmentation|hausse|relever) " + DET + r"csg"),
    "vitesse_80": (r"(?:supprimer|suppression|abandonner|abandon|annuler|revenir sur|retour aux 90) " + DET + r"(?:limitation (?:a |de vitesse a )?)?80 ?km",
                   r"(?:garder|maintenir|maintien|conserver|generaliser) " + DET + r"(?:limitation (?:a |de vitesse a )?)?80 ?km"),
}
NEGATION = re.compile(r"(?:\bpas|\bne|\bnon|\bsans|\bcontre|\bstop)\s+(?:\w+\s+)?$")

def fold(text):
    text = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))

def side_of(text, pattern):
    for m in re.finditer(pattern, text):
        if not NEGATION.search(text[max(0, m.start() - 16):m.start()]):
            return True
    return False

def main(src, dst):
    counts, kept = {}, []
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = fold(row["text"])
            for obj, (a, b) in PAIRS.items():
                sa, sb = side_of(text, a), side_of(text, b)
                if sa == sb:
                    continue
                side = "a" if sa else "b"
                if counts.get((obj, side), 0) >= PER_SIDE:
                    continue
                counts[(obj, side)] = counts.get((obj, side), 0) + 1
                kept.append((row["id"], row["theme"], obj, side, row["text"]))
                break
    both = {obj for obj in PAIRS if min(counts.get((obj, "a"), 0), counts.get((obj, "b"), 0)) >= FEWEST}
    with open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "theme", "label", "text"])
        for id_, theme, obj, side, text in kept:
            if obj in both:
                writer.writerow([id_, theme, f"{obj}/{side}", text])
    for key in sorted(counts):
        print(f"{key[0]}/{key[1]}\t{counts[key]}{'' if key[0] in both else ' (left out)'}", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
