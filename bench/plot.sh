#!/usr/bin/env bash
# Turns benchmark results into PNG charts with gnuplot (Debian: apt-get install -y gnuplot-nox), into bench/plots/.
# Usage: bench/plot.sh latency <result.json> [title]   the JSON line of run.sh / latency.mjs (with "curve"): each
#                                                       target's latency against percentile, direct and mcp-front
#        bench/plot.sh scaling <scaling.jsonl>         run-scaling.sh's lines: CPU µs per call and calls per second
#                                                       against sessions, mcp-front and the pass-through
#        bench/plot.sh cpu <result.json>               run-cpu.sh's JSON line: CPU µs per call per path, side by side
# A result file may hold other lines too (the scripts' tables): only lines that start with "{" are read.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gnuplot >/dev/null || { echo "needs gnuplot: apt-get install -y gnuplot-nox" >&2; exit 1; }
kind="${1:?latency|scaling|cpu}"
input="${2:?result file}"
mkdir -p bench/plots
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
json() { grep '^{' "$input"; }

case "$kind" in
  latency)
    out="bench/plots/${PLOT_NAME:-latency}.png"
    # One data file per target: percentile, ms. The x axis is 1/(1 - p), so the tail gets room.
    # shellcheck disable=SC2016  # the ${...} are JavaScript template literals
    json | tail -1 | node -e '
      const fs = require("fs");
      const r = JSON.parse(fs.readFileSync(0, "utf8"));
      const names = Object.keys(r).filter((n) => r[n].curve);
      for (const n of names) fs.writeFileSync(process.argv[1] + "/" + n + ".dat",
        r[n].curve.map(([p, ms]) => `${1 / (1 - p / 100)} ${ms} ${p}`).join("\n") + "\n");
      fs.writeFileSync(process.argv[1] + "/names", names.join("\n") + "\n");' "$data"
    plots=""
    while read -r name; do
      style="lw 2"; [[ "$name" == direct* || "$name" == floor* ]] && style="lw 2 dt 2"
      plots+="'$data/$name.dat' using 1:2 with linespoints $style title '$name', "
    done <"$data/names"
    gnuplot <<GP
set terminal pngcairo size 1000,600 font ",10"
set output "$out"
set title "${3:-tools/call latency: mcp-front against the backend reached directly (dashed)}"
set logscale x
set xtics ("p50" 2, "p90" 10, "p99" 100, "p99.9" 1000)
set xlabel "percentile"
set ylabel "ms (log scale)"
set logscale y
set key left top
set grid
plot ${plots%, }
GP
    ;;
  scaling)
    out="bench/plots/${PLOT_NAME:-scaling}.png"
    json | node -e '
      const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      for (const l of lines) console.log(l.sessions, l.pass.cpu_us_per_call, l.front.cpu_us_per_call,
        l.pass.calls_per_second, l.front.calls_per_second);' >"$data/scaling.dat"
    gnuplot <<GP
set terminal pngcairo size 1000,800 font ",10"
set output "$out"
set multiplot layout 2,1 title "${3:-mcp-front (HTTP route) and a bare Vert.x pass-through, Streamable HTTP client, floor backend}"
set logscale x 2
set xlabel "concurrent sessions (one call at a time each)"
set grid
set key left top
set ylabel "CPU µs per tools/call (gateway process)"
set yrange [0:*]
plot "$data/scaling.dat" using 1:3 with linespoints lw 2 title "mcp-front", \
     "$data/scaling.dat" using 1:2 with linespoints lw 2 dt 2 title "pass-through"
set ylabel "tools/call per second (whole machine, client included)"
plot "$data/scaling.dat" using 1:5 with linespoints lw 2 title "mcp-front", \
     "$data/scaling.dat" using 1:4 with linespoints lw 2 dt 2 title "pass-through"
unset multiplot
GP
    ;;
  cpu)
    out="bench/plots/${PLOT_NAME:-cpu-per-call}.png"
    # shellcheck disable=SC2016  # the ${...} are JavaScript template literals
    json | tail -1 | node -e '
      const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
      for (const path of ["streamable", "sse", "2026"]) {
        const p = r["pass-" + path], f = r["front-" + path];
        if (p && f) console.log(`"${path}"`, p.cpu_us_per_call, f.cpu_us_per_call);
      }' >"$data/cpu.dat"
    gnuplot <<GP
set terminal pngcairo size 900,500 font ",10"
set output "$out"
set title "${3:-CPU per tools/call: mcp-front (HTTP route) and a bare Vert.x pass-through, same load}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "CPU µs per call (gateway process)"
set yrange [0:*]
set grid ytics
set key left top
plot "$data/cpu.dat" using 2:xtic(1) title "pass-through", "" using 3 title "mcp-front"
GP
    ;;
  *) echo "unknown kind $kind (latency|scaling|cpu)" >&2; exit 1 ;;
esac
echo "$out"
