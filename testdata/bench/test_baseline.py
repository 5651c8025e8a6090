"""The pytest + numpy baseline for testdata/bench/ratio.sh: the checks `optgrade check --all`
makes, done in-process the way a pytest grader would — every captured request (REQUESTS, one
JSON request per line) is a parametrized test that calls the submission's function in
SUBMISSION through the Python kit's argument handling and compares the answer with the
expected one (EXPECTED, the answers of an independent implementation, one per line) by
numpy.allclose. Run: REQUESTS=… EXPECTED=… SUBMISSION=… python3 -m pytest -q test_baseline.py
"""
import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.environ["SUBMISSION"])
import optgrade_kit  # noqa: E402
import solution  # noqa: E402

FUNCS = optgrade_kit._find_functions(vars(solution))


def _load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


WANT = {r["id"]: r for r in _load(os.environ["EXPECTED"])}
CASES = [r for r in _load(os.environ["REQUESTS"]) if r["fn"] != "hello"]


def _same(got, want):
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() >= want.keys() and all(_same(got[k], want[k]) for k in want)
    if isinstance(want, str) or want is None:
        return got == want
    return np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-6, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("req", CASES, ids=lambda r: "%d-%s" % (r["id"], r["fn"]))
def test_request(req):
    kind, got = optgrade_kit._call(FUNCS, req["fn"], req["args"])
    want = WANT[req["id"]]
    if "error" in want:
        assert kind == "error"
    else:
        assert kind == "result", got
        assert _same(optgrade_kit._to_plain(got), want["result"])
