// Package assets is the shared asset store of a build: it reads every master
// image once, hashes it while reading, decodes it once, and derives from that
// one decode every image the exporters declared (IIIF tiles and sizes, e-book
// images, thumbnails). Derivatives are kept in a content-addressed cache, so a
// rebuild after a caption edit reads no master and re-encodes nothing.
//
// The store sits between model and the exporters: it imports model, and
// exporters import it. Exporters never open a master themselves: the bag gets
// master bytes from Store.OpenMaster, which serves the copy kept from the
// store's one read (see Options.KeepMasters).
//
// Masters are processed by a bounded pool of workers (Options.Workers), and a
// master is decoded only when its estimated decoded size fits in the memory
// budget (Options.MaxMemory) beside the masters already in flight.
package assets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/model"
)

// PipelineVersion is part of every cache key; bump it when a change to the
// decoding or resampling code changes derivative bytes.
const PipelineVersion = "9"

// DefaultMaxMemory is the default budget of decoded pixels in flight: with
// it, a build of 24-megapixel masters peaks well under 1 GiB of memory.
const DefaultMaxMemory = 512 << 20

// Master is one original image file of the exhibition, as read once.
type Master struct {
	// Path is the image's path in the exhibition file.
	Path string
	// Size is the file's length in bytes.
	Size int64
	// SHA256 and SHA512 are hex digests of the file's bytes.
	SHA256, SHA512 string
	// CRC32 is the file's CRC-32 (IEEE, the one ZIP entries carry) in hex;
	// empty when the cache index of an older vitrine did not record it.
	CRC32 string
	// ModTime is the file's modification time (Unix nanoseconds) when it
	// was hashed.
	ModTime int64
	// Format is the decoder's name: jpeg, png, tiff, ...
	Format string
	// Width and Height are the pixel size after EXIF orientation.
	Width, Height int
	// Damage says what decoding repaired in a damaged file (corrupt or
	// missing data filled with mid-grey, as libjpeg fills it), "" for a
	// sound one. It is kept in the cache, so a rebuild that decodes
	// nothing still reports it.
	Damage string
	// Colour says whether the master had an ICC profile, and whether its
	// derivatives were converted to sRGB or only approximate it.
	Colour Colour
}

// Deriver makes one kind of derivative (a tile pyramid, a resized JPEG) from a
// decoded master. Its Key must change whenever its output would change for the
// same master; it is part of the cache key.
type Deriver interface {
	Key() string
	// Derive writes the derivative's files into dst. It may use any level of
	// src; it must not keep src after returning, and should return promptly
	// (with ctx.Err()) when ctx is cancelled.
	Derive(ctx context.Context, src *Source, dst *Dir) error
}

// Options tune a Store.
type Options struct {
	// Workers is the number of masters processed at once; 0 means the number
	// of CPUs.
	Workers int
	// CacheDir holds derivatives across builds; "" means a temporary folder
	// removed by Close.
	CacheDir string
	// MaxPixels refuses larger images from their header, before decoding;
	// 0 means model.DefaultMaxPixels.
	MaxPixels int64
	// MaxMemory bounds the estimated bytes of decoded masters (and their
	// pyramid levels) in flight; 0 means DefaultMaxMemory. A master larger
	// than the whole budget is processed alone.
	MaxMemory int64
	// KeepMasters keeps a copy of every master read by Run in a spool folder
	// inside CacheDir (removed by Close), from which OpenMaster serves it, so
	// that a payload writer (the bag) does not read any master a second time.
	// exporters.Run sets it when a selected exporter is an
	// exporters.MasterReader.
	KeepMasters bool
	// Progress, when set, is called as Run starts, once per master as it
	// is done (or fails), and as Run ends; see Event. Calls are serialized:
	// Progress need not be safe for concurrent use. Drawing the events (a
	// bar, log lines) is the caller's business.
	Progress func(Event)
	// KeepRights, when set, writes the rights and creator of the plate
	// showing each master into every JPEG derivative of it, as an XMP
	// packet (embedded.RightsXMP): access copies that state their rights
	// on purpose. Without it derivatives carry no metadata at all.
	KeepRights bool
}

