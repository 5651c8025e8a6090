package kit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func serveLines(t *testing.T, fns Functions, requests ...string) []map[string]any {
	t.Helper()
	var out, notes bytes.Buffer
	in := strings.Join(requests, "\n") + "\n"
	if err := ServeIO(strings.NewReader(in), &out, fns, &notes); err != nil {
		t.Fatal(err)
	}
	var resps []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		// NaN and Infinity are not JSON to encoding/json: quote them for the test.
		for _, tok := range []string{"-Infinity", "Infinity", "NaN"} {
			line = strings.ReplaceAll(line, ":"+tok, `:"`+tok+`"`)
			line = strings.ReplaceAll(line, "["+tok, `["`+tok+`"`)
			line = strings.ReplaceAll(line, ","+tok, `,"`+tok+`"`)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("response %q is not JSON: %v", line, err)
		}
		resps = append(resps, m)
	}
	return resps
}

func TestServeAnswersInOrder(t *testing.T) {
	fns := Functions{
		GDStep: func(a GDStepArgs) ([]float64, error) {
			w := make([]float64, len(a.W))
			for i := range w {
				w[i] = a.W[i] - a.LR*a.G[i]
			}
			return w, nil
		},
		AdamStep: func(a AdamStepArgs) (AdamStepResult, error) {
			return AdamStepResult{W: a.W, M: []float64{float64(a.T)}, V: a.V}, nil
		},
		Diagnose: func(DiagnoseArgs) (string, error) { return "", ErrNotImplemented },
	}
	resps := serveLines(t, fns,
		`{"id":0,"fn":"hello","args":{"protocol":1}}`,
		`{"id":1,"fn":"gd_step","args":{"w":[1,2],"g":[0.5,-1],"lr":0.1,"unknown":3}}`,
		`not json at all`,
		``,
		`{"id":2,"fn":"adam_step","args":{"w":[1],"m":[0],"v":[0],"t":3,"g":[1],"lr":0.1,"beta1":0.9,"beta2":0.999,"eps":1e-8}}`,
		`{"id":3,"fn":"train","args":{}}`,
		`{"id":4,"fn":"diagnose","args":{"loss":[1,2,3,4,5]}}`,
		`{"id":5,"fn":"no_such_function","args":{}}`,
		`{"id":6,"fn":"gd_step","args":{"w":"oops"}}`,
	)
	if len(resps) != 7 {
		t.Fatalf("got %d responses, want 7 (one per request, none for the bad line): %v", len(resps), resps)
	}
	for i, r := range resps {
		if r["id"] != float64(i) {
			t.Errorf("response %d has id %v: responses out of order", i, r["id"])
		}
	}
	hello := resps[0]["result"].(map[string]any)
	if hello["protocol"] != 1.0 || fmt.Sprint(hello["functions"]) != "[gd_step adam_step diagnose]" || hello["language"] != "go" || hello["kit"] != Version {
		t.Errorf("hello = %v", hello)
	}
	if got := fmt.Sprint(resps[1]["result"]); got != "[0.95 2.1]" {
		t.Errorf("gd_step = %s, want [0.95 2.1]", got)
	}
	if got := fmt.Sprint(resps[2]["result"]); got != "map[m:[3] v:[0] w:[1]]" {
		t.Errorf("adam_step = %s (t must arrive as an int)", got)
	}
	for id, want := range map[int]string{3: "NotImplementedError: train", 4: "NotImplementedError: diagnose", 5: "NotImplementedError: no_such_function"} {
		if got, _ := resps[id]["error"].(string); !strings.HasPrefix(got, want) {
			t.Errorf("response %d: error %q, want %q", id, got, want)
		}
	}
	if got, _ := resps[6]["error"].(string); !strings.HasPrefix(got, "TypeError: arguments of gd_step") {
		t.Errorf("bad arguments: error %q", got)
	}
}

func TestServeReportsPanicsAndErrors(t *testing.T) {
	fns := Functions{
		QuadraticGrad: func(a QuadraticArgs) ([]float64, error) {
			g := make([]float64, len(a.W))
			for i := range a.A { // a is longer than w: index out of range
				g[i] = 2 * a.A[i] * a.W[i]
			}
			return g, nil
		},
		QuadraticLoss: func(QuadraticArgs) (float64, error) { panic(fmt.Sprintf("my own panic %d", 42)) },
		BernoulliMLE:  func(BernoulliMLEArgs) (float64, error) { return 0, errors.New("empty y") },
		LRLinear:      func(LRLinearArgs) (float64, error) { return 1, nil },
	}
	resps := serveLines(t, fns,
		`{"id":1,"fn":"quadratic_grad","args":{"w":[1],"a":[1,2]}}`,
		`{"id":2,"fn":"quadratic_loss","args":{"w":[1],"a":[1]}}`,
		`{"id":3,"fn":"bernoulli_mle","args":{"y":[]}}`,
		`{"id":4,"fn":"lr_linear","args":{"k":1,"lr0":1,"lr_tau":0,"tau":2}}`,
	)
	if len(resps) != 4 {
		t.Fatalf("got %d responses, want 4: a panic must not end serving", len(resps))
	}
	e1, _ := resps[0]["error"].(string)
	if !strings.HasPrefix(e1, "panic: runtime error: index out of range [1] with length 1 at ") || !strings.Contains(e1, "serve_test.go:") {
		t.Errorf("panic error = %q, want the value and the panicking line in serve_test.go", e1)
	}
	e2, _ := resps[1]["error"].(string)
	if !strings.HasPrefix(e2, "panic: my own panic 42 at ") || !strings.Contains(e2, "serve_test.go:") {
		t.Errorf("panic error = %q", e2)
	}
	if e3, _ := resps[2]["error"].(string); e3 != "Error: bernoulli_mle: empty y" {
		t.Errorf("error = %q", e3)
	}
	if resps[3]["result"] != 1.0 {
		t.Errorf("call after panics = %v", resps[3])
	}
}

