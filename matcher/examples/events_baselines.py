"""Baselines for the event recommender's evaluation (`matcher/examples/events_eval.rs`): implicit
ALS and LightFM, trained and ranked on exactly the split files the Rust side wrote, so that both
sides judge the same data with the same metric code (the Rust side's).

    python events_baselines.py SPLIT_DIR

SPLIT_DIR holds `train.tsv` and `test.tsv` (user, item per line), `items.tsv` (item, genres
separated by `|`), `candidates.tsv` (the items that may be recommended, one per line) and
`meta.tsv` (`users`, `items`). For each model that is installed this writes `lists.<model>.tsv`:
a user and their ten items, comma-separated, best first, items of their training history left
out. A model that is not installed is reported on stderr and gets no file.

ALS (implicit): factors 64, regularization 0.05, 20 iterations, binary confidence. It has no
features, so an item without training interactions has a zero vector: on the item cold-start
split every cold item scores 0 and ALS can only list them in index order.
LightFM: WARP loss, 64 components, 30 epochs, item features = identity (items with training
interactions only) + genres, rows normalized to sum 1, so a cold item is its genres' embedding.
Both with fixed seeds and one thread.
"""

import os
import sys

import numpy as np
import scipy.sparse as sp

K = 10


def read_pairs(path):
    pairs = np.loadtxt(path, dtype=np.int64, delimiter="\t", ndmin=2)
    return pairs[:, 0], pairs[:, 1]


def load(split):
    meta = dict(line.rstrip("\n").split("\t") for line in open(os.path.join(split, "meta.tsv")))
    users, items = int(meta["users"]), int(meta["items"])
    u, i = read_pairs(os.path.join(split, "train.tsv"))
    train = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)), shape=(users, items))
    train.sum_duplicates()
    train.data[:] = 1.0
    test_users = sorted(set(read_pairs(os.path.join(split, "test.tsv"))[0].tolist()))
    candidates = np.loadtxt(os.path.join(split, "candidates.tsv"), dtype=np.int64, ndmin=1)
    genres = {}
    for line in open(os.path.join(split, "items.tsv")):
        item, tags = line.rstrip("\n").split("\t")
        genres[int(item)] = [t for t in tags.split("|") if t]
    return train, test_users, candidates, genres


def write_lists(split, name, scores, train, test_users, candidates):
    """Top K of `candidates` per test user from a dense `[users, items]` score matrix."""
    allowed = np.full(scores.shape[1], False)
    allowed[candidates] = True
    with open(os.path.join(split, f"lists.{name}.tsv"), "w") as out:
        for user in test_users:
            row = np.where(allowed, scores[user].astype(np.float64), -np.inf)
            row[train.indices[train.indptr[user] : train.indptr[user + 1]]] = -np.inf
            # Stable sort on the negated scores: ties broken by the lower item index, as in Rust.
            order = np.argsort(-row, kind="stable")
            top = [int(i) for i in order[:K] if np.isfinite(row[i])]
            out.write(f"{user}\t{','.join(map(str, top))}\n")


def als(split, train, test_users, candidates):
    try:
        from implicit.als import AlternatingLeastSquares
    except ImportError:
        print("implicit: not installed (pip install -r requirements-eval.txt)", file=sys.stderr)
        return
    model = AlternatingLeastSquares(
        factors=64, regularization=0.05, iterations=20, random_state=0, num_threads=1, use_gpu=False
    )
    model.fit(train, show_progress=False)
    scores = np.asarray(model.user_factors) @ np.asarray(model.item_factors).T
    write_lists(split, "als", scores, train, test_users, candidates)


def lightfm(split, train, test_users, candidates, genres):
    try:
        from lightfm import LightFM
    except ImportError:
        print("lightfm: not installed (see requirements-eval.txt)", file=sys.stderr)
        return
    users, items = train.shape
    names = sorted({g for tags in genres.values() for g in tags})
    column = {g: items + k for k, g in enumerate(names)}
    seen = np.asarray(train.sum(axis=0)).ravel() > 0
    rows, cols = [], []
    for item in range(items):
        if seen[item]:
            rows.append(item)
            cols.append(item)
        for g in genres.get(item, []):
            rows.append(item)
            cols.append(column[g])
    features = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(items, items + len(names))
    )
    sums = np.asarray(features.sum(axis=1)).ravel()
    features = sp.diags(1.0 / np.maximum(sums, 1.0)).dot(features).tocsr().astype(np.float32)
    model = LightFM(loss="warp", no_components=64, random_state=np.random.RandomState(0))
    model.fit(train.tocoo(), item_features=features, epochs=30, num_threads=1)
    item_bias, item_vectors = model.get_item_representations(features)
    _, user_vectors = model.get_user_representations()
    scores = user_vectors @ item_vectors.T + item_bias[None, :]
    write_lists(split, "lightfm", scores, train, test_users, candidates)


def main():
    split = sys.argv[1]
    train, test_users, candidates, genres = load(split)
    als(split, train, test_users, candidates)
    lightfm(split, train, test_users, candidates, genres)


if __name__ == "__main__":
    main()