// Stats counts what a Store did, for tests and the build summary.
type Stats struct {
	// Reads and Decodes count, per master path, the times the whole file was
	// read (by Run or OpenMaster) and decoded.
	Reads, Decodes map[string]int
	// Derived counts derivatives made; Cached those found in the cache.
	Derived, Cached int
	// SpoolReads counts OpenMaster calls served from the spool.
	SpoolReads int
	// PeakBudget is the most of the memory budget held at once.
	PeakBudget int64
}

// Store computes and holds the masters and derivatives of one build.
// Run must complete before Master or Files are called.
type Store struct {
	ex     *model.Exhibition
	opt    Options
	tmp    string
	spool  string
	budget *budget
	index  *index
	progMu sync.Mutex

	// decode is decodeSource; tests replace it.
	decode func(data []byte, format string, maxPixels int64) (*Source, error)

	mu      sync.Mutex
	masters map[string]*Master
	derived map[string][]string // key: path + "\x00" + deriver key
	dirs    map[string]string
	spooled map[string]string
	failed  map[string]error
	stats   Stats
}

// New makes a store for the exhibition's images.
func New(ex *model.Exhibition, opt Options) (*Store, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.MaxPixels <= 0 {
		opt.MaxPixels = model.DefaultMaxPixels
	}
	if opt.MaxMemory <= 0 {
		opt.MaxMemory = DefaultMaxMemory
	}
	s := &Store{
		ex: ex, opt: opt, decode: decodeSource,
		masters: map[string]*Master{}, derived: map[string][]string{}, dirs: map[string]string{}, spooled: map[string]string{}, failed: map[string]error{},
		stats:  Stats{Reads: map[string]int{}, Decodes: map[string]int{}},
		budget: newBudget(opt.MaxMemory),
	}
	if s.opt.CacheDir == "" {
		d, err := os.MkdirTemp("", "vitrine-cache-")
		if err != nil {
			return nil, err
		}
		s.tmp, s.opt.CacheDir = d, d
	} else if err := os.MkdirAll(s.opt.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("cache folder: %w", err)
	}
	s.index = loadIndex(s.opt.CacheDir)
	removeStaleSpools(s.opt.CacheDir)
	return s, nil
}

// Close removes the spool and a temporary cache.
func (s *Store) Close() error {
	var errs []error
	if s.spool != "" {
		errs = append(errs, os.RemoveAll(s.spool))
	}
	if s.tmp != "" {
		errs = append(errs, os.RemoveAll(s.tmp))
	}
	return errors.Join(errs...)
}

// CacheDir is the folder holding the derivatives.
func (s *Store) CacheDir() string { return s.opt.CacheDir }

// Stats returns a copy of the counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Reads, st.Decodes = map[string]int{}, map[string]int{}
	for k, v := range s.stats.Reads {
		st.Reads[k] = v
	}
	for k, v := range s.stats.Decodes {
		st.Decodes[k] = v
	}
	s.budget.mu.Lock()
	st.PeakBudget = s.budget.peak
	s.budget.mu.Unlock()
	return st
}

// Paths returns every image path of the exhibition in plate order, once
// each, leaving out those a finished Run could not use (Failed).
func (s *Store) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	for _, p := range s.ex.Plates {
		for _, im := range p.Images {
			if !seen[im.Path] && s.failed[im.Path] == nil {
				seen[im.Path] = true
				out = append(out, im.Path)
			}
		}
	}
	return out
}

