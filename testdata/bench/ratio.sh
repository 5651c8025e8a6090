#!/usr/bin/env bash
# The grader's own cost, as ratios of interleaved runs (medians of N, default 7):
#  1. per submission: `optgrade check --all` of the course rubric vs the submission answering
#     the very same requests read from a file, with no grader at all (the replay). The requests
#     are captured first by a tee-ing wrapper given as the submission's `run:` command (run
#     unsandboxed so it can write the capture). Done for the pure-Python raw-protocol sample and
#     the numpy kit sample (python-reference) and the Go kit sample (go-reference, built once
#     here with `go build` against the kit `optgrade kit go` writes; check --all builds it too,
#     from the grader's build cache after the first run).
#  2. a pytest + numpy grader of the same checks in-process (test_baseline.py; needs Debian's
#     python3-pytest) vs check --all of the kit sample.
#  3. start-up: `check` of a submission that only answers hello vs `python3 -c pass`, and the
#     sandbox's own cost (bwrap + python3 -c pass, the way the grader starts it).
#  4. a second `check` of the unchanged Go source sample (its build cached by the first) vs
#     the built binary answering hello alone, with bubblewrap and with --sandbox none, and
#     the sandbox's own cost (bwrap + the binary's hello).
#  5. the machine's floors (testdata/bench/floor): /bin/true, a Go program that does nothing,
#     a bare Go-to-Go pipe echo one line at a time and pipelined; printed next to what each
#     target leaves the grader, so that a target under the floor shows as such.
# OPTGRADE_BEFORE=path/to/an/older/optgrade adds that binary's runs of every check above,
# interleaved with the others, and prints after/before ratios.
# Absolute times on a shared machine mean little; read the ratios. Needs go, python3 (with
# numpy: OPTGRADE_PYTHON, default /usr/bin/python3), bwrap. Build first or set OPTGRADE.
# Builds and the bubblewrap probe are cached in a folder of the run's own (OPTGRADE_CACHE).
set -eu
cd "$(dirname "$0")/../.."
N=${N:-7}
PY=${OPTGRADE_PYTHON:-/usr/bin/python3}
export OPTGRADE_PYTHON=$PY
OG=${OPTGRADE:-}
BEFORE=${OPTGRADE_BEFORE:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 711 "$work" # a root grader runs submissions as nobody, also from the build cache
export OPTGRADE_CACHE=$work/cache
if [ -z "$OG" ]; then OG=$work/optgrade; go build -o "$OG" ./cmd/optgrade; fi
R=rubrics/assignment1.yaml
nosandbox=--no-sandbox
"$OG" check --help 2>&1 | grep -q -- '--sandbox value' && nosandbox='--sandbox=none'

# capture SAMPLE [PROGRAM] → $work/SAMPLE.req (the requests) and $work/SAMPLE.want (its
# answers to them); PROGRAM (default: python solution.py) is what the wrapper runs
capture() {
  local s=$1 d=$work/cap-$1 prog=${2:-}
  cp -r "testdata/submissions/$s" "$d"
  if [ -n "$prog" ]; then cp "$prog" "$d/program"; prog='["./program"]'; else prog='[sys.executable, "solution.py"]'; fi
  cat > "$d/tee.py" <<PYEOF
import subprocess, sys
with open("$work/$s.req", "wb") as f:
    p = subprocess.Popen($prog, stdin=subprocess.PIPE)
    for line in sys.stdin.buffer:
        f.write(line); f.flush(); p.stdin.write(line); p.stdin.flush()
    p.stdin.close(); sys.exit(p.wait())
PYEOF
  printf 'student: %s\nrun: [python3, tee.py]\n' "$s" > "$d/optgrade.yaml"
  # a root grader runs the submission as nobody even unsandboxed: let it write the capture
  touch "$work/$s.req" && chmod 666 "$work/$s.req"
  "$OG" check --all $nosandbox -r $R "$d" > "$work/$s.check" 2>&1 || { cat "$work/$s.check"; exit 1; }
  (cd "$d" && replay_in "$s" > "$work/$s.want" 2>/dev/null)
  echo "captured $s: $(($(wc -l < "$work/$s.req") - 1)) requests after hello" >&2
}
replay_in() { if [ -x program ]; then ./program < "$work/$1.req"; else "$PY" solution.py < "$work/$1.req"; fi; }
replay() { cd "$work/cap-$1" && replay_in "$1"; }
samples=(raw-protocol python-reference)
capture raw-protocol
capture python-reference
if command -v go >/dev/null; then
  "$OG" kit go "$work/gokit" >/dev/null
  cp testdata/submissions/go-reference/*.go testdata/submissions/go-reference/go.mod "$work/gokit/"
  (cd "$work/gokit" && go build -o "$work/go-reference.bin" .)
  capture go-reference "$work/go-reference.bin"
  samples+=(go-reference)
  # the grader's own build of the sample (check builds it once; later checks find it cached)
  "$OG" check -r $R testdata/submissions/go-reference >/dev/null 2>&1 || true
  gobin=$(ls "$OPTGRADE_CACHE"/go/*/solution | head -1)
  head -1 "$work/go-reference.req" > "$work/hello.req"
  gohello() { "$gobin" < "$work/hello.req"; }
