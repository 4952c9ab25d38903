"""Latency of the lane text classifier: ``python bench/classify.py [--iterations N]``.

Reports p50/p99 (microseconds, ``time.perf_counter_ns``) to classify a 4 KB text and the corpus
texts, and the size of the packaged weights file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from laneway.lanes.classifier import LaneClassifier, packaged_weights

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TEXT_4K = (
    "The nightly build on the release branch started failing after we bumped the base image.\n"
    "```\n$ docker build -t api:latest .\n#12 [builder 4/7] RUN pip install -r requirements.txt\n"
    "#12 3.114 ERROR: Could not find a version that satisfies the requirement numpy==1.24.4\n"
    "```\nCan you dig through the CI logs, fix the Dockerfile and get the pipeline green again? "
) * 12


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    ordered = sorted(samples_ns)
    p50 = ordered[len(ordered) // 2] / 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000
    return p50, p99


def time_texts(clf: LaneClassifier, texts: list[str], iterations: int, clock: str = "wall") -> list[int]:
    """Per-call durations; ``clock="cpu"`` counts this thread's CPU time only (a shared,
    loaded machine inflates wall time with time spent waiting for a core)."""
    now = time.perf_counter_ns if clock == "wall" else time.thread_time_ns
    samples = []
    for _ in range(iterations):
        for text in texts:
            t0 = now()
            clf.predict(text)
            samples.append(now() - t0)
    return samples


def loop_reference_ms() -> float:
    """CPU ms for a 1e6-step pure-Python loop: ~30-40 ms on an idle modern core; a larger value
    says this machine (or its current load) is slower, and the figures above scale with it."""
    t0 = time.thread_time_ns()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.thread_time_ns() - t0) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--weights", type=Path, default=None)
    args = parser.parse_args()
    t0 = time.perf_counter()
    clf = LaneClassifier.load(args.weights)
    load_ms = (time.perf_counter() - t0) * 1000
    text = TEXT_4K[:4096]
    time_texts(clf, [text], 200)  # warm up
    p50, p99 = percentiles(time_texts(clf, [text], args.iterations))
    print(f"4 KB text ({len(text)} chars): p50 {p50:.1f} us, p99 {p99:.1f} us (wall)")
    p50, p99 = percentiles(time_texts(clf, [text], args.iterations, clock="cpu"))
    print(f"4 KB text ({len(text)} chars): p50 {p50:.1f} us, p99 {p99:.1f} us (thread CPU time)")
    corpus = [
        json.loads(line)["text"]
        for file in sorted(CORPUS.glob("*.jsonl"))
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if corpus:
        c50, c99 = percentiles(time_texts(clf, corpus, max(1, args.iterations // 1000)))
        mean_len = statistics.mean(len(t) for t in corpus)
        print(
            f"corpus texts (n={len(corpus)}, mean {mean_len:.0f} chars): p50 {c50:.1f} us, p99 {c99:.1f} us"
        )
    print(f"machine reference: 1e6-step Python loop {loop_reference_ms():.0f} ms CPU")
    weights = args.weights or packaged_weights()
    print(
        f"weights: {weights} {weights.stat().st_size / 1e6:.2f} MB, {clf.n_features} features; "
        f"load {load_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