// Run reads, hashes and decodes every master once and makes every
// derivative of derivers from it, using up to Options.Workers goroutines
// within Options.MaxMemory. Masters whose size and modification time match
// the cache index, and whose derivatives are all cached, are not read at all.
// Run reports every failing image, each naming its file, and stops promptly
// when ctx is cancelled (the cache then holds only complete derivatives).
func (s *Store) Run(ctx context.Context, derivers []Deriver) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	paths := s.Paths()
	var all int64
	for _, p := range paths {
		if abs, err := s.ex.ImagePath(p); err == nil {
			if st, err := os.Stat(abs); err == nil {
				all += st.Size()
			}
		}
	}
	start := time.Now()
	s.report(Event{Kind: Started, Total: len(paths), TotalBytes: all})
	jobs := make(chan int)
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for w := 0; w < min(s.opt.Workers, max(1, len(paths))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rel := paths[i]
				t0 := time.Now()
				how, size, err := s.process(ctx, rel, derivers)
				errs[i] = err
				ev := Event{Kind: ImageDone, Path: rel, Size: size, How: how, Took: time.Since(t0), Err: err}
				if err == nil {
					ev.Master = s.Master(rel)
				} else if ctx.Err() != nil {
					ev.Err = nil // cancelled, not a problem of this image
					ev.Cancelled = true
				}
				s.report(ev)
			}
		}()
	}
feed:
	for i := range paths {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	saveErr := s.index.save()
	s.mu.Lock()
	for i, err := range errs {
		if err != nil && ctx.Err() == nil {
			s.failed[paths[i]] = err
		}
	}
	s.mu.Unlock()
	st := s.Stats()
	nread := 0
	for _, n := range st.Reads {
		nread += n
	}
	s.report(Event{Kind: Finished, Total: len(paths), TotalBytes: all, Read: nread, Derived: st.Derived, Cached: st.Cached, Took: time.Since(start), Colour: s.colourSummary(paths)})
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if saveErr != nil {
		return fmt.Errorf("cache index: %w", saveErr)
	}
	return nil
}

// Failed returns the masters Run could not use, by path, with why (each
// error names the file and wraps ErrImage). A caller that goes on without
// them (build --keep-going) leaves their images out.
func (s *Store) Failed() map[string]error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]error, len(s.failed))
	for k, v := range s.failed {
		out[k] = v
	}
	return out
}

// colourSummary is what the images line adds about colour (Event.Colour):
// how many masters were converted to sRGB from which profiles, and, one
// line each, the plates whose colours are only approximate.
func (s *Store) colourSummary(paths []string) string {
	conv := map[string]int{}
	var names, approx []string
	for _, p := range paths {
		m := s.Master(p)
		if m == nil {
			continue
		}
		if m.Colour.Converted {
			if conv[m.Colour.Profile] == 0 {
				names = append(names, m.Colour.Profile)
			}
			conv[m.Colour.Profile]++
		}
		if m.Colour.Approximate != "" {
			approx = append(approx, fmt.Sprintf("\ncolour: plate %s (%s) is approximate: %s", s.plateOf(p), p, m.Colour.Approximate))
		}
	}
	if len(names) == 0 && len(approx) == 0 {
		return ""
	}
	out := ""
	if len(names) > 0 {
		var parts []string
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%d from %q", conv[n], n))
		}
		out = "; converted to sRGB: " + strings.Join(parts, ", ")
	}
	return out + strings.Join(approx, "")
}

// rightsXMP is the XMP packet written into the derivatives of the master at
// rel (Options.KeepRights): the credit line and rights of the first plate
// showing it, and its creator; nil without KeepRights.
func (s *Store) rightsXMP(rel string) []byte {
	if !s.opt.KeepRights {
		return nil
	}
	for i := range s.ex.Plates {
		p := &s.ex.Plates[i]
		for _, im := range p.Images {
			if im.Path != rel {
				continue
			}
			credit := p.Credit
			if credit.IsZero() {
				credit = s.ex.Credit
			}
			lang := ""
			if len(s.ex.Languages) > 0 {
				lang = s.ex.Languages[0]
			}
			return embedded.RightsXMP(credit.Get(lang), s.ex.RightsOf(p), p.Creator)
		}
	}
	return nil
}