func TestServeWritesNonFinite(t *testing.T) {
	fns := Functions{Train: func(TrainArgs) (TrainResult, error) {
		return TrainResult{W: [][]float64{{1}, {math.Inf(1)}}, Loss: []float64{1, math.NaN()}}, nil
	}, LRExponential: func(LRExponentialArgs) (float64, error) { return math.Inf(-1), nil }}
	var out bytes.Buffer
	in := `{"id":1,"fn":"train","args":{}}` + "\n" + `{"id":2,"fn":"lr_exponential","args":{}}` + "\n"
	if err := ServeIO(strings.NewReader(in), &out, fns, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := `{"id":1,"result":{"w":[[1],[Infinity]],"loss":[1,NaN]}}` + "\n" + `{"id":2,"result":-Infinity}` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestSetFromPluginSymbols(t *testing.T) {
	var fns Functions
	adam := func(AdamStepArgs) (AdamStepResult, error) { return AdamStepResult{}, nil }
	nll := func(BernoulliArgs) (float64, error) { return 0, nil }
	if !fns.Set("AdamStep", adam) || !fns.Set("BernoulliNLL", &nll) {
		t.Fatal("Set refused a function of the right type")
	}
	if fns.Set("GDStep", adam) {
		t.Error("Set accepted a function of the wrong type")
	}
	if fns.Set("NoSuch", adam) {
		t.Error("Set accepted an unknown name")
	}
	if got := fmt.Sprint(fns.Implemented()); got != "[bernoulli_nll adam_step]" {
		t.Errorf("Implemented = %s", got)
	}
	if n := len(GoNames()); n != 16 {
		t.Errorf("%d catalog functions, want 16", n)
	}
}

// TestServeKeepsPrintsOffTheProtocol runs Serve in a child process whose functions print
// with fmt, log and a raw write to file descriptor 1: only responses reach stdout.
func TestServeKeepsPrintsOffTheProtocol(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "OPTGRADE_KIT_TEST_CHILD=1")
	cmd.Stdin = strings.NewReader(`{"id":0,"fn":"hello","args":{"protocol":1}}` + "\n" + `{"id":1,"fn":"gd_step","args":{"w":[1],"g":[1],"lr":1}}` + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"id":0,"result":`) || lines[1] != `{"id":1,"result":[0]}` {
		t.Errorf("stdout holds more than the protocol:\n%s", stdout.String())
	}
	for _, want := range []string{"fmt print", "log print", "raw fd 1 write"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestMain(m *testing.M) {
	if os.Getenv("OPTGRADE_KIT_TEST_CHILD") == "1" {
		Serve(Functions{GDStep: func(a GDStepArgs) ([]float64, error) {
			fmt.Println("fmt print")
			log.Print("log print")
			os.NewFile(1, "fd1").WriteString("raw fd 1 write\n")
			return []float64{a.W[0] - a.LR*a.G[0]}, nil
		}})
	}
	os.Exit(m.Run())
}

// BenchmarkServe measures the kit's own cost per call: adam_step requests read, decoded,
// answered (by a trivial step) and encoded, as one pipelined batch, with no process.
func BenchmarkServe(b *testing.B) {
	var in bytes.Buffer
	for i := range 1000 {
		fmt.Fprintf(&in, `{"id":%d,"fn":"adam_step","args":{"beta1":0.9,"beta2":0.999,"eps":1e-8,"g":[0.1,-0.2,0.3],"lr":0.01,"m":[0,0,0],"t":%d,"v":[0,0,0],"w":[1,-2,0.5]}}`+"\n", i+1, i+1)
	}
	fns := Functions{AdamStep: func(a AdamStepArgs) (AdamStepResult, error) {
		return AdamStepResult{W: a.W, M: a.G, V: a.G}, nil
	}}
	b.ReportAllocs()
	for b.Loop() {
		if err := ServeIO(bytes.NewReader(in.Bytes()), io.Discard, fns, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/call")
}

// TestServeSendsAnswersBeforeAHang: answers are sent in batches, but a call that hangs
// does not hold back the answers of the calls before it (the grader would blame them).
func TestServeSendsAnswersBeforeAHang(t *testing.T) {
	release := make(chan struct{})
	fns := Functions{LRLinear: func(a LRLinearArgs) (float64, error) {
		if a.K == 2 {
			<-release
		}
		return float64(a.K), nil
	}}
	in := strings.NewReader(`{"id":1,"fn":"lr_linear","args":{"k":1}}` + "\n" + `{"id":2,"fn":"lr_linear","args":{"k":2}}` + "\n")
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- ServeIO(in, outW, fns, io.Discard); outW.Close() }()
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		first <- line
		io.Copy(io.Discard, outR)
	}()
	select {
	case line := <-first:
		if line != `{"id":1,"result":1}`+"\n" {
			t.Errorf("first answer %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the answer to call 1 was held back while call 2 hung")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
