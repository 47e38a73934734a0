"""Reference values from scikit-learn for sklearn-parity.test.ts.

Usage: /usr/bin/python3 sklearn_reference.py cases.json  -> JSON on stdout.
Input: {cases: [{name, y, p, t, digits, target_names?, bins}], formats: [[x, digits], ...]}.
Output: {cases: {name: {...}}, formats: [format(x, f".{digits}f"), ...]}.
Errors are reported as {"error": message}.
NaN is written as null (JSON has no NaN).
"""
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics as m
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")


def clean(x):
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, list):
        return [clean(v) for v in x]
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return None if math.isnan(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def attempt(fn):
    try:
        return clean(fn())
    except ValueError as e:
        return {"error": str(e)}


def run(case):
    y = np.asarray(case["y"], dtype=int)
    p = np.asarray(case["p"], dtype=np.float64)
    pred = (p >= case["t"]).astype(int)
    out = {
        "roc_auc": attempt(lambda: m.roc_auc_score(y, p)),
        "pr_auc": attempt(lambda: m.average_precision_score(y, p)),
        "log_loss": attempt(lambda: m.log_loss(y, p)),
        "log_loss_labels": attempt(lambda: m.log_loss(y, p, labels=[0, 1])),
        "brier": attempt(lambda: m.brier_score_loss(y, p)),
        "accuracy": attempt(lambda: m.accuracy_score(y, pred)),
        "precision": attempt(lambda: m.precision_score(y, pred)),
        "recall": attempt(lambda: m.recall_score(y, pred)),
        "f1": attempt(lambda: m.f1_score(y, pred)),
        "mcc": attempt(lambda: m.matthews_corrcoef(y, pred)),
        "confusion": attempt(lambda: m.confusion_matrix(y, pred, labels=[0, 1]).ravel()),
        "roc_curve": attempt(lambda: list(m.roc_curve(y, p))),
        "pr_curve": attempt(lambda: list(m.precision_recall_curve(y, p))),
        "calibration": attempt(lambda: list(calibration_curve(y, p, n_bins=case["bins"]))),
        "report": attempt(lambda: m.classification_report(y, pred, digits=case["digits"])),
    }
    if case.get("target_names"):
        out["report_named"] = attempt(
            lambda: m.classification_report(y, pred, digits=case["digits"], target_names=case["target_names"])
        )
    return out


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    out = {
        "cases": {c["name"]: run(c) for c in data["cases"]},
        "formats": [format(x, f".{d}f") for x, d in data["formats"]],
    }
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
