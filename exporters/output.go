package exporters

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/vitrine-tools/vitrine/model"
)

// Output is the output folder of a build (OUT). Exporters write into a
// staging folder inside OUT through an os.Root, so nothing can be written
// outside OUT; Commit then moves each declared product into place with a
// rename, and Abort removes the staging folder. A failed or interrupted build
// therefore leaves the previous outputs untouched and no partial file where a
// finished one is expected.
//
// An Output is safe for concurrent use by the goroutines of one exporter.
type Output struct {
	dir      string
	stageRel string
	stage    *os.Root
	lock     *os.File
	mu       sync.Mutex
	products map[string]bool
	// reused are folders of the current OUT that Commit carries over into
	// the new version of their product (see Reuse).
	reused map[string]bool
	// current reads the current OUT (opened by FS when folders are reused).
	current *os.Root
	// CopyOnly makes CopyFile always copy, never hard-link (--link-cache=false).
	CopyOnly bool
}

// StampFile is the name of the file an exporter writes last into a folder it
// may Reuse on the next build, saying what the folder holds. Packagers (the
// bag) leave it out.
const StampFile = ".vitrine-stamp"

// StagePrefix starts the names of staging folders in OUT.
const StagePrefix = ".vitrine-staging-"

// lockName is the file in a staging folder that its build keeps locked
// while it runs.
const lockName = ".vitrine-lock"

// NewOutput creates dir if needed and a fresh staging folder inside it. It
// first removes the staging folders of builds that were killed (SIGKILL,
// power loss) before they could clean up: those whose lock file no process
// holds.
func NewOutput(dir string) (*Output, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	removeStale(dir)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	stageRel := StagePrefix + hex.EncodeToString(rnd[:])
	if err := os.Mkdir(filepath.Join(dir, stageRel), 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	// Without locks (other systems) the folder is still removed by Abort;
	// only the clean-up after a kill is lost.
	lock, _ := tryLock(filepath.Join(dir, stageRel, lockName), true)
	root, err := os.OpenRoot(filepath.Join(dir, stageRel))
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	return &Output{dir: dir, stageRel: stageRel, stage: root, lock: lock, products: map[string]bool{}, reused: map[string]bool{}}, nil
}

// removeStale removes the staging folders in dir whose lock no running
// build holds. A folder without a lock file (being created, or made by a
// system without locks) is left alone.
func removeStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), StagePrefix) {
			continue
		}
		stage := filepath.Join(dir, e.Name())
		f, err := tryLock(filepath.Join(stage, lockName), false)
		if err != nil {
			continue
		}
		_ = os.RemoveAll(stage)
		f.Close()
	}
}

// Dir is OUT.
func (o *Output) Dir() string { return o.dir }

// StageDir is the staging folder, for tools that need a path. Prefer Create.
func (o *Output) StageDir() string { return filepath.Join(o.dir, o.stageRel) }

// FS reads what has been staged so far (for an exporter that packages
// another's output), including the folders of the current OUT that this
// build reuses.
func (o *Output) FS() fs.FS {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.reused) == 0 {
		return o.stage.FS()
	}
	reused := make([]string, 0, len(o.reused))
	for r := range o.reused {
		reused = append(reused, r)
	}
	sort.Strings(reused)
	cur, err := o.currentRoot()
	if err != nil {
		return errFS{err}
	}
	return &stagedFS{stage: o.stage.FS(), out: cur.FS(), reused: reused}
}

// Product declares rel (a file or a folder, slash-separated) as one product
// that Commit moves into place as a whole.
func (o *Output) Product(rel string) error {
	if err := model.CheckRelPath(rel); err != nil {
		return err
	}
	o.mu.Lock()
	o.products[rel] = true
	o.mu.Unlock()
	return nil
}

// ReadCurrent reads the file rel of the current OUT, as the last build left
// it (not the staged one). Paths through symbolic links out of OUT are
// refused.
func (o *Output) ReadCurrent(rel string) ([]byte, error) {
	if err := model.CheckRelPath(rel); err != nil {
		return nil, err
	}
	o.mu.Lock()
	root, err := o.currentRoot()
	o.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return root.ReadFile(filepath.FromSlash(rel))
}

