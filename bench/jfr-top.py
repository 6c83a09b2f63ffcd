#!/usr/bin/env python3
"""The hottest methods of a JFR recording: own samples (top frame) and with callees (anywhere on the stack),
for CPU samples (jdk.ExecutionSample) and allocation samples (jdk.ObjectAllocationSample, by weight).
Usage: bench/jfr-top.py recording.jfr [rows] [filter: only stacks through a frame containing this text]"""
import collections
import json
import subprocess
import sys


def frames(event):
    out = []
    for f in (event["values"].get("stackTrace") or {}).get("frames", []):
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out


# What the nearest mcp-front method on a stack is doing, first match wins (see the report in bench/RESULTS.md).
CONCERNS = [
    ("network I/O and Vert.x/Netty plumbing (no mcp-front frame)", ["(no mcp-front frame"]),
    ("audit line and logging", ["LogEncoder", "Audit."]),
    ("metrics", ["Metrics"]),
    ("JSON parsing and encoding", ["JsonRpcMessage", "Envelope", "withId", "ListFilter"]),
    ("event bus between edge and session", ["SessionClient", "SessionVerticle.deliver", "ClientStreams",
                                            "SessionVerticle.onCommand", "LocalOnly"]),
    ("timers", ["setTimer", "cancelTimer", "stopHolding", "SsePostStream.open"]),
    ("routing, Host/Origin checks, body reading", ["EdgeVerticle", "OriginPolicy", "AccessGate", "EdgeConfig",
                                                   "ReadDeadlines", "BodyText",
                                                   "StreamableHttpEndpoint.post", "SseEndpoint.message"]),
    ("bearer token check", ["BearerCheck", "AccessTokens", "Caller"]),
    ("request to the backend (HTTP client)", ["BackendHttp", "StreamableHttpBackend", "SseBackend", "Tracing.inject",
                                              "StatelessHttpBackend"]),
    ("writing the answer (SSE, JSON)", ["SseWriter", "PostStream", "JsonPostStream", "EventStream"]),
    ("session bookkeeping", ["SessionCore", "StreamBuffers", "EventIds", "Bridges", "ModernClientBridge",
                             "LegacyClientBridge"]),
]


def short(name):
    """org.mcpfront.edge.Foo.bar -> edge.Foo.bar; io.vertx.core.http.impl.Foo.bar -> Foo.bar"""
    if name.startswith("org.mcpfront."):
        return name[len("org.mcpfront."):]
    parts = name.split(" @ ")
    return " @ ".join(".".join(p.split(".")[-2:]) for p in parts)


def load(path, kind):
    text = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", kind, path],
                          capture_output=True, text=True, check=True).stdout
    return json.loads(text)["recording"]["events"]


def table(title, counts, total, rows):
    print(f"\n{title} (total {total:.0f})")
    for name, n in counts.most_common(rows):
        print(f"  {100.0 * n / total:5.1f}%  {short(name)}")


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    only = sys.argv[3] if len(sys.argv) > 3 else None
    events = load(path, "jdk.ExecutionSample")
    threads = collections.Counter(e["values"]["sampledThread"]["javaName"] for e in events)
    table("CPU by thread", threads, len(events) or 1, 12)
    cpu = [frames(e) for e in events]
    if only:
        cpu = [s for s in cpu if any(only in f for f in s)]
    own, incl = collections.Counter(), collections.Counter()
    for stack in cpu:
        if stack:
            own[stack[0]] += 1
        for name in set(stack):
            incl[name] += 1
    table("CPU, own", own, len(cpu) or 1, rows)
    table("CPU, with callees", incl, len(cpu) or 1, rows)
    nearest = collections.Counter()
    for stack in cpu:
        # The mcp-front method nearest the top of the stack: the code of ours that asked for this work.
        ours = [f for f in stack if f.startswith("org.mcpfront.") and "$$Lambda" not in f]
        nearest[ours[0] if ours else "(no mcp-front frame: " + (stack[-1] if stack else "?") + ")"] += 1
    table("CPU by the nearest mcp-front method on the stack", nearest, len(cpu) or 1, rows)
    concerns = collections.Counter()
    for name, n in nearest.items():
        concerns[next((c for c, words in CONCERNS if any(w in name for w in words)), "other mcp-front code")] += n
    table("CPU by concern (the nearest mcp-front method's)", concerns, len(cpu) or 1, rows)
    ours = collections.Counter({k: v for k, v in incl.items() if k.startswith("org.mcpfront.")})
    table("CPU, with callees, mcp-front's methods", ours, len(cpu) or 1, rows)
    alloc_own, alloc_incl, total = collections.Counter(), collections.Counter(), 0
    for e in load(path, "jdk.ObjectAllocationSample"):
        w = e["values"]["weight"]
        stack = frames(e)
        cls = e["values"]["objectClass"]["name"].split("/")[-1]
        total += w
        if stack:
            alloc_own[cls + " @ " + next((f for f in stack if "mcpfront" in f), stack[0])] += w
        for name in set(stack):
            alloc_incl[name] += w
    table("Allocation by class @ first mcp-front frame", alloc_own, total or 1, rows)
    table("Allocation with callees", alloc_incl, total or 1, rows)


main()
