package assets

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// The cache folder (Options.CacheDir) holds, content-addressed by the
// master's SHA-256:
//
//	index.json                       path -> size, mtime, digests, format, size in pixels
//	<sha[:2]>/<sha>/master.json      what was read of that content (digests, format, pixels)
//	<sha[:2]>/<sha>/<key>/...        one folder per derivative, key = hash(pipeline version, deriver key)
//	<sha[:2]>/<sha>/<key>/.complete  the list of the derivative's files, written last
//
// Every folder and file is written under a temporary name and renamed into
// place, so two builds sharing a cache (or an interrupted one) never see a
// partial derivative; when two builds make the same derivative, the first
// rename wins and the second build uses it.

const (
	indexFile    = "index.json"
	masterFile   = "master.json"
	completeFile = ".complete"
)

// indexEntry is what the index remembers of one master file.
type indexEntry struct {
	Size    int64  `json:"size"`
	MtimeNs int64  `json:"mtime_ns"`
	SHA256  string `json:"sha256"`
	SHA512  string `json:"sha512"`
	CRC32   string `json:"crc32,omitempty"`
	Format  string `json:"format"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	// Pipeline is the PipelineVersion that measured Width and Height (a
	// new version may turn an image differently); entries of another
	// version are not used.
	Pipeline string `json:"pipeline,omitempty"`
	// Damage is what decoding repaired (Master.Damage).
	Damage string `json:"damage,omitempty"`
	// Colour is what was done with the master's colours.
	Colour Colour `json:"colour"`
}

func (e indexEntry) master(rel string) *Master {
	return &Master{Path: rel, Size: e.Size, SHA256: e.SHA256, SHA512: e.SHA512, CRC32: e.CRC32, ModTime: e.MtimeNs, Format: e.Format, Width: e.Width, Height: e.Height, Damage: e.Damage, Colour: e.Colour}
}

func entryOf(m *Master, mtimeNs int64) indexEntry {
	return indexEntry{Size: m.Size, MtimeNs: mtimeNs, SHA256: m.SHA256, SHA512: m.SHA512, CRC32: m.CRC32, Format: m.Format, Width: m.Width, Height: m.Height, Pipeline: PipelineVersion, Damage: m.Damage, Colour: m.Colour}
}

// index maps absolute master paths to what was read of them.
type index struct {
	mu      sync.Mutex
	path    string
	entries map[string]indexEntry
	changed map[string]indexEntry
}

func loadIndex(dir string) *index {
	ix := &index{path: filepath.Join(dir, indexFile), entries: map[string]indexEntry{}, changed: map[string]indexEntry{}}
	if b, err := os.ReadFile(ix.path); err == nil {
		_ = json.Unmarshal(b, &ix.entries) // a damaged index only costs a re-read
	}
	return ix
}

func (ix *index) get(abs string) (indexEntry, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	e, ok := ix.entries[abs]
	return e, ok && e.Pipeline == PipelineVersion
}

func (ix *index) put(abs string, e indexEntry) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.entries[abs] = e
	ix.changed[abs] = e
}

// save merges this build's entries into the index on disk (re-read just
// before, so entries written by a concurrent build are kept) and replaces it
// atomically.
func (ix *index) save() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(ix.changed) == 0 {
		return nil
	}
	cur := map[string]indexEntry{}
	if b, err := os.ReadFile(ix.path); err == nil {
		_ = json.Unmarshal(b, &cur)
	}
	for k, v := range ix.changed {
		cur[k] = v
	}
	b, err := json.MarshalIndent(cur, "", " ") // map keys are sorted
	if err != nil {
		return err
	}
	return writeAtomic(ix.path, b)
}

// writeAtomic writes b to a temporary file beside path and renames it.
func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// contentDir is the cache folder of one master's content.
func (s *Store) contentDir(sha string) string {
	return filepath.Join(s.opt.CacheDir, sha[:2], sha)
}

// derivDir is the cache folder of one derivative of one master's content.
// derivDir is the cache folder of the derivative d of the master at rel
// whose content is sha: its key holds the pipeline version, the codec, the
// deriver's key and the digest of the rights XMP written into it, if any.
func (s *Store) derivDir(rel, sha string, d Deriver) string {
	k := d.Key()
	if x := s.rightsXMP(rel); x != nil {
		k += fmt.Sprintf("/xmp-%x", sha256.Sum256(x))
	}
	return filepath.Join(s.contentDir(sha), cacheKey(k))
}

func cacheKey(k string) string {
	sum := sha256.Sum256([]byte(PipelineVersion + "\x00" + Codec + "\x00" + k))
	return hex.EncodeToString(sum[:12])
}

// readMasterInfo reads the master.json of a content digest.
func (s *Store) readMasterInfo(sha string) (indexEntry, bool) {
	var e indexEntry
	b, err := os.ReadFile(filepath.Join(s.contentDir(sha), masterFile))
	if err != nil || json.Unmarshal(b, &e) != nil || e.SHA256 != sha || e.Pipeline != PipelineVersion {
		return indexEntry{}, false
	}
	return e, true
}

func (s *Store) writeMasterInfo(m *Master) error {
	b, err := json.Marshal(entryOf(m, 0))
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(s.contentDir(m.SHA256), masterFile), b)
}

// derive runs d into a fresh folder and renames it to dir when complete, so
// the cache never holds a partial derivative.
func (s *Store) derive(ctx interface{ Err() error }, run func(*Dir) error, dir string) ([]string, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	out, err := newTempDir(filepath.Dir(dir))
	if err != nil {
		return nil, err
	}
	defer out.remove()
	if err := run(out); err != nil {
		return nil, err
	}
	return s.commit(ctx, out, dir)
}

// newTempDir makes a fresh folder for a derivative in parent (which must be
// on the cache's file system).
func newTempDir(parent string) (*Dir, error) {
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return nil, err
	}
	return &Dir{path: tmp}, nil
}

// remove deletes the folder unless commit renamed it.
func (d *Dir) remove() { os.RemoveAll(d.path) } // after a successful rename, the path no longer exists

// commit lists out's files in it and renames it to dir.
func (s *Store) commit(ctx interface{ Err() error }, out *Dir, dir string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tmp := out.path
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	files := out.Files()
	if err := os.WriteFile(filepath.Join(tmp, completeFile), []byte(strings.Join(files, "\n")), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another build made it first, or a damaged leftover is in the way.
		if got, err2 := readComplete(dir); err2 == nil {
			return got, nil
		}
		old := dir + ".old-" + rand.Text()[:8]
		if err2 := os.Rename(dir, old); err2 != nil {
			return nil, err
		}
		defer os.RemoveAll(old)
		if err := os.Rename(tmp, dir); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// readComplete returns the files of a complete derivative folder.
func readComplete(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, completeFile))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}
	files := strings.Split(string(b), "\n")
	if !sort.StringsAreSorted(files) {
		return nil, fs.ErrInvalid
	}
	return files, nil
}
