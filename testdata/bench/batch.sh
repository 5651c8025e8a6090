#!/usr/bin/env bash
# A course-sized batch: N generated submissions (copies of the sample solutions, every
# fourth one broken, each with its own student id) graded with -j1 and then -j2, from
# scratch. Prints the wall time of each, the ratio, and the grader's peak RSS (GNU time's
# %M: the optgrade process and its largest child, not the sum of the submissions).
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
  /usr/bin/time -f '%e %M' -o "$work/time" "$OPTGRADE" grade -j "$1" -r rubrics/assignment1.yaml --out "$work/out-j$1" "$work/subs" >/dev/null 2>&1 || true
  tail -n 1 "$work/time" # GNU time first says when the command exited non-zero (some checks failed)
}
read -r t1 m1 < <(run 1)
read -r t2 m2 < <(run 2)
n=$(ls "$work"/out-j2/*/result.json | wc -l)
echo "N=$N graded=$n  -j1: ${t1}s, peak RSS ${m1} KiB  -j2: ${t2}s, peak RSS ${m2} KiB"
awk -v a="$t1" -v b="$t2" -v n="$N" 'BEGIN{printf "speed-up -j2/-j1: %.2fx; per submission: %.3fs (-j1), %.3fs (-j2)\n", a/b, a/n, b/n}'