// addXMP writes packet into every JPEG file of a derivative (nothing when
// packet is nil).
func addXMP(d *Dir, packet []byte) error {
	if packet == nil {
		return nil
	}
	for _, f := range d.Files() {
		if !strings.HasSuffix(f, ".jpg") {
			continue
		}
		p := filepath.Join(d.path, filepath.FromSlash(f))
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if b, err = embedded.WithXMP(b, packet); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// plateOf is the number of the first plate showing the image at rel.
func (s *Store) plateOf(rel string) string {
	for _, p := range s.ex.Plates {
		for _, im := range p.Images {
			if im.Path == rel {
				return p.Number
			}
		}
	}
	return "?"
}

// ErrImage wraps every error about one image.
var ErrImage = errors.New("image")

// process does one master: from the cache when possible, else one read, one
// decode and every missing derivative. It returns how the master was served
// ("cached", "decoded") and its size for the progress report.
func (s *Store) process(ctx context.Context, rel string, derivers []Deriver) (how string, size int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w %s: the image could not be processed (%v); the file is probably damaged: re-export it", ErrImage, rel, r)
		}
	}()
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrImage, rel, fmt.Sprintf(format, args...))
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	abs, err := s.ex.ImagePath(rel)
	if err == nil {
		abs, err = filepath.Abs(abs) // the index key
	}
	if err != nil {
		return "", 0, fail("%v", err)
	}
	f, err := s.ex.OpenImage(rel)
	if err != nil {
		return "", 0, fail("%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, fail("%v", err)
	}
	if st.IsDir() {
		return "", 0, fail("is a folder, not an image")
	}
	size = st.Size()
	mtime := st.ModTime().UnixNano()

	// 1. Unchanged file (size and mtime as indexed) with every derivative
	// cached: nothing to read.
	// (An entry without a CRC-32, from an older vitrine, is read once more.)
	if e, ok := s.index.get(abs); ok && e.Size == size && e.MtimeNs == mtime && e.CRC32 != "" {
		if s.useCache(rel, e.master(rel), derivers) {
			return "cached", size, nil
		}
	}

	// 2. Read and hash the whole file once.
	if size == 0 {
		return "", size, fail("the file is empty; re-export the image")
	}
	// A TIFF is read, hashed and decoded in one pass, band by band.
	if done, how, err := s.stream(ctx, rel, abs, f, size, mtime, derivers); done {
		return how, size, err
	}
	data, err := s.read(f, rel, size)
	if err != nil {
		return "", size, err
	}
	var h256, h512, crc string
	var hw sync.WaitGroup
	hw.Add(3)
	go func() { defer hw.Done(); x := sha256.Sum256(data); h256 = hex.EncodeToString(x[:]) }()
	go func() { defer hw.Done(); x := sha512.Sum512(data); h512 = hex.EncodeToString(x[:]) }()
	go func() { defer hw.Done(); crc = fmt.Sprintf("%08x", crc32.ChecksumIEEE(data)) }()
	spoolErr := s.keep(rel, data)
	cfg, format, cfgErr := image.DecodeConfig(bytes.NewReader(data))
	hw.Wait()
	if spoolErr != nil {
		return "", size, fail("keeping a copy for the bag: %v", spoolErr)
	}
	if ff, ok := model.SniffForeign(bytes.NewReader(data), int64(len(data))); ok {
		return "", size, fail("%s; %s", ff.Error(rel), ff.Hint)
	}
	if cfgErr != nil {
		return "", size, fail("not a readable image (%v); give a JPEG, PNG, TIFF or WebP file, re-exported if it is damaged", cfgErr)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", size, fail("the header gives no pixels (%dx%d); re-export the image", cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > s.opt.MaxPixels {
		return "", size, fail("%dx%d = %d pixels is more than the limit of %d; reduce the image or raise --max-pixels", cfg.Width, cfg.Height, px, s.opt.MaxPixels)
	}
	m := &Master{Path: rel, Size: size, SHA256: h256, SHA512: h512, CRC32: crc, ModTime: mtime, Format: format}

	// 3. Same content seen before (a touched or copied file): the cache may
	// still have everything.
	if e, ok := s.readMasterInfo(h256); ok && e.Size == size {
		m.Width, m.Height, m.Colour = e.Width, e.Height, e.Colour
		if s.useCache(rel, m, derivers) {
			s.index.put(abs, entryOf(m, mtime))
			return "cached", size, nil
		}
	}

	// 4. Decode once, within the memory budget, and derive what is missing.
	cost := decodedCost(cfg, size)
	if t, _ := masterColour(data, format); t != nil {
		cost += int64(cfg.Width) * int64(cfg.Height) * 4 // the sRGB copy convertColour makes
	}
	held, err := s.budget.acquire(ctx, cost)
	if err != nil {
		return "", size, err
	}
	defer s.budget.release(held)
	s.count(func(st *Stats) { st.Decodes[rel]++ })
	// The bytes stay available to the derivers (Source.Master) and are
	// dropped when this master is done.
	src, err := s.decode(data, format, s.opt.MaxPixels)
	if err != nil {
		return "", size, fail("cannot decode the image (%v); re-export it", err)
	}
	m.Width, m.Height = src.Size()
	m.Damage = src.Damage()
	m.Colour = src.Colour()
	for _, d := range derivers {
		if err := ctx.Err(); err != nil {
			return "", size, err
		}
		dir := s.derivDir(rel, m.SHA256, d)
		files, err := readComplete(dir)
		if err == nil {
			s.count(func(st *Stats) { st.Cached++ })
		} else {
			files, err = s.derive(ctx, func(out *Dir) error {
				if err := d.Derive(ctx, src, out); err != nil {
					return err
				}
				return addXMP(out, s.rightsXMP(rel))
			}, dir)
			if err != nil {
				if ctx.Err() != nil {
					return "", size, ctx.Err()
				}
				return "", size, fail("%s: %v", d.Key(), err)
			}
			s.count(func(st *Stats) { st.Derived++ })
		}
		s.record(rel, d, dir, files)
	}
	if err := s.writeMasterInfo(m); err != nil {
		return "", size, fail("cache: %v", err)
	}
	s.index.put(abs, entryOf(m, mtime))
	s.mu.Lock()
	s.masters[rel] = m
	s.mu.Unlock()
	return "decoded", size, nil
}

