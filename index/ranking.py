"""The BM25 parameters every scorer of a Kavosh index uses: the engine's and an OpenSearch export's.

k1 saturates repeated terms, b normalizes document length.  b = 0.9 (not the
usual 0.75): short passages meet long news articles, and stronger length
normalization won +0.04 MRR@10 with news distractors on both dev sets without
costing the passages alone (bench/eval.py).
"""

BM25_B = 0.9
BM25_K1 = 1.2