// currentRoot opens OUT itself once, for reading what the last build left;
// the caller holds o.mu. Abort closes it.
func (o *Output) currentRoot() (*os.Root, error) {
	if o.current == nil {
		r, err := os.OpenRoot(o.dir)
		if err != nil {
			return nil, err
		}
		o.current = r
	}
	return o.current, nil
}

// Reuse declares that the folder rel of the current OUT, inside a product
// this build writes, already holds exactly what the exporter would write
// there (the exporter checks that, for example with a stamp file written
// last into the folder). The exporter writes nothing under rel; Commit moves
// the folder from the current product into the new one by a single rename
// just before the new product replaces the old. A rebuild that changes only
// text thus creates and deletes no file of an unchanged image folder, which
// on a large exhibition is most of the output.
//
// Until Commit, the current OUT is untouched: a failed or interrupted build
// leaves it as it was.
func (o *Output) Reuse(rel string) error {
	if err := model.CheckRelPath(rel); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	root, err := o.currentRoot()
	if err != nil {
		return err
	}
	st, err := root.Lstat(filepath.FromSlash(rel))
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", rel)
	}
	if d := path.Dir(rel); d != "." {
		if err := o.stage.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
			return err
		}
	}
	o.reused[rel] = true
	return nil
}

// within reports whether rel is under the folder dir (or is dir).
func within(rel, dir string) bool {
	return rel == dir || strings.HasPrefix(rel, dir+"/")
}

// Create creates the staged file rel (slash-separated, inside OUT), making
// its folders. The caller must Close it and check the error.
func (o *Output) Create(rel string) (*os.File, error) {
	if err := o.prepare(rel); err != nil {
		return nil, err
	}
	return o.stage.Create(filepath.FromSlash(rel))
}

// prepare checks rel and makes its folder in the staging area.
func (o *Output) prepare(rel string) error {
	if err := model.CheckRelPath(rel); err != nil {
		return err
	}
	if d := path.Dir(rel); d != "." {
		return o.stage.MkdirAll(filepath.FromSlash(d), 0o755)
	}
	return nil
}