// useCache records m and every derivative from the cache if all are there.
func (s *Store) useCache(rel string, m *Master, derivers []Deriver) bool {
	found := make([][]string, len(derivers))
	for i, d := range derivers {
		files, err := readComplete(s.derivDir(rel, m.SHA256, d))
		if err != nil {
			return false
		}
		found[i] = files
	}
	for i, d := range derivers {
		s.record(rel, d, s.derivDir(rel, m.SHA256, d), found[i])
	}
	s.count(func(st *Stats) { st.Cached += len(derivers) })
	s.mu.Lock()
	s.masters[rel] = m
	s.mu.Unlock()
	return true
}

func (s *Store) record(rel string, d Deriver, dir string, files []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := rel + "\x00" + d.Key()
	s.derived[k] = files
	s.dirs[k] = dir
}

func (s *Store) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

// read reads the whole of f (size bytes) once.
func (s *Store) read(f *os.File, rel string, size int64) ([]byte, error) {
	s.count(func(st *Stats) { st.Reads[rel]++ })
	data := make([]byte, size)
	n, err := io.ReadFull(f, data)
	if err != nil {
		return nil, fmt.Errorf("%w %s: reading: %v (read %d of %d bytes)", ErrImage, rel, err, n, size)
	}
	return data, nil
}

