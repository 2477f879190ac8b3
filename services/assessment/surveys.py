"""群众安全感 and satisfaction surveys as plain rules: the sample of a village (reproducible from its seed), the
one-time codes, and the results of an area with their sample size and margin of error.

An answer from 1 to 5 scores (answer - 1) ÷ 4 × 100; an area's score for an indicator is the mean over its answered
questions; the margin of error is 1.96 × standard deviation ÷ √n (95%), n being the households that answered.
No answer carries the household: a code is kept only as its hash, with the village it belongs to.
"""
import hashlib
import math
import random
import secrets
from statistics import fmean, pstdev

from .api.codes import SURVEY_INDICATORS

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a slip of paper


def sample(household_ids: list[str], size: int, seed: int, village_code: str) -> list[str]:
    """The households of a village drawn for the survey: the same seed draws the same households."""
    ordered = sorted(household_ids)
    return sorted(random.Random(f"{seed}:{village_code}").sample(ordered, min(size, len(ordered))))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def score(answer: int) -> float:
    return (answer - 1) / 4 * 100


def household_scores(answers: dict[str, int], questions: list[dict]) -> dict[str, float]:
    """One household's score per indicator: the mean of its answered questions of that indicator."""
    by_indicator: dict[str, list[float]] = {}
    for question in questions:
        if question["code"] in answers:
            by_indicator.setdefault(question["indicator"], []).append(score(answers[question["code"]]))
    return {k: fmean(v) for k, v in by_indicator.items()}


def results(rows: list[dict]) -> dict:
    """Per indicator: n, the mean score (0–100) and its 95% margin of error over the households' scores."""
    out = {}
    for indicator, label in SURVEY_INDICATORS.items():
        values = [r["scores"][indicator] for r in rows if indicator in r["scores"]]
        n = len(values)
        mean = round(fmean(values), 1) if values else None
        margin = round(1.96 * pstdev(values) / math.sqrt(n), 1) if n > 1 else None
        out[indicator] = {"label": label, "n": n, "value": mean, "margin": margin}
    return out
