#!/usr/bin/env python3
"""The yardstick of the synthesis' speed (issue 20): the pipeline an analyst would write with
scikit-learn on the same corpus and the same task as `essaim synthesize` on the benchmarked path
-- each of the 4 themes of the Grand Débat corpus grouped into K = 20 groups, every answer
assigned, the groups written as JSON (sizes and each group's top terms).

TF-IDF on word unigrams and bigrams (sublinear tf, min_df 2, max_df 0.5, as Essaim's defaults)
then MiniBatchKMeans (k-means++, fixed seed, its default initialisations, batches of 4,096). The whole
process is timed by the caller (`/usr/bin/time -f '%e %M'`), reading the file included, as
Essaim's run is timed with its reading of the database.

Usage: scripts/sklearn-baseline.py CORPUS.csv.gz OUT.json [NGRAMS]   (needs scikit-learn, pandas)
NGRAMS is 2 (word pairs too, as Essaim's features: the default) or 1 (single words only: a
lighter pipeline, the one docs/benchmarks.md also quotes).
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

K = 20


def main(corpus: str, out: str, ngrams: int) -> None:
    frame = pd.read_csv(corpus, dtype=str, keep_default_na=False)
    result = []
    for theme, rows in frame.groupby("theme", sort=True):
        texts = rows["text"].tolist()
        vectorizer = TfidfVectorizer(ngram_range=(1, ngrams), sublinear_tf=True, min_df=2, max_df=0.5)
        matrix = vectorizer.fit_transform(texts)
        model = MiniBatchKMeans(n_clusters=K, random_state=0, batch_size=4096)
        labels = model.fit_predict(matrix)
        terms = np.array(vectorizer.get_feature_names_out())
        groups = []
        for k in range(K):
            top = np.argsort(model.cluster_centers_[k])[::-1][:5]
            groups.append({"size": int((labels == k).sum()), "terms": terms[top].tolist()})
        result.append({"theme": theme, "contributions": len(texts), "groups": groups})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
