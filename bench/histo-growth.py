#!/usr/bin/env python3
"""The classes whose live instances grew most between two class histograms (jcmd GC.class_histogram) in a
bench run's work directory, per held unit (session, subscription, stream); with "after", also what was left
after the units closed. Used by run-sessions.sh, run-subscriptions.sh and run-floor-sse.sh.
Usage: bench/histo-growth.py <work dir> <units> <unit name> <rows> [after]"""
import re
import sys


def histo(work, name):
    rows = {}
    for line in open(f"{work}/histo-{name}.txt"):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows


def grown(frm, to, rows):
    return sorted(((to[c][1] - frm.get(c, (0, 0))[1], to[c][0] - frm.get(c, (0, 0))[0], c) for c in to),
                  reverse=True)[:rows]


work, n, unit, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
b, h = histo(work, "before"), histo(work, "held")
print(f"\n| class | bytes per {unit} | instances per {unit} |\n|---|---|---|")
for size, count, cls in grown(b, h, rows):
    print(f"| `{cls}` | {size/n:.0f} | {count/n:.1f} |")
if len(sys.argv) > 5 and sys.argv[5] == "after":
    print("\n| left after close: class | bytes | instances |\n|---|---|---|")
    for size, count, cls in grown(b, histo(work, "after"), 15):
        print(f"| `{cls}` | {size} | {count} |")
