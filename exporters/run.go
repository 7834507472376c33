package exporters

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// Config is one build: the exhibition (loaded and validated), the exporters
// selected, in the order they run, and where they write.
type Config struct {
	Exhibition *model.Exhibition
	// Images holds each image's header, keyed by its path in the
	// exhibition file (from model.Validate).
	Images    map[string]model.ImageInfo
	Exporters []Exporter
	// Out is where the exporters write; Run commits it when every exporter
	// succeeded. The caller makes it and calls Abort when done (a no-op
	// after Commit).
	Out *Output
	// BaseURL is where OUT will be published; a trailing slash is added.
	BaseURL string
	// Time is the one timestamp of the build (model.Exhibition.BuildTime).
	Time time.Time
	// Version is vitrine's version, for colophons and Bag-Software-Agent.
	Version string
	// Assets are the asset store's options; KeepMasters is set by Run when
	// a selected exporter is a MasterReader.
	Assets assets.Options
	// Log receives the exporters' notes; nil means none.
	Log io.Writer
	// KeepGoing builds without the images the asset store could not use
	// (Report.LeftOut) instead of stopping: their plates keep their text
	// in every format and lose the image (no IIIF canvas, no figure).
	KeepGoing bool
}

// Phase is one step of a build and how long it took: "checks", "images",
// one per exporter by its name, "moving into place".
type Phase struct {
	Name string
	Took time.Duration
}

// Report says what a successful Run did.
type Report struct {
	// Formats are the names of the exporters run, in order.
	Formats []string
	// Phases are the steps in the order they ran.
	Phases []Phase
	// Assets are the asset store's counters once every exporter had run
	// (the bag's reads of masters included).
	Assets assets.Stats
	// Damaged lists the masters that were repaired when decoded (corrupt
	// or missing data filled), in plate order; they are in every format.
	Damaged []Damaged
	// LeftOut lists the images left out with Config.KeepGoing, in plate
	// order. A build with images left out is committed, but is not a
	// success: the command exits 1.
	LeftOut []LeftOut
}

// Damaged is a master that was repaired when decoded.
type Damaged struct {
	Path   string
	Damage string
}

// LeftOut is an image left out of a build, with the plates that showed it.
type LeftOut struct {
	Path   string
	Plates []string
	Err    error
}

// OptionError is returned by Run when an exporter's Check refuses its
// options for this exhibition or this selection of formats. Nothing has
// been read or written then.
type OptionError struct {
	Format string
	Err    error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// ErrNothingWritten marks the errors of Run after which OUT is as it was:
// an image that cannot be used, an exporter that failed, a failed commit
// that moved nothing.
var ErrNothingWritten = errors.New("nothing was written")

// Run runs one build, the only sequence there is (the command line and the
// tests call it):
//
//  1. Check every selected exporter (*OptionError);
//  2. collect every exporter's derivers, each key once;
//  3. run the asset store: every master read, hashed and decoded once, every
//     derivative made or taken from the cache;
//  4. call Export of every exporter in order;
//  5. commit OUT.
//
// Run stops at the first step that fails. When ctx is cancelled it returns
// ctx.Err() (possibly wrapped); OUT is then left as it was.
func Run(ctx context.Context, c Config) (*Report, error) {
	start := time.Now()
	rep := &Report{}
	for _, e := range c.Exporters {
		rep.Formats = append(rep.Formats, e.Name())
	}
	log := c.Log
	if log == nil {
		log = io.Discard
	}
	b := &Build{
		Exhibition: c.Exhibition, Images: c.Images, Out: c.Out, BaseURL: trailingSlash(c.BaseURL),
		Time: c.Time, Version: c.Version, Formats: rep.Formats, Log: log,
	}
	for _, e := range c.Exporters {
		if ch, ok := e.(Checker); ok {
			if err := ch.Check(b); err != nil {
				return nil, &OptionError{Format: e.Name(), Err: err}
			}
		}
	}
	var derivers []assets.Deriver
	seen := map[string]bool{}
	opt := c.Assets
	for _, e := range c.Exporters {
		if d, ok := e.(Deriving); ok {
			for _, dv := range d.Derivers(b) {
				if !seen[dv.Key()] {
					seen[dv.Key()] = true
					derivers = append(derivers, dv)
				}
			}
		}
		if mr, ok := e.(MasterReader); ok && mr.ReadsMasters() {
			opt.KeepMasters = true
		}
	}
	lap := start
	mark := func(name string) {
		now := time.Now()
		rep.Phases = append(rep.Phases, Phase{name, now.Sub(lap)})
		lap = now
	}
	mark("checks")

	store, err := assets.New(c.Exhibition, opt)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	b.Assets = store
	if err := store.Run(ctx, derivers); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		failed := store.Failed()
		if !c.KeepGoing || len(failed) == 0 {
			return nil, fmt.Errorf("images: %w\n%w", err, ErrNothingWritten)
		}
		b.Exhibition, rep.LeftOut = leaveOut(c.Exhibition, failed)
	}
	for _, p := range store.Paths() {
		if m := store.Master(p); m != nil && m.Damage != "" {
			rep.Damaged = append(rep.Damaged, Damaged{Path: p, Damage: m.Damage})
		}
	}
	// Hand the decoded images' memory back to the system before the
	// exporters run, so that peak memory is the larger of the two phases,
	// not their sum.
	debug.FreeOSMemory()
	mark("images")

	var errs []error
	for _, e := range c.Exporters {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := e.Export(ctx, b); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name(), err))
		}
		mark(e.Name())
	}
	// An exporter stopped by cancellation reports whatever it was doing
	// when cancelled; say what happened instead.
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w\n%w", errors.Join(errs...), ErrNothingWritten)
	}
	rep.Assets = store.Stats()
	if err := c.Out.Commit(); err != nil {
		return nil, fmt.Errorf("moving outputs into %s: %w", c.Out.Dir(), err)
	}
	mark("moving into place")
	return rep, nil
}

// leaveOut returns a copy of ex without the images in failed (its plates
// keep their text), and what was left out, in plate order.
func leaveOut(ex *model.Exhibition, failed map[string]error) (*model.Exhibition, []LeftOut) {
	cp := *ex
	cp.Plates = make([]model.Plate, len(ex.Plates))
	byPath := map[string]int{}
	var out []LeftOut
	for i, pl := range ex.Plates {
		pl.Images = slices.DeleteFunc(slices.Clone(pl.Images), func(im model.Image) bool {
			err, bad := failed[im.Path]
			if !bad {
				return false
			}
			k, seen := byPath[im.Path]
			if !seen {
				k = len(out)
				byPath[im.Path] = k
				out = append(out, LeftOut{Path: im.Path, Err: err})
			}
			if !slices.Contains(out[k].Plates, pl.Number) {
				out[k].Plates = append(out[k].Plates, pl.Number)
			}
			return true
		})
		cp.Plates[i] = pl
	}
	if cp.Cover != "" {
		for _, pl := range cp.Plates {
			if pl.Number == cp.Cover && len(pl.Images) == 0 {
				cp.Cover = "" // the cover plate lost its image: a typographic cover
			}
		}
	}
	return &cp, out
}

func trailingSlash(u string) string {
	if u == "" || u[len(u)-1] != '/' {
		return u + "/"
	}
	return u
}
