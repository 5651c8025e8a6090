package batch_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
)

// TestMain keeps the tests' result key out of the user's configuration folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "optgrade-batch-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv(batch.KeyEnv, filepath.Join(dir, "result-key"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// forge rewrites a student's stored result with full marks, as a program without the key
// would: valid JSON, the record's digest (the content key) untouched, and the MAC given.
func forge(t *testing.T, dir, mac string) {
	t.Helper()
	var res grader.Result
	readInto(t, filepath.Join(dir, batch.ResultFile), &res)
	res.Score = res.MaxScore
	writeAs(t, filepath.Join(dir, batch.ResultFile), &res)
	var rec map[string]any
	readInto(t, filepath.Join(dir, batch.RecordFile), &rec)
	if mac == "" {
		delete(rec, "mac")
	} else {
		rec["mac"] = mac
	}
	writeAs(t, filepath.Join(dir, batch.RecordFile), rec)
}

func readInto(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func writeAs(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestForgedResultRegraded: a result.json the grader did not write — its MAC missing, or
// made with another key — is graded again on resume and the batch says so; an untouched
// one is kept; a forged student folder never reaches the gradebooks.
func TestForgedResultRegraded(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"alice": {"right", "alice"}, "bob": {"wrong", "bob"}, "dave": {"wrong", "dave"}})
	out := t.TempDir()
	first, err := grade(t, root, out, batch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	bobScore := byStudent(first.Results)["bob"].Score
	if bobScore == byStudent(first.Results)["bob"].MaxScore {
		t.Fatal("bob should have lost points")
	}
	forge(t, filepath.Join(out, "bob"), "")                                                                  // no MAC
	forge(t, filepath.Join(out, "dave"), "4f1c3be0a5c1e3a0f5f0b8a64c35c3f0a2f4a37e5b2d6e0b8b57c3c70d9e1a22") // a MAC of another key

	again, err := grade(t, root, out, batch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Kept != 1 || again.Graded != 2 {
		t.Errorf("kept %d, graded %d; want alice kept, bob and dave graded again", again.Kept, again.Graded)
	}
	want := []string{filepath.Join(out, "bob"), filepath.Join(out, "dave")}
	if !slices.Equal(again.Unsigned, want) {
		t.Errorf("Unsigned = %v, want %v", again.Unsigned, want)
	}
	for _, s := range []string{"bob", "dave"} {
		if r := byStudent(again.Results)[s]; r.Score != bobScore {
			t.Errorf("%s kept the forged %g, want the real %g", s, r.Score, bobScore)
		}
	}

	t.Run("untouched kept silently", func(t *testing.T) {
		third, err := grade(t, root, out, batch.Config{})
		if err != nil || third.Kept != 3 || len(third.Unsigned) != 0 {
			t.Errorf("kept %d, unsigned %v (%v); want all 3 kept, none unsigned", third.Kept, third.Unsigned, err)
		}
	})

	t.Run("planted folders left out of the gradebooks", func(t *testing.T) {
		// A copy of alice's genuine files under another folder: the MAC binds the folder.
		copyDir(t, filepath.Join(out, "alice"), filepath.Join(out, "mallory"))
		book, err := batch.WriteBooks(out, batch.BookOptions{Column: "A1"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(book.Unsigned, []string{"mallory"}) || len(book.Results) != 3 {
			t.Errorf("Unsigned %v, %d rows; want mallory left out of 3 rows", book.Unsigned, len(book.Results))
		}
	})

	t.Run("another key verifies nothing", func(t *testing.T) {
		book, err := batch.ReadBook(out, batch.BookOptions{Key: []byte("another key, not the store's")})
		if err != nil {
			t.Fatal(err)
		}
		if len(book.Records) != 0 || len(book.Unsigned) != 4 {
			t.Errorf("with another key %d results were read and %d unsigned, want 0 and 4", len(book.Records), len(book.Unsigned))
		}
	})
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLoadKey: the key is created once, 0600, and read back the same; a key file other
// users can read is refused; without --key or the environment it lives in the user's
// configuration folder, never in the store.
func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "key")
	k1, err := batch.LoadKey(path, "out")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := batch.LoadKey(path, "out")
	if err != nil || string(k1.Secret) != string(k2.Secret) || len(k1.Secret) != 32 {
		t.Fatalf("the key changed or is short: %x, %x (%v)", k1.Secret, k2.Secret, err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("the key's mode is %v, want 0600 (%v)", fi.Mode().Perm(), err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := batch.LoadKey(path, "out"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("a world-readable key was accepted: %v", err)
		}
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := batch.LoadKey(bad, "out"); err == nil {
		t.Error("a file that is no key was accepted")
	}

	t.Setenv(batch.KeyEnv, "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("HOME", filepath.Join(dir, "home"))
	if runtime.GOOS == "linux" {
		if p, inStore := batch.KeyPath("", "out"); p != filepath.Join(dir, "config", "optgrade", "result-key") || inStore {
			t.Errorf("the default key is %s (in the store: %t), want the user's configuration folder", p, inStore)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	if p, inStore := batch.KeyPath("", "out"); runtime.GOOS != "windows" && (p != filepath.Join("out", batch.OutKeyFile) || !inStore) {
		t.Errorf("without a configuration folder the key is %s (in the store: %t), want out/%s", p, inStore, batch.OutKeyFile)
	}
}

// TestMergeVerifiesKeys: shards signed with different keys merge only when merge is given
// their keys, and the merged store is signed with the first key given.
func TestMergeVerifiesKeys(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"s1": {"right", "s1"}, "s2": {"wrong", "s2"}, "s3": {"right", "s3"}})
	keyA, keyB, keyC := []byte("key of machine A, 32 bytes long!"), []byte("key of machine B, 32 bytes long!"), []byte("key of the merging machine......")
	var shards []string
	for k, key := range [][]byte{keyA, keyB} {
		out := filepath.Join(t.TempDir(), "shard")
		if _, err := grade(t, root, out, batch.Config{Shard: batch.Shard{K: k + 1, N: 2}, Key: key}); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, out)
	}

	refused := t.TempDir()
	_, err := batch.Merge(refused, shards, [][]byte{keyA}, nil)
	if !errors.Is(err, batch.ErrMerge) || !strings.Contains(err.Error(), "not signed with the given key") {
		t.Errorf("got %v, want a refusal naming the results of shard B", err)
	}
	if entries, _ := os.ReadDir(refused); len(entries) != 0 {
		t.Errorf("a refused merge wrote %v", entries)
	}

	merged := t.TempDir()
	book, err := batch.Merge(merged, shards, [][]byte{keyC, keyA, keyB}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Records) != 3 || len(book.Unsigned) != 0 {
		t.Errorf("merged %d results, %d unsigned; want 3 and 0", len(book.Records), len(book.Unsigned))
	}
	again, err := batch.ReadBook(merged, batch.BookOptions{Key: keyC})
	if err != nil || len(again.Records) != 3 {
		t.Errorf("the merged store does not verify with the merging key: %d results (%v)", len(again.Records), err)
	}
	if old, _ := batch.ReadBook(merged, batch.BookOptions{Key: keyA}); len(old.Records) != 0 {
		t.Errorf("the merged store still verifies with a shard's key: %d results", len(old.Records))
	}
}
