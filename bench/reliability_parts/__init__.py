"""The parts of bench/reliability.py, one module each: what they share (``common``),
the working corpora (``working_corpus``), the server (``server``), the kill -9 loop
(``kill``), the live server under a writer (``live``), the fuzzed queries
(``fuzz_cases``, ``fuzz``) and the printed report (``report``)."""