// keep writes data to the spool when Options.KeepMasters is set.
func (s *Store) keep(rel string, data []byte) error {
	f, err := s.spoolFile(rel)
	if f == nil || err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// spoolFile creates the spool copy of the master at rel, nil when
// Options.KeepMasters is not set.
func (s *Store) spoolFile(rel string) (*os.File, error) {
	if !s.opt.KeepMasters {
		return nil, nil
	}
	s.mu.Lock()
	if s.spool == "" {
		d, err := os.MkdirTemp(s.opt.CacheDir, ".spool-")
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.spool = d
	}
	p := filepath.Join(s.spool, strconv.Itoa(len(s.spooled)))
	s.spooled[rel] = p
	s.mu.Unlock()
	return os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
}

// removeStaleSpools removes spool folders left by builds killed more than a
// day ago (a build removes its own in Close, also when interrupted).
func removeStaleSpools(cache string) {
	old, _ := filepath.Glob(filepath.Join(cache, ".spool-*"))
	for _, d := range old {
		if st, err := os.Stat(d); err == nil && time.Since(st.ModTime()) > 24*time.Hour {
			os.RemoveAll(d)
		}
	}
}

// Master returns what was read of the master at rel, or nil.
func (s *Store) Master(rel string) *Master {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.masters[rel]
}

// Files returns the folder holding the derivative d of the master at rel and
// the slash-separated names of its files, sorted.
func (s *Store) Files(rel string, d Deriver) (dir string, files []string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := rel + "\x00" + d.Key()
	dir, ok = s.dirs[k]
	return dir, s.derived[k], ok
}

// OpenMaster opens a master's bytes for a payload writer (the bag). When Run
// read the master (a cold build) and Options.KeepMasters is set, the bytes
// come from the copy kept from that one read; otherwise (a rebuild that
// needed no read) the master itself is opened, and that is its one read of
// the build. The caller should hash what it reads and compare with Master's
// digests: a master edited during the build is then caught.
func (s *Store) OpenMaster(rel string) (io.ReadCloser, error) {
	s.mu.Lock()
	p, ok := s.spooled[rel]
	s.mu.Unlock()
	if ok {
		f, err := os.Open(p)
		if err == nil {
			s.count(func(st *Stats) { st.SpoolReads++ })
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	s.count(func(st *Stats) { st.Reads[rel]++ })
	return s.ex.OpenImage(rel)
}

// Current reports whether r, a file opened by OpenMaster, holds the bytes
// whose digests Master(rel) gives, so that a payload writer may trust them
// instead of hashing again: r is this build's kept copy of the one read, or
// the master itself with the size and modification time it had when it was
// hashed (the same test that lets a rebuild skip reading it).
func (s *Store) Current(rel string, r io.Reader) bool {
	m := s.Master(rel)
	f, ok := r.(*os.File)
	if m == nil || !ok || m.CRC32 == "" {
		return false
	}
	s.mu.Lock()
	p, spooled := s.spooled[rel]
	s.mu.Unlock()
	if spooled && f.Name() == p {
		return true
	}
	st, err := f.Stat()
	return err == nil && m.ModTime != 0 && st.Mode().IsRegular() && st.Size() == m.Size && st.ModTime().UnixNano() == m.ModTime
}

// Dir is the folder a Deriver writes one derivative into.
type Dir struct {
	path  string
	mu    sync.Mutex
	files []string
}

// Create creates the file rel (slash-separated) in the derivative's folder.
// It is safe for concurrent use.
func (d *Dir) Create(rel string) (*os.File, error) {
	if err := model.CheckRelPath(rel); err != nil {
		return nil, err
	}
	p := filepath.Join(d.path, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.files = append(d.files, rel)
	d.mu.Unlock()
	return f, nil
}

// Files returns the names created so far, sorted.
func (d *Dir) Files() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := append([]string(nil), d.files...)
	sort.Strings(out)
	return out
}
