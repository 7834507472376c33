// Package assets is the shared asset store of a build: it reads every master
// image once, hashes it while reading, decodes it once, and derives from that
// one decode every image the exporters declared (IIIF tiles and sizes, e-book
// images, thumbnails). Derivatives are kept in a content-addressed cache, so a
// rebuild after a caption edit re-encodes nothing.
//
// The store sits between model and the exporters: it imports model, and
// exporters import it. Exporters never open a master themselves.
package assets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/vitrine-tools/vitrine/model"
)

// PipelineVersion is part of every cache key; bump it when a change to the
// decoding or resampling code changes derivative bytes.
const PipelineVersion = "1"

// Master is one original image file of the exhibition, as read once.
type Master struct {
	// Path is the image's path in the exhibition file.
	Path string
	// Size is the file's length in bytes.
	Size int64
	// SHA256 and SHA512 are hex digests of the file's bytes.
	SHA256, SHA512 string
	// Format is the decoder's name: jpeg, png, tiff, ...
	Format string
	// Width and Height are the pixel size after EXIF orientation.
	Width, Height int
}

// Deriver makes one kind of derivative (a tile pyramid, a resized JPEG) from a
// decoded master. Its Key must change whenever its output would change for the
// same master; it is part of the cache key.
type Deriver interface {
	Key() string
	// Derive writes the derivative's files into dst. It may use any level of
	// src; it must not keep src after returning.
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
	// MaxPixels refuses larger images from their header, before decoding.
	MaxPixels int64
	// Log receives one line per master; nil means silent.
	Log io.Writer
}

// Store computes and holds the masters and derivatives of one build.
// Run must complete before Master or Files are called.
type Store struct {
	ex      *model.Exhibition
	opt     Options
	tmp     string
	mu      sync.Mutex
	masters map[string]*Master
	derived map[string][]string // key: path + "\x00" + deriver key
	dirs    map[string]string
}

// New makes a store for the exhibition's images.
func New(ex *model.Exhibition, opt Options) (*Store, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.MaxPixels <= 0 {
		opt.MaxPixels = model.DefaultMaxPixels
	}
	s := &Store{ex: ex, opt: opt, masters: map[string]*Master{}, derived: map[string][]string{}, dirs: map[string]string{}}
	if s.opt.CacheDir == "" {
		d, err := os.MkdirTemp("", "vitrine-cache-")
		if err != nil {
			return nil, err
		}
		s.tmp, s.opt.CacheDir = d, d
	}
	return s, nil
}

// Close removes a temporary cache.
func (s *Store) Close() error {
	if s.tmp != "" {
		return os.RemoveAll(s.tmp)
	}
	return nil
}

// Paths returns every image path of the exhibition in plate order, once each.
func (s *Store) Paths() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.ex.Plates {
		for _, im := range p.Images {
			if !seen[im.Path] {
				seen[im.Path] = true
				out = append(out, im.Path)
			}
		}
	}
	return out
}

// Run reads, hashes and decodes every master once and makes every
// derivative of derivers from it, using up to Options.Workers goroutines. It
// reports every failing image, each naming its file, and stops early when
// ctx is cancelled.
func (s *Store) Run(ctx context.Context, derivers []Deriver) error {
	paths := s.Paths()
	jobs := make(chan string)
	errs := make([]error, len(paths))
	index := map[string]int{}
	for i, p := range paths {
		index[p] = i
	}
	var wg sync.WaitGroup
	for w := 0; w < s.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				errs[index[p]] = s.process(ctx, p, derivers)
			}
		}()
	}
feed:
	for _, p := range paths {
		select {
		case jobs <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// ErrImage wraps every error about one image.
var ErrImage = errors.New("image")

func (s *Store) process(ctx context.Context, rel string, derivers []Deriver) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w %s: the decoder failed (%v); the file is probably damaged", ErrImage, rel, r)
		}
	}()
	f, err := s.ex.OpenImage(rel)
	if err != nil {
		return fmt.Errorf("%w %s: %v", ErrImage, rel, err)
	}
	defer f.Close()
	h256, h512 := sha256.New(), sha512.New()
	var buf bytes.Buffer
	if _, err := io.Copy(io.MultiWriter(&buf, h256, h512), f); err != nil {
		return fmt.Errorf("%w %s: reading: %v", ErrImage, rel, err)
	}
	data := buf.Bytes()
	m := &Master{Path: rel, Size: int64(len(data)), SHA256: hex.EncodeToString(h256.Sum(nil)), SHA512: hex.EncodeToString(h512.Sum(nil))}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w %s: not a readable image: %v", ErrImage, rel, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > s.opt.MaxPixels {
		return fmt.Errorf("%w %s: %dx%d pixels is more than the limit of %d", ErrImage, rel, cfg.Width, cfg.Height, s.opt.MaxPixels)
	}
	m.Format = format
	src, err := decode(data)
	if err != nil {
		return fmt.Errorf("%w %s: %v", ErrImage, rel, err)
	}
	b := src.Full().Bounds()
	m.Width, m.Height = b.Dx(), b.Dy()
	for _, d := range derivers {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := filepath.Join(s.opt.CacheDir, m.SHA256[:2], m.SHA256, cacheKey(d.Key()))
		files, err := s.derive(ctx, src, d, dir)
		if err != nil {
			return fmt.Errorf("%w %s: %s: %v", ErrImage, rel, d.Key(), err)
		}
		s.mu.Lock()
		s.derived[rel+"\x00"+d.Key()] = files
		s.dirs[rel+"\x00"+d.Key()] = dir
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.masters[rel] = m
	s.mu.Unlock()
	if s.opt.Log != nil {
		fmt.Fprintf(s.opt.Log, "image %s: %dx%d %s, %d bytes\n", rel, m.Width, m.Height, m.Format, m.Size)
	}
	return nil
}

func cacheKey(k string) string {
	sum := sha256.Sum256([]byte(PipelineVersion + "\x00" + k))
	return hex.EncodeToString(sum[:12])
}

// derive runs d into a fresh folder and renames it to dir when complete, so
// the cache never holds a partial derivative.
func (s *Store) derive(ctx context.Context, src *Source, d Deriver, dir string) ([]string, error) {
	if files, err := readComplete(dir); err == nil {
		return files, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := &Dir{path: tmp}
	if err := d.Derive(ctx, src, out); err != nil {
		return nil, err
	}
	files := out.Files()
	if err := os.WriteFile(filepath.Join(tmp, completeFile), []byte(strings.Join(files, "\n")), 0o644); err != nil {
		return nil, err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	return files, nil
}

const completeFile = ".complete"

func readComplete(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, completeFile))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}
	return strings.Split(string(b), "\n"), nil
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

// OpenMaster opens a master's bytes for a payload writer (the bag).
func (s *Store) OpenMaster(rel string) (io.ReadCloser, error) {
	return s.ex.OpenImage(rel)
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