fi

# the machine's floors (testdata/bench/floor): a Go program's start and end, and pipe round trips
floor=
if command -v go >/dev/null; then floor=$work/floor; go build -o "$floor" testdata/bench/floor/floor.go; fi

mkdir -p "$work/hello"
cat > "$work/hello/solution.py" <<'PYEOF'
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["fn"] == "hello":
        print(json.dumps({"id": r["id"], "result": {"protocol": 1, "functions": []}}), flush=True)
PYEOF
printf 'student: hello\nrun: [python3, solution.py]\n' > "$work/hello/optgrade.yaml"
bwrap_base=(bwrap --unshare-all --die-with-parent --cap-drop ALL --ro-bind /usr /usr)
for d in /bin /sbin /lib /lib32 /lib64; do
  if [ -L $d ]; then bwrap_base+=(--symlink "$(readlink $d)" $d); elif [ -d $d ]; then bwrap_base+=(--ro-bind $d $d); fi
done
bwrap_base+=(--ro-bind /etc /etc --proc /proc --dev /dev --tmpfs /tmp --bind "$work" "$work" --chdir "$work" --)
# (a function expands its array when called: bwrap_base is never extended after this)
bwrap_gohello() { "${bwrap_base[@]}" "$gobin" < "$work/hello.req"; }
bwrap_pass=("${bwrap_base[@]}" "$PY" -c pass)
# ms ignores failures: make sure once that each hello is answered
if [ -n "${gobin:-}" ]; then
  for f in gohello bwrap_gohello; do
    $f 2>&1 | grep -q '"protocol":1' || { echo "$f: no answer to hello" >&2; $f; exit 1; }
  done
fi

