package batch

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyEnv names the environment variable that gives the path of the result key, like
// --key: the same file on every machine of a sharded batch.
const KeyEnv = "OPTGRADE_KEY_FILE"

// OutKeyFile is where the key is kept, in the store itself, when there is no user
// configuration folder to keep it in (no $HOME): whoever may replace files in the store
// may then replace the key too.
const OutKeyFile = ".optgrade-key"

// keyBytes is the length of a key the grader creates.
const keyBytes = 32

// Key is the secret that signs the results of a store: an HMAC-SHA256 of each result and
// its record, kept in record.json. Only a grader holding the key writes a MAC that
// verifies, so a resumed batch never keeps a result.json some other program wrote.
type Key struct {
	Path   string // the file it was read from
	Secret []byte
	// InStore is true when the key is kept in the store (OutKeyFile), for want of a
	// user configuration folder.
	InStore bool
}

// KeyPath is where the result key of the store out lives: path when not empty, else
// $OPTGRADE_KEY_FILE, else optgrade/result-key in the user's configuration folder
// (~/.config on Linux), else OutKeyFile in out. The second result is true in the last case.
func KeyPath(path, out string) (string, bool) {
	if path != "" {
		return path, false
	}
	if p := os.Getenv(KeyEnv); p != "" {
		return p, false
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "optgrade", "result-key"), false
	}
	return filepath.Join(out, OutKeyFile), true
}

// LoadKey reads the key of the store out (see KeyPath), creating it — 32 random bytes, in
// hex, mode 0600 — when it does not exist. A key file that other users may read or write
// is refused: it would let them sign results.
func LoadKey(path, out string) (*Key, error) {
	p, inStore := KeyPath(path, out)
	secret, err := readKey(p)
	if errors.Is(err, os.ErrNotExist) {
		if err = createKey(p); err == nil || errors.Is(err, os.ErrExist) {
			secret, err = readKey(p)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("result key: %w", err)
	}
	return &Key{Path: p, Secret: secret, InStore: inStore}, nil
}

func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s may be read or written by other users (mode %#o): chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("%s is not a key: want at least 32 hex digits (16 bytes) on one line", path)
	}
	return secret, nil
}

// createKey writes a new key to path, never over an existing one: it is written to a
// temporary file and linked into place, so two graders starting at once agree on one key.
func createKey(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	secret := make([]byte, keyBytes)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	// CreateTemp makes the file 0600.
	tmp, err := writeTemp(path, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s\n", hex.EncodeToString(secret))
		return err
	})
	defer os.Remove(tmp)
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if _, serr := os.Stat(path); serr == nil {
			return os.ErrExist
		}
		return err
	}
	return syncDir(filepath.Dir(path))
}

// mac signs a record (its MAC field aside), the student's folder in the store and the
// bytes of result.json.
func mac(secret []byte, key string, rec Record, result []byte) string {
	h := hmac.New(sha256.New, secret)
	sum := sha256.Sum256(result)
	fmt.Fprintf(h, "optgrade result v1\nfolder %q\nstudent %q\nsource %q\ndigest %q\nrubric %q\noptgrade %q\nid-from-folder %t\nresult %x\n",
		key, rec.Student, rec.Folder, rec.Digest, rec.RubricDigest, rec.Optgrade, rec.IDFromFolder, sum)
	return hex.EncodeToString(h.Sum(nil))
}

// verify reports whether rec.MAC was written with one of the secrets.
func verify(secrets [][]byte, key string, rec Record, result []byte) bool {
	got, err := hex.DecodeString(rec.MAC)
	if err != nil || len(got) == 0 {
		return false
	}
	for _, s := range secrets {
		want, _ := hex.DecodeString(mac(s, key, rec, result))
		if hmac.Equal(got, want) {
			return true
		}
	}
	return false
}
