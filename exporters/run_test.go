package exporters_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

// counting is a deriver that counts its calls.
type counting struct{ n *atomic.Int32 }

func (counting) Key() string { return "test/counting" }
func (c counting) Derive(_ context.Context, src *assets.Source, dst *assets.Dir) error {
	c.n.Add(1)
	f, err := dst.Create("size")
	if err != nil {
		return err
	}
	w, h := src.Size()
	fmt.Fprintf(f, "%dx%d", w, h)
	return f.Close()
}

// fake is an exporter whose capabilities a test chooses.
type fake struct {
	name     string
	deriver  assets.Deriver
	masters  bool
	checkErr error
	log      *[]string
	export   func(b *exporters.Build) error
}

func (f *fake) Name() string { return f.name }
func (f *fake) Export(_ context.Context, b *exporters.Build) error {
	*f.log = append(*f.log, "export "+f.name)
	if f.export != nil {
		return f.export(b)
	}
	return product(b, f.name+".txt")
}

func product(b *exporters.Build, rel string) error {
	if err := b.Out.WriteFile(rel, nil); err != nil {
		return err
	}
	return b.Out.Product(rel)
}
func (f *fake) Check(b *exporters.Build) error {
	*f.log = append(*f.log, "check "+f.name)
	if b.Assets != nil {
		return errors.New("Check called after the asset store was made")
	}
	return f.checkErr
}
func (f *fake) Derivers(*exporters.Build) []assets.Deriver {
	if f.deriver == nil {
		return nil
	}
	return []assets.Deriver{f.deriver}
}
func (f *fake) ReadsMasters() bool { return f.masters }

// twoImages writes an exhibition of two JPEGs.
func twoImages(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i, n := range []string{"a.jpg", "b.jpg"} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 40+i, 30)), nil); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := "slug: two\nlanguages: [en]\ntitle: Two\nrights: http://creativecommons.org/licenses/by/4.0/\nplates:\n" +
		"  - {number: \"1\", caption: One, images: [{path: a.jpg}]}\n  - {number: \"2\", caption: Two, images: [{path: b.jpg}]}\n"
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRun(t *testing.T) {
	var n atomic.Int32
	var log []string
	reader := &fake{name: "reader", deriver: counting{&n}, masters: true, log: &log}
	reader.export = func(b *exporters.Build) error {
		for _, p := range b.Assets.Paths() {
			r, err := b.Assets.OpenMaster(p)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, r)
			r.Close()
		}
		return product(b, "reader.txt")
	}
	exps := []exporters.Exporter{
		&fake{name: "first", deriver: counting{&n}, log: &log},
		reader,
		&fake{name: "last", log: &log},
	}
	out, rep, err := exportertest.Build(t, twoImages(t), exportertest.Config{}, exps...)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"check first", "check reader", "check last", "export first", "export reader", "export last"}
	if !slices.Equal(log, want) {
		t.Errorf("calls %v, want %v", log, want)
	}
	// One deriver key, two exporters: each master derived once.
	if n.Load() != 2 {
		t.Errorf("the shared deriver ran %d times for 2 masters", n.Load())
	}
	// The reader asked for the masters: they were kept from the one read.
	if rep.Assets.SpoolReads != 2 || rep.Assets.Reads["a.jpg"] != 1 {
		t.Errorf("masters not served from the store's copy: %+v", rep.Assets)
	}
	if !slices.Equal(rep.Formats, []string{"first", "reader", "last"}) || len(rep.Phases) != 6 {
		t.Errorf("report %+v", rep)
	}
	for _, f := range []string{"first.txt", "reader.txt", "last.txt"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("not committed: %v", err)
		}
	}
}

func TestRunStops(t *testing.T) {
	var log []string
	boom := errors.New("boom")
	t.Run("a refused option reads nothing", func(t *testing.T) {
		log = nil
		cache := filepath.Join(t.TempDir(), "cache")
		_, _, err := exportertest.Build(t, twoImages(t), exportertest.Config{Assets: assets.Options{CacheDir: cache}},
			&fake{name: "ok", log: &log}, &fake{name: "bad", checkErr: boom, log: &log})
		var oe *exporters.OptionError
		if !errors.As(err, &oe) || oe.Format != "bad" || !errors.Is(err, boom) {
			t.Fatalf("got %v, want the OptionError of bad", err)
		}
		if _, err := os.Stat(cache); err == nil || slices.Contains(log, "export ok") {
			t.Errorf("the build went on after a refused option: %v", log)
		}
	})
	t.Run("a failed exporter commits nothing", func(t *testing.T) {
		log = nil
		failing := &fake{name: "failing", log: &log, export: func(*exporters.Build) error { return boom }}
		out, _, err := exportertest.Build(t, twoImages(t), exportertest.Config{}, &fake{name: "ok", log: &log}, failing, &fake{name: "after", log: &log})
		if !errors.Is(err, boom) || !errors.Is(err, exporters.ErrNothingWritten) || !strings.Contains(err.Error(), "failing: boom") {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(filepath.Join(out, "ok.txt")); err == nil {
			t.Error("an output was committed after a failure")
		}
	})
	t.Run("a bad image", func(t *testing.T) {
		dir := twoImages(t)
		ex, infos := exportertest.Load(t, dir)
		// Damaged after validation read its header.
		os.WriteFile(filepath.Join(dir, "b.jpg"), []byte("not a JPEG"), 0o644)
		_, _, err := exportertest.BuildLoaded(t, ex, infos, exportertest.Config{}, &fake{name: "ok", log: &log})
		if !errors.Is(err, assets.ErrImage) || !errors.Is(err, exporters.ErrNothingWritten) || !strings.Contains(err.Error(), "b.jpg") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := exportertest.Build(t, twoImages(t), exportertest.Config{Context: ctx}, &fake{name: "ok", log: &log})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
}
