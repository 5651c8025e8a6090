#!/usr/bin/env bash
# A course-sized batch: N generated submissions (copies of the sample solutions, every
# fourth one broken, each with its own student id) graded with -j1 and with -j2, from
# scratch, ROUNDS times, the order alternating (-j1 first, then -j2 first, …). For each run:
# the wall time, the CPU of the grader process alone and of everything it started (the
# submissions, bubblewrap), how many cores the run kept busy on average ((CPU)/wall), and
# the grader's peak RSS (VmHWM of the optgrade process, sampled from /proc until it exits;
# the submissions' processes are not counted). Then the speed-up -j2/-j1 of each round and
# its median.
# Then the machine's own ceiling for two at once, each as "N runs in one stream" against
# "two streams of N/2 side by side", interleaved, medians of ROUNDS:
#   check  M (default 20) of the same submissions checked by separate `optgrade check --all`
#          processes: two independent gradings, with no batch code involved
#   cpu    a pure-Python loop: what two cores give CPU-bound work
#   numpy  `python3 -c "import numpy"`: process start, page faults, a large import
#   bwrap  bubblewrap made as the grader makes it (as nobody for a root grader), running `true`
#   bwrap-net  the same, sharing the network namespace (--share-net): whether creating and
#          tearing down a network namespace per sandbox is what limits two at once
# On a shared machine other jobs take CPU from either run at random: PRIO=rt runs all of it
# at real-time priority (chrt -r 1, root only; the kernel still leaves others 5 %), which
# shields the measurement. Every submission must be graded (no "could not be graded"), or
# the script stops: the Python needs numpy (OPTGRADE_PYTHON, default /usr/bin/python3).
# OPTGRADE_BEFORE=path/to/an/older/optgrade grades every batch with both binaries too,
# interleaved, and prints both speed-ups and after/before.
# Build first: go build -o /tmp/optgrade ./cmd/optgrade (or set OPTGRADE). N=200 by default.
set -eu
cd "$(dirname "$0")/../.."
N=${N:-200}
ROUNDS=${ROUNDS:-1}
OPTGRADE=${OPTGRADE:-/tmp/optgrade}
export OPTGRADE_PYTHON=${OPTGRADE_PYTHON:-/usr/bin/python3}
PY=$OPTGRADE_PYTHON
if [ "${PRIO:-}" = rt ]; then exec chrt -r 1 env PRIO=rt-on "$0" "$@"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 711 "$work" # a root grader runs the submissions as nobody
for i in $(seq -w 1 "$N"); do
  src=testdata/submissions/python-reference
  [ $((10#$i % 4)) -eq 0 ] && src=testdata/submissions/broken-adam-no-bias
  mkdir -p "$work/subs/s$i"
  cp "$src"/*.py "$work/subs/s$i/"
  printf 'student: s%s\nrun: [python3, solution.py]\nsubmitted_at: 2026-12-01T12:00:00Z\n' "$i" > "$work/subs/s$i/optgrade.yaml"
done
tick=$(getconf CLK_TCK)
# run J → "wall-s grader-cpu-s children-cpu-s peak-KiB"
run() { # J [BINARY]
  local bin=${2:-$OPTGRADE} out=$work/out-j$1 start hwm=0 h self=0 s pid
  rm -rf "$out" "$work/pid"
  start=$(date +%s%N)
  # a subshell of its own runs the grader, so that its `times` counts the grader's tree only
  ( "$bin" grade -j "$1" -r rubrics/assignment1.yaml --out "$out" "$work/subs" >/dev/null 2>"$work/err" &
    echo $! > "$work/pid"; wait $! || true; times > "$work/times" ) &
  local sub=$!
  until [ -s "$work/pid" ]; do sleep 0.01; done
  pid=$(cat "$work/pid")
  while kill -0 "$pid" 2>/dev/null; do
    h=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
    s=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || true)
    [ -n "$s" ] && self=$s
    sleep 0.1
  done
  wait "$sub"
  local end=$(date +%s%N)
  if grep -q 'could not be graded' "$work/err" || [ "$(ls "$out"/*/result.json | wc -l)" -ne "$N" ]; then
    echo "not every submission was graded with -j$1:" >&2
    grep -m3 -A3 'could not' "$work/err" >&2 || true
    exit 1
  fi
  # times: the subshell's own line, then its children's "XmY.YYYs XmY.YYYs" (user, system)
  tail -1 "$work/times" | sed 's/m/ /g; s/s//g' | awk -v s="$start" -v e="$end" -v self="$self" -v tk="$tick" -v m="$hwm" \
    '{printf "%.2f %.2f %.2f %d\n", (e-s)/1e9, self/tk, $1*60+$2+$3*60+$4, m}'
}
say() { # J wall self all hwm
  awk -v j="$1" -v w="$2" -v g="$3" -v a="$4" -v m="$5" -v n="$N" \
    'BEGIN{printf "  -j%d: %6.2f s (%.3f s per submission), CPU %.1f s (grader %.1f s, the rest %.1f s) = %.2f cores busy, grader peak RSS %.1f MiB\n", j, w, w/n, a, g, a-g, a/w, m/1024}'
}
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "N=$N, ROUNDS=$ROUNDS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)${PRIO:+, real-time priority}"
bins=(after) # label → binary
declare -A bin=([after]=$OPTGRADE) wall=() ratios=()
if [ -n "${OPTGRADE_BEFORE:-}" ]; then bins=(before after); bin[before]=$OPTGRADE_BEFORE; fi
for ((r = 1; r <= ROUNDS; r++)); do
  if [ $((r % 2)) -eq 1 ]; then order="1 2"; else order="2 1"; fi
  for j in $order; do
    for b in "${bins[@]}"; do
      read -r w g a m < <(run "$j" "${bin[$b]}")
      echo -n "${OPTGRADE_BEFORE:+$b }"; say "$j" "$w" "$g" "$a" "$m"
      wall[$b$j]=$w
    done
  done
  for b in "${bins[@]}"; do
    ratios[$b]+=" $(awk -v a="${wall[${b}1]}" -v b="${wall[${b}2]}" 'BEGIN{printf "%.2f", a/b}')"
  done
done
for b in "${bins[@]}"; do
  echo "${OPTGRADE_BEFORE:+$b: }speed-up -j2/-j1: median $(med ${ratios[$b]})x of [${ratios[$b]# }]"
done
if [ -n "${OPTGRADE_BEFORE:-}" ]; then
  echo "after/before wall: -j1 $(awk -v a="${wall[after1]}" -v b="${wall[before1]}" 'BEGIN{printf "%.2f", a/b}')x, -j2 $(awk -v a="${wall[after2]}" -v b="${wall[before2]}" 'BEGIN{printf "%.2f", a/b}')x (last round)"
fi

# The ceiling: pair NAME COUNT CMD… runs CMD COUNT times in one stream, then COUNT/2 times in
# each of two streams side by side, ROUNDS times; prints the median ratio.
stream() { local i; for ((i = 0; i < $1; i++)); do "${@:2}" >/dev/null 2>&1 || true; done; }
pair() {
  local name=$1 count=$2 r s0 s1 s2 rs=() one=() two=()
  shift 2
  for ((r = 0; r < ROUNDS; r++)); do
    s0=$(date +%s%N); stream "$count" "$@"; s1=$(date +%s%N)
    stream $((count / 2)) "$@" & stream $((count / 2)) "$@" & wait; s2=$(date +%s%N)
    rs+=($(awk -v a=$((s1 - s0)) -v b=$((s2 - s1)) 'BEGIN{printf "%.2f", a/b}'))
    one+=($(((s1 - s0) / count / 1000))); two+=($(((s2 - s1) / count / 1000)))
  done
  printf '  %-10s %6.1f ms each in one stream, %6.1f ms in two: %sx of [%s]\n' "$name" \
    "$(awk -v x="$(med "${one[@]}")" 'BEGIN{print x/1000}')" "$(awk -v x="$(med "${two[@]}")" 'BEGIN{print x/1000}')" "$(med "${rs[@]}")" "${rs[*]}"
}
checkeach() { local d; for d in "$@"; do "$OPTGRADE" check --all -r rubrics/assignment1.yaml "$work/subs/$d"; done; }
M=${M:-20}; [ "$M" -gt "$N" ] && M=$N
subs=($(ls "$work/subs" | head -n "$M"))
checkone() { checkeach "${subs[@]:$((RANDOM % M)):1}"; }
nobody=()
[ "$(id -u)" = 0 ] && nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
box=(bwrap --unshare-all --die-with-parent --cap-drop ALL --ro-bind /usr /usr)
for d in /lib /lib64 /bin /sbin; do [ -L "$d" ] && box+=(--symlink "$(readlink "$d")" "$d"); done
box+=(--ro-bind /etc /etc --proc /proc --dev /dev --tmpfs /tmp)
echo "ceiling (one stream / two streams side by side; medians of $ROUNDS):"
pair check "$M" checkone
pair cpu 20 "$PY" -c 'for i in range(1500000): pass'
pair numpy 20 "$PY" -c 'import numpy'
pair bwrap 100 "${nobody[@]}" "${box[@]}" -- /usr/bin/true
pair bwrap-net 100 "${nobody[@]}" "${box[@]}" --share-net -- /usr/bin/true
