"""A fake submission for grader/process_test.go, speaking the wire protocol (DESIGN.md §1).

Standard library only, so that any python3 runs it.

    python3 server.py [MODE]

MODE changes the hello:
    ok           (default) {"protocol": 1, "functions": [...]}
    noproto      no "protocol" key
    v2           protocol 2
    nofunctions  no "functions" key
    error        answers hello with an error
    silent       never answers (reads and ignores)
    exit         exits 2 at once, with a message on stderr
    chatty       prints stray lines on stdout and stderr before answering
    noread       answers hello, then never reads stdin again (sleeps)
    hugehello    answers hello with 60 MB of padding in it (hostile)
    fakebwrap    inside a pid namespace (bubblewrap), pretends to be bubblewrap failing;
                 elsewhere serves as ok: it must not talk its way out of the sandbox
    goodbye      serves as ok; when its input ends, waits 200 ms, then prints "goodbye" on
                 stdout and "bye on stderr" on stderr and exits
    linger       serves as ok; when its input ends, sleeps forever

Functions (by "fn"):
    echo        result = args
    add         result = a + b
    nonfinite   result = [NaN, Infinity, -Infinity, 1.5] as Python's json writes them (bare)
    nanstrings  result = ["NaN", "Infinity", "-Infinity", "converged"]
    stray       prints args["text"] on stdout, then answers "ok"
    stderr      writes args["n"] bytes (lines of x) on stderr, then answers "ok"
    fail        error "NotImplementedError: fail"
    hang        sleeps forever
    crash       writes a traceback on stderr, exits 3
    wrongid     answers with id + 1
    nearmiss    prints {"id": ..., "result": 1, "error": "x"} (both keys), then hangs
    flood       writes args["mb"] MB of lines on stdout and on stderr, then answers "ok"
    bigline     writes one line of args["mb"] MB starting with '{', then answers "ok"
    spin        busy-loops forever (for the CPU limit)
    alloc       allocates args["mb"] MB, then answers "ok" (for the memory limit)
    writefile   writes args["mb"] MB to big.bin in its folder, then answers "ok" (file size limit)
    raw         writes args["line"] with ID replaced by the id, as its answer (hostile answers)
    arrays      answers [[], [], …] with args["n"] empty arrays, streamed (hostile)
    twice       answers "ok" twice
    spawn       starts a child ignoring SIGTERM which starts a grandchild; both sleep, with
                args["token"] in their command lines; answers "ok"
"""

import json
import os
import subprocess
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "ok"
FUNCTIONS = ["echo", "add", "nonfinite", "nanstrings", "stray", "stderr", "fail", "hang",
             "crash", "wrongid", "nearmiss", "flood", "bigline", "spin", "alloc", "writefile", "spawn",
             "raw", "arrays", "twice"]


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def hello(req):
    rid = req["id"]
    if MODE == "noproto":
        send({"id": rid, "result": {"functions": FUNCTIONS}})
    elif MODE == "v2":
        send({"id": rid, "result": {"protocol": 2, "functions": FUNCTIONS}})
    elif MODE == "nofunctions":
        send({"id": rid, "result": {"protocol": 1}})
    elif MODE == "error":
        send({"id": rid, "error": "RuntimeError: no hello today"})
    elif MODE == "silent":
        pass
    elif MODE == "hugehello":
        send({"id": rid, "result": {"protocol": 1, "functions": FUNCTIONS, "padding": "p" * (60 << 20)}})
    else:
        if MODE == "chatty":
            print("starting up")
            sys.stderr.write("a warning on stderr\n")
        send({"id": rid, "result": {"protocol": 1, "functions": FUNCTIONS, "language": "python"}})


