"""The schema-compiled prover: a native scanner that proves NDJSON lines valid from their raw
bytes, or says "don't know" (the exact path then decides, and stays the reference).

- automata.py: ECMA-262 patterns (and a subset of `format: uri`) as byte DFAs;
- tables.py: those automata, regenerated into generated/prover_automata.json;
- tree.py, derive.py, refute.py: from a schema and an exemplar line, the ops on the line's
  strings and numbers that prove every line of its skeleton valid (or invalid);
- learn.py: programs per skeleton, learned from lines the exact path accepted;
- _scan.c: the scanner (optional C extension; native.py says whether it is there);
- mutants.py: mutated and hostile lines for the differential tests and bench/prover_fuzz.py.
"""
