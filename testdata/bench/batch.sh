#!/usr/bin/env bash
# A course-sized batch: N generated submissions (copies of the sample solutions, every
# fourth one broken, each with its own student id) graded with -j1 and then -j2, from
# scratch. Prints the wall time of each, the ratio, and the grader's own peak RSS (VmHWM of
# the optgrade process, sampled from /proc until it exits; the submissions' Python
# processes are not counted). Then the machine's own ceiling for two at once: M (default 20)
# of the same submissions checked one after another by separate `optgrade check --all`
# processes, against two such streams side by side — what 2 cores give two independent
# gradings, with no batch code involved.
# Build first: go build -o /tmp/optgrade ./cmd/optgrade (or set OPTGRADE). N=200 by default.
set -eu
cd "$(dirname "$0")/../.."
N=${N:-200}
OPTGRADE=${OPTGRADE:-/tmp/optgrade}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq -w 1 "$N"); do
  src=testdata/submissions/python-reference
  [ $((10#$i % 4)) -eq 0 ] && src=testdata/submissions/broken-adam-no-bias
  mkdir -p "$work/subs/s$i"
  cp "$src"/*.py "$work/subs/s$i/"
  printf 'student: s%s\nrun: [python3, solution.py]\nsubmitted_at: 2026-12-01T12:00:00Z\n' "$i" > "$work/subs/s$i/optgrade.yaml"
done
run() { # -j, → "seconds peak-KiB"
  local start=$(date +%s%N) hwm=0 h
  "$OPTGRADE" grade -j "$1" -r rubrics/assignment1.yaml --out "$work/out-j$1" "$work/subs" >/dev/null 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    h=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
    sleep 0.1
  done
  wait "$pid" || true
  echo "$(awk -v s="$start" -v e="$(date +%s%N)" 'BEGIN{printf "%.2f", (e-s)/1e9}') $hwm"
}
read -r t1 m1 < <(run 1)
read -r t2 m2 < <(run 2)
n=$(ls "$work"/out-j2/*/result.json | wc -l)
echo "N=$N graded=$n  -j1: ${t1}s, peak RSS ${m1} KiB  -j2: ${t2}s, peak RSS ${m2} KiB"
awk -v a="$t1" -v b="$t2" -v n="$N" 'BEGIN{printf "speed-up -j2/-j1: %.2fx; per submission: %.3fs (-j1), %.3fs (-j2)\n", a/b, a/n, b/n}'
M=${M:-20}; [ "$M" -gt "$N" ] && M=$N
stream() { local i; for i in "$@"; do "$OPTGRADE" check --all -r rubrics/assignment1.yaml "$work/subs/$i" >/dev/null 2>&1 || true; done; }
subs=($(ls "$work/subs" | head -n "$M"))
half=$((M / 2))
s0=$(date +%s%N); stream "${subs[@]}"; s1=$(date +%s%N)
stream "${subs[@]:0:$half}" & stream "${subs[@]:$half}" & wait; s2=$(date +%s%N)
awk -v a="$((s1 - s0))" -v b="$((s2 - s1))" -v m="$M" 'BEGIN{printf "ceiling: %d separate checks, two streams / one stream: %.2fx (%.2fs vs %.2fs)\n", m, a/b, a/1e9, b/1e9}'
