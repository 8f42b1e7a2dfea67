#!/usr/bin/env python3
"""Server-side latency quantiles between two /metrics scrapes.

Usage: server_quantiles.py BEFORE AFTER — each a file holding the text of /metrics. Prints, for
the requests answered between the scrapes, the p50 and p99 of queue wait, handler time and total
time, each as the upper bound of the histogram bucket that holds it ("<= 5 ms"): the server's own
view, to set beside the client's (wrk) when they disagree.
"""
import re
import sys

NAMES = {"queue": "supplyguard_http_queue_wait_seconds",
         "handler": "supplyguard_http_handler_seconds",
         "total": "supplyguard_http_request_duration_seconds"}
BUCKET = re.compile(r'^(\w+)_bucket\{le="([^"]+)"\} (\d+)$')


def buckets(path):
    found = {}
    with open(path, encoding="utf-8") as metrics:
        for line in metrics:
            match = BUCKET.match(line.strip())
            if match:
                bound = float("inf") if match[2] == "+Inf" else float(match[2])
                found.setdefault(match[1], []).append((bound, int(match[3])))
    return found


def quantile(cumulative, q):
    total = cumulative[-1][1]
    if total == 0:
        return None
    for bound, count in cumulative:
        if count >= q * total:
            return bound
    return float("inf")


def show(bound):
    if bound is None:
        return "-"
    return "> 30 s" if bound == float("inf") else f"<= {bound * 1000:g} ms"


def main():
    before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
    parts = []
    for label, name in NAMES.items():
        if name not in after:
            continue
        old = dict(before.get(name, []))
        delta = [(bound, count - old.get(bound, 0)) for bound, count in after[name]]
        parts.append(f"{label} p50 {show(quantile(delta, 0.5))} p99 {show(quantile(delta, 0.99))}")
    print("server: " + "; ".join(parts) if parts else "server: no timings")


if __name__ == "__main__":
    main()
