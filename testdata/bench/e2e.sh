#!/usr/bin/env bash
# Interleaved timings: baseline (Python + numpy start) vs optgrade check (visible) vs check --all.
# Build first: go build -o /tmp/optgrade ./cmd/optgrade (or set OPTGRADE). N runs each, interleaved; medians.
cd "$(dirname "$0")/../.."
N=${N:-15}
t() { local s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N)-s)/1000000 )); }
b=(); c=(); a=(); nb=()
for i in $(seq $N); do
  b+=($(t /usr/bin/python3 -c 'import numpy'))
  c+=($(t ${OPTGRADE:-/tmp/optgrade} check -r rubrics/assignment1.yaml testdata/submissions/python-reference))
  a+=($(t ${OPTGRADE:-/tmp/optgrade} check --all -r rubrics/assignment1.yaml testdata/submissions/python-reference))
  nb+=($(t ${OPTGRADE:-/tmp/optgrade} check --all --no-sandbox -r rubrics/assignment1.yaml testdata/submissions/python-reference))
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
B=$(med "${b[@]}"); C=$(med "${c[@]}"); A=$(med "${a[@]}"); NB=$(med "${nb[@]}")
echo "median ms: python+numpy start $B | check (visible) $C | check --all $A | check --all --no-sandbox $NB"
awk -v b=$B -v c=$C -v a=$A -v n=$NB 'BEGIN{printf "ratios to baseline: check %.2fx, check --all %.2fx, --no-sandbox %.2fx\n", c/b, a/b, n/b}'