// WriteFile writes a whole staged file.
func (o *Output) WriteFile(rel string, data []byte) error {
	f, err := o.Create(rel)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Commit moves every declared product from the staging folder into OUT,
// replacing the previous version, then removes the staging folder. Each
// product is replaced by renames only: a folder that existed is first moved
// aside and deleted after the new one is in place. The renames go through
// an os.Root on OUT, so a folder of OUT that is a symbolic link to somewhere
// outside OUT is refused rather than written through.
func (o *Output) Commit() error {
	defer o.Abort()
	root, err := os.OpenRoot(o.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	rels := make([]string, 0, len(o.products))
	for r := range o.products {
		rels = append(rels, r)
	}
	sort.Strings(rels)
	// Check every product and make its folders before moving any, so
	// that a refused product leaves all the previous ones in place.
	var errs []error
	for _, rel := range rels {
		if _, err := root.Lstat(filepath.Join(o.stageRel, filepath.FromSlash(rel))); err != nil {
			errs = append(errs, fmt.Errorf("product %s was declared but not written", rel))
			continue
		}
		if err := root.MkdirAll(filepath.Dir(filepath.FromSlash(rel)), 0o755); err != nil {
			errs = append(errs, commitError(rel, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, rel := range rels {
		src := filepath.Join(o.stageRel, filepath.FromSlash(rel))
		dst := filepath.FromSlash(rel)
		// Carry the reused folders of the current product over into the
		// new one; on any failure put them back, so that the current
		// product stays whole.
		var grafted []string
		graft := func() error {
			for _, r := range o.reusedIn(rel) {
				if err := root.Rename(filepath.FromSlash(r), filepath.Join(o.stageRel, filepath.FromSlash(r))); err != nil {
					return fmt.Errorf("carrying over %s: %w", r, err)
				}
				grafted = append(grafted, r)
			}
			return nil
		}
		ungraft := func() {
			for _, r := range grafted {
				_ = root.Rename(filepath.Join(o.stageRel, filepath.FromSlash(r)), filepath.FromSlash(r))
			}
		}
		if err := graft(); err != nil {
			ungraft()
			errs = append(errs, commitError(rel, err))
			continue
		}
		// The current version (a folder, or a file) is moved aside first,
		// then deleted with the staging folder. A rename onto an existing
		// file would delete it inside the rename, and ext4 also writes the
		// new file's data out before such a rename: for a bag of several
		// hundred megabytes that made the rename take seconds.
		old := ""
		if st, err := root.Lstat(dst); err == nil && (st.IsDir() || st.Mode().IsRegular()) {
			old = filepath.Join(o.stageRel, ".old-"+strings.ReplaceAll(rel, "/", "_"))
			if err := root.Rename(dst, old); err != nil {
				ungraft()
				errs = append(errs, commitError(rel, err))
				continue
			}
		}
		if err := root.Rename(src, dst); err != nil {
			if old != "" {
				_ = root.Rename(old, dst)
			}
			ungraft()
			errs = append(errs, commitError(rel, err))
		}
	}
	return errors.Join(errs...)
}

// reusedIn lists the reused folders inside the product rel.
func (o *Output) reusedIn(rel string) []string {
	var out []string
	for r := range o.reused {
		if within(r, rel) && r != rel {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// commitError explains a failed move of the product rel into out.
func commitError(rel string, err error) error {
	if strings.Contains(err.Error(), "escapes") {
		return fmt.Errorf("%s: a folder on the way is a symbolic link out of the output folder; vitrine writes only inside it: remove the link, or build into the link's target", rel)
	}
	return fmt.Errorf("%s: %w", rel, err)
}

// Abort removes the staging folder and everything in it. It is safe to call
// more than once and after Commit.
func (o *Output) Abort() {
	if o.stage != nil {
		o.stage.Close()
		o.stage = nil
	}
	if o.current != nil {
		o.current.Close()
		o.current = nil
	}
	_ = os.RemoveAll(o.StageDir())
	if o.lock != nil {
		o.lock.Close()
		o.lock = nil
	}
}

// CopyFile puts src (a file outside OUT, such as a cached derivative) at the
// staged file rel: as a hard link to src when both are on one file system
// (no bytes written: the IIIF tiles of a corpus are a gigabyte, the same as
// the cache's), else as a copy. src must be a file nothing rewrites in place
// (the asset cache only ever adds files under new names); a file of OUT
// edited in place would then change the cached one too.
func (o *Output) CopyFile(rel, src string) error {
	if err := o.prepare(rel); err != nil {
		return err
	}
	if !o.CopyOnly && o.link(rel, src) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := o.stage.Create(filepath.FromSlash(rel))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// link makes the staged file rel a hard link to src. The link is made
// relative to rel's folder opened through the root, so it cannot land
// outside OUT.
func (o *Output) link(rel, src string) error {
	dir, err := o.stage.Open(filepath.FromSlash(path.Dir(rel)))
	if err != nil {
		return err
	}
	defer dir.Close()
	return linkAt(src, dir, path.Base(rel))
}

// stagedFS reads the staging folder, except under the reused folders, which
// are read from the current OUT (where they stay until Commit).
type stagedFS struct {
	stage, out fs.FS
	reused     []string // sorted
}

func (s *stagedFS) pick(name string) fs.FS {
	for _, r := range s.reused {
		if within(name, r) {
			return s.out
		}
	}
	return s.stage
}

func (s *stagedFS) Open(name string) (fs.File, error) { return s.pick(name).Open(name) }

// ReadDir lists a staged folder together with the reused folders in it.
func (s *stagedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	fsys := s.pick(name)
	entries, err := fs.ReadDir(fsys, name)
	if err != nil || fsys == s.out {
		return entries, err
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	for _, r := range s.reused {
		if path.Dir(r) != name || have[path.Base(r)] {
			continue
		}
		st, err := fs.Stat(s.out, r)
		if err != nil {
			return nil, err
		}
		entries = append(entries, fs.FileInfoToDirEntry(st))
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// errFS fails every Open with the error that prevented reading OUT.
type errFS struct{ err error }

func (e errFS) Open(string) (fs.File, error) { return nil, e.err }