def spawn(token):
    code = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "if sys.argv[2] == 'parent':\n"
        "    os.spawnv(os.P_NOWAIT, sys.executable, [sys.executable, '-c', sys.argv[1], sys.argv[1], 'child', sys.argv[3]])\n"
        "time.sleep(1000)\n"
    )
    subprocess.Popen([sys.executable, "-c", code, code, "parent", token],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve(req):
    rid, fn, args = req["id"], req["fn"], req.get("args", {})
    if fn == "echo":
        send({"id": rid, "result": args})
    elif fn == "add":
        send({"id": rid, "result": args["a"] + args["b"]})
    elif fn == "nonfinite":
        send({"id": rid, "result": [float("nan"), float("inf"), float("-inf"), 1.5]})
    elif fn == "nanstrings":
        send({"id": rid, "result": ["NaN", "Infinity", "-Infinity", "converged"]})
    elif fn == "stray":
        print(args["text"])
        send({"id": rid, "result": "ok"})
    elif fn == "stderr":
        n = int(args["n"])
        line = "x" * 99 + "\n"
        while n > 0:
            sys.stderr.write(line[: min(n, 100)])
            n -= 100
        send({"id": rid, "result": "ok"})
    elif fn == "fail":
        send({"id": rid, "error": "NotImplementedError: fail"})
    elif fn == "hang":
        time.sleep(100000)
    elif fn == "crash":
        sys.stderr.write("Traceback (most recent call last):\n  File \"server.py\", line 1, in crash\n"
                         "ZeroDivisionError: division by zero\n")
        sys.exit(3)
    elif fn == "wrongid":
        send({"id": rid + 1, "result": 1})
    elif fn == "nearmiss":
        send({"id": rid, "result": 1, "error": "x"})
        time.sleep(100000)
    elif fn == "flood":
        line = "y" * 1023 + "\n"
        for _ in range(int(args["mb"]) * 1024):
            sys.stdout.write(line)
            sys.stderr.write(line)
        sys.stdout.flush()
        send({"id": rid, "result": "ok"})
    elif fn == "bigline":
        chunk = "z" * (1 << 20)
        sys.stdout.write("{")
        for _ in range(int(args["mb"])):
            sys.stdout.write(chunk)
        sys.stdout.write("\n")
        sys.stdout.flush()
        send({"id": rid, "result": "ok"})
    elif fn == "spin":
        while True:
            pass
    elif fn == "alloc":
        block = bytearray(int(args["mb"]) << 20)
        send({"id": rid, "result": "ok" if len(block) else "none"})
    elif fn == "writefile":
        with open("big.bin", "wb") as f:
            f.write(b"w" * (int(args["mb"]) << 20))
        send({"id": rid, "result": "ok"})
    elif fn == "raw":
        sys.stdout.write(args["line"].replace("ID", str(rid)) + "\n")
        sys.stdout.flush()
    elif fn == "arrays":
        sys.stdout.write('{"id": %d, "result": [' % rid)
        n = int(args["n"])
        block = "[]," * 100000
        while n > 100000:
            sys.stdout.write(block)
            n -= 100000
        sys.stdout.write("[]," * (n - 1) + "[]]}\n")
        sys.stdout.flush()
    elif fn == "late":  # answers, then prints text after ms milliseconds
        send({"id": rid, "result": "ok"})
        time.sleep(args["ms"] / 1000)
        sys.stdout.write(args["text"])
        sys.stdout.flush()
    elif fn == "twice":
        send({"id": rid, "result": "ok"})
        send({"id": rid, "result": "ok"})
    elif fn == "spawn":
        spawn(args["token"])
        send({"id": rid, "result": "ok"})
    else:
        send({"id": rid, "error": "NotImplementedError: " + fn})


def main():
    if MODE == "fakebwrap" and os.getpid() < 10:
        sys.stderr.write("bwrap: execvp python3: No such file or directory\n")
        sys.exit(1)
    if MODE == "exit":
        sys.stderr.write("fatal: cannot start\n")
        sys.exit(2)
    for line in sys.stdin:
        req = json.loads(line)
        if req["fn"] == "hello":
            hello(req)
            if MODE == "noread":
                time.sleep(100000)
            continue
        if MODE == "silent":
            continue
        serve(req)
    if MODE == "goodbye":
        time.sleep(0.2)
        print("goodbye", flush=True)
        sys.stderr.write("bye on stderr\n")
    elif MODE == "linger":
        time.sleep(100000)


main()
