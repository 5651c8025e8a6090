package batch

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// placeholders are ids the student kits ship in their optgrade.yaml template: a
// submission still naming one never said whose it is.
var placeholders = []string{"your-student-id", "your_student_id", "student-id", "yourid", "your-id"}

func isPlaceholder(id string) bool {
	for _, p := range placeholders {
		if strings.EqualFold(id, p) {
			return true
		}
	}
	return false
}

var unsafeKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._-]+`) })

// storeKey is a student's folder name in the store: the id, made safe for a file name.
func storeKey(id string) string {
	key := unsafeKey().ReplaceAllString(id, "_")
	if key == "" || key == "." || key == ".." {
		key = "_" + key
	}
	return key
}

// identify gives every entry its student id and its folder in the store, and checks that
// the ids are one to one: a submission naming the kit's placeholder, two folders naming
// the same student, an id not on the roster are errors (all of them, in one error), since
// a gradebook built on them could not be trusted. A submission whose optgrade.yaml names
// no student is graded under its folder's name (and, with a roster, that name must be a
// roster id or username).
func identify(entries []entry, roster *Roster) error {
	var errs []string
	byID := map[string]int{}
	byKey := map[string]int{}
	for i := range entries {
		e := &entries[i]
		if e.err == nil && e.sub.Student != "" {
			e.id = e.sub.Student
		} else {
			e.id = filepath.Base(absOr(e.dir))
			e.idFromFolder = true
		}
		if !e.idFromFolder && isPlaceholder(e.id) {
			errs = append(errs, fmt.Sprintf("%s: student: %q is the kit's placeholder: write the student's id in its optgrade.yaml", e.dir, e.id))
			continue
		}
		if roster != nil {
			s, ok := roster.Lookup(e.id)
			if !ok {
				how := "its optgrade.yaml's student:"
				if e.idFromFolder {
					how = "its folder name (its optgrade.yaml names no student)"
				}
				errs = append(errs, fmt.Sprintf("%s: student %q (%s) is not on the roster", e.dir, e.id, how))
				continue
			}
			e.id = s.ID
		}
		if j, dup := byID[e.id]; dup {
			errs = append(errs, fmt.Sprintf("student %q is named by two folders: %s and %s", e.id, entries[j].dir, e.dir))
			continue
		}
		byID[e.id] = i
		e.key = storeKey(e.id)
		if j, dup := byKey[e.key]; dup {
			errs = append(errs, fmt.Sprintf("students %q (%s) and %q (%s) would share the result folder %q: rename one", entries[j].id, entries[j].dir, e.id, e.dir, e.key))
			continue
		}
		byKey[e.key] = i
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("%w: nothing was graded:\n  %s", ErrIdentity, strings.Join(errs, "\n  "))
	}
	return nil
}

func absOr(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// Shard is one part of a batch split across machines: part K (1-based) of N. The zero
// Shard is the whole batch.
type Shard struct {
	K int `json:"k,omitempty"`
	N int `json:"n,omitempty"`
}

// ParseShard reads "k/n" (1 ≤ k ≤ n), or "auto": the part a job array says this machine
// runs — a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based, of JOB_COMPLETIONS) or
// a Slurm job array (SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN, of
// SLURM_ARRAY_TASK_COUNT). getenv reads the environment. "" is the whole batch.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	switch s {
	case "":
		return Shard{}, nil
	case "auto":
		return autoShard(getenv)
	}
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || fmt.Sprintf("%d/%d", sh.K, sh.N) != s || sh.N < 1 || sh.K < 1 || sh.K > sh.N {
		return Shard{}, fmt.Errorf("shard %q: want k/n with 1 ≤ k ≤ n, e.g. 2/4, or auto", s)
	}
	return sh, nil
}

func autoShard(getenv func(string) string) (Shard, error) {
	atoi := func(name string) (int, bool) {
		v := getenv(name)
		if v == "" {
			return 0, false
		}
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	if i, ok := atoi("JOB_COMPLETION_INDEX"); ok {
		n, ok := atoi("JOB_COMPLETIONS")
		if !ok || i < 0 || i >= n {
			return Shard{}, fmt.Errorf("--shard auto: JOB_COMPLETION_INDEX=%q needs JOB_COMPLETIONS above it (set it from the Job's spec.completions)", getenv("JOB_COMPLETION_INDEX"))
		}
		return Shard{K: i + 1, N: n}, nil
	}
	if id, ok := atoi("SLURM_ARRAY_TASK_ID"); ok {
		n, ok := atoi("SLURM_ARRAY_TASK_COUNT")
		low, _ := atoi("SLURM_ARRAY_TASK_MIN")
		step, hasStep := atoi("SLURM_ARRAY_TASK_STEP")
		if !hasStep || step < 1 {
			step = 1
		}
		k := (id-low)/step + 1
		if !ok || k < 1 || k > n {
			return Shard{}, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID=%d is not one of the %q tasks from SLURM_ARRAY_TASK_MIN=%d", id, getenv("SLURM_ARRAY_TASK_COUNT"), low)
		}
		return Shard{K: k, N: n}, nil
	}
	return Shard{}, fmt.Errorf("--shard auto: no JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm job array) in the environment; pass --shard k/n")
}

// String is "k/n", or "" for the whole batch.
func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Has reports whether student id falls in the shard: a hash of the id, so every machine
// splits the same course the same way, whatever order it finds the folders in.
func (s Shard) Has(id string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32()%uint32(s.N)) == s.K-1
}