# ms CMD...: CMD's wall time in ms (0.1 ms steps), timed by bash itself ($EPOCHREALTIME, µs):
# no timer process inside the interval
ms() {
  local s=$EPOCHREALTIME e
  "$@" >/dev/null 2>&1 || true
  e=$EPOCHREALTIME
  local us=$((${e//[.,]/} - ${s//[.,]/}))
  echo "$((us / 1000)).$((us / 100 % 10))"
}
pytest_baseline() {
  REQUESTS=$work/python-reference.req EXPECTED=$work/raw-protocol.want SUBMISSION=$PWD/testdata/submissions/python-reference \
    "$PY" -m pytest -q -p no:cacheprovider testdata/bench/test_baseline.py
}
have_pytest=1
"$PY" -c 'import pytest' 2>/dev/null || { have_pytest=0; echo "no pytest for $PY: skipping the pytest baseline (apt-get install python3-pytest)" >&2; }

declare -A t
add() { t[$1]="${t[$1]:-} $2"; }
# ogs NAME ARGS...: one run of the grader (and of the before binary, as "NAME (before)")
# The two binaries take turns going first ($i is the round): the order alone moved the
# medians of one binary run twice by ~7 % (what a run leaves to the kernel, such as
# tearing down its sandbox, and what it warms, such as caches, act on the run after it).
ogs() {
  local k=$1; shift
  if [ -n "$BEFORE" ] && [ $((i % 2)) = 0 ]; then add "$k (before)" "$(ms "$BEFORE" "$@")"; fi
  add "$k" "$(ms "$OG" "$@")"
  if [ -n "$BEFORE" ] && [ $((i % 2)) = 1 ]; then add "$k (before)" "$(ms "$BEFORE" "$@")"; fi
  return 0
}
for i in $(seq "$N"); do
  for s in "${samples[@]}"; do
    ogs "check $s" check --all -r $R "testdata/submissions/$s"
    add "replay $s" "$(ms replay $s)"
  done
  [ $have_pytest = 1 ] && add pytest "$(ms pytest_baseline)"
  ogs "check hello" check -r $R "$work/hello"
  add "python -c pass" "$(ms "$PY" -c pass)"
  add "bwrap python -c pass" "$(ms "${bwrap_pass[@]}")"
  add "/bin/true" "$(ms /bin/true)"
  [ -n "$floor" ] && add "go hello world" "$(ms "$floor")"
  if [ -n "${gobin:-}" ]; then
    ogs "check go, cached" check -r $R testdata/submissions/go-reference
    ogs "check go, cached, none" check $nosandbox -r $R testdata/submissions/go-reference
    add "go binary hello" "$(ms gohello)"
    add "bwrap go binary hello" "$(ms bwrap_gohello)"
  fi
done
if [ -n "$floor" ]; then
  for i in 1 2 3 4 5; do
    add "pipe round trip (µs)" "$("$floor" roundtrip 2000)"
    add "pipelined echo (lines/s)" "$("$floor" pipelined 50000)"
  done
fi
med() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
declare -A m
for k in "${!t[@]}"; do m[$k]=$(med "${t[$k]}"); done
echo "medians of $N interleaved runs (ms):"
for k in "check raw-protocol" "replay raw-protocol" "check python-reference" "replay python-reference" "check go-reference" "replay go-reference" pytest "check hello" "python -c pass" "bwrap python -c pass" "check go, cached" "check go, cached, none" "go binary hello" "bwrap go binary hello" "/bin/true" "go hello world" "pipe round trip (µs)" "pipelined echo (lines/s)"; do
  [ -n "${m[$k]:-}" ] && printf '  %-34s %6s\n' "$k" "${m[$k]}"
  [ -n "${m[$k (before)]:-}" ] && printf '  %-34s %6s\n' "$k (before)" "${m[$k (before)]}"
done
ratio() { awk -v a="$2" -v b="$3" -v l="$1" 'BEGIN{printf "  %-56s %5.2fx\n", l, a/b}'; }
echo "ratios:"
ratio "check --all / replay, raw-protocol (pure Python)" "${m[check raw-protocol]}" "${m[replay raw-protocol]}"
ratio "check --all / replay, python-reference (numpy kit)" "${m[check python-reference]}" "${m[replay python-reference]}"
[ -n "${m[check go-reference]:-}" ] && ratio "check --all / replay, go-reference (Go kit)" "${m[check go-reference]}" "${m[replay go-reference]}"
[ $have_pytest = 1 ] && ratio "pytest baseline / check --all, python-reference" "${m[pytest]}" "${m[check python-reference]}"
[ $have_pytest = 1 ] && ratio "pytest baseline / replay, python-reference (the limit)" "${m[pytest]}" "${m[replay python-reference]}"
ratio "check, hello only / python -c pass" "${m[check hello]}" "${m[python -c pass]}"
ratio "bwrap + python -c pass / python -c pass" "${m[bwrap python -c pass]}" "${m[python -c pass]}"
ratio "check, hello only / (bwrap + python -c pass)" "${m[check hello]}" "${m[bwrap python -c pass]}"
# the start-up target: check ≤ 1.3 × python -c pass + the sandbox's own cost
awk -v c="${m[check hello]}" -v p="${m[python -c pass]}" -v b="${m[bwrap python -c pass]}" \
  'BEGIN{printf "  %-56s %5.2fx\n", "check, hello only / (1.3 x python -c pass + sandbox cost)", c/(1.3*p+b-p)}'
if [ -n "${gobin:-}" ]; then
  ratio "check go (2nd, cached) / go binary hello, with bwrap" "${m[check go, cached]}" "${m[go binary hello]}"
  ratio "check go (2nd, cached) / go binary hello, --sandbox none" "${m[check go, cached, none]}" "${m[go binary hello]}"
  ratio "bwrap + go binary hello / go binary hello (the sandbox)" "${m[bwrap go binary hello]}" "${m[go binary hello]}"
  ratio "check go (2nd, cached) / (bwrap + go binary hello)" "${m[check go, cached]}" "${m[bwrap go binary hello]}"
fi
[ $have_pytest = 1 ] && ratio "pytest baseline / check --all, raw-protocol (the issue's pairing)" "${m[pytest]}" "${m[check raw-protocol]}"
if [ -n "$floor" ]; then
  # What a target leaves the grader, next to what any Go program costs here just to start and
  # end (and, for the sandboxed checks, bubblewrap's own cost): a budget under the floor
  # cannot be met by any grader written in Go on this machine.
  echo "floors of this machine (ms unless said):"
  awk -v p="${m[python -c pass]}" -v b="${m[bwrap python -c pass]}" -v g="${m[go hello world]}" \
    'BEGIN{printf "  %-56s %5.1f vs %5.1f\n", "start-up: budget 0.3 x python -c pass vs Go hello world", 0.3*p, g}'
  for s in "${samples[@]}"; do
    awk -v r="${m[replay $s]}" -v g="${m[go hello world]}" -v sb="$(awk -v p="${m[python -c pass]}" -v b="${m[bwrap python -c pass]}" 'BEGIN{print b-p}')" -v l="check --all ≤ 1.2x replay, $s: budget" \
      'BEGIN{printf "  %-56s %5.1f vs %5.1f (Go start %.1f + sandbox %.1f)\n", l, 0.2*r, g+sb, g, sb}'
  done
  [ -n "${gobin:-}" ] && awk -v h="${m[go binary hello]}" -v bh="${m[bwrap go binary hello]}" -v g="${m[go hello world]}" \
    'BEGIN{printf "  %-56s %5.1f vs %5.1f (bwrap + hello %.1f + Go start %.1f)\n", "issue 7: 3 x go binary hello vs what a sandboxed check needs", 3*h, bh+g, bh, g}'
  awk -v rt="${m[pipe round trip (µs)]}" 'BEGIN{printf "  %-56s %5.0f/s (%.1f µs per round trip)\n", "free-running: bare Go pipe echo, one line at a time", 1e6/rt, rt}'
  awk -v l="${m[pipelined echo (lines/s)]}" 'BEGIN{printf "  %-56s %5.0f/s\n", "teacher-forced: bare Go pipe echo, pipelined", l}'
fi
if [ -n "$BEFORE" ]; then
  echo "after / before (same runs, interleaved):"
  for k in "check raw-protocol" "check python-reference" "check go-reference" "check hello" "check go, cached" "check go, cached, none"; do
    [ -n "${m[$k (before)]:-}" ] && ratio "$k" "${m[$k]}" "${m[$k (before)]}"
  done
fi
