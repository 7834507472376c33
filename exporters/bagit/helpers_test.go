package bagit

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
	"github.com/vitrine-tools/vitrine/model"
)

// fixtureYAML is a small exhibition: a name with a space and one with "%",
// a plate with two images, text that tries to inject a bag-info field.
const fixtureYAML = `slug: test-show
languages: [en]
title: "Test show\nSource-Organization: injected"
subtitle: Photographs
edition: 2024-05-01
rights: http://creativecommons.org/licenses/by/4.0/
agents:
  - name: Museum of Tests
    roles: [publisher]
plates:
  - number: "1"
    caption: First
    images:
      - path: a photo.jpg
  - number: "21a"
    caption: Second
    images:
      - path: "b%25 odd.JPEG"
      - path: verso.jpg
`

// writeJPEG writes a small JPEG whose pixels depend on seed.
func writeJPEG(t testing.TB, p string, w, h, seed int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x*4 + seed), uint8(y * 5), uint8(seed * 70), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixtureDir writes the fixture exhibition into a new temporary folder.
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for i, n := range []string{"a photo.jpg", "b%25 odd.JPEG", "verso.jpg"} {
		writeJPEG(t, filepath.Join(dir, n), 64, 48, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(fixtureYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newBag is New for options a test knows to be right.
func newBag(t testing.TB, o Options) *Exporter {
	t.Helper()
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// exportBag builds dir with the bag exporter, after the exporters before
// (stand-ins for other formats), the way `vitrine build` does; it returns
// the path of the bag in OUT.
func exportBag(t testing.TB, dir string, o Options, before ...exporters.Exporter) string {
	t.Helper()
	ex, infos := exportertest.Load(t, dir)
	return exportLoaded(t, ex, infos, o, before...)
}

// exportLoaded is exportBag for an exhibition already loaded.
func exportLoaded(t testing.TB, ex *model.Exhibition, infos map[string]model.ImageInfo, o Options, before ...exporters.Exporter) string {
	t.Helper()
	e := newBag(t, o)
	out, _, err := exportertest.BuildLoaded(t, ex, infos, exportertest.Config{}, append(before, e)...)
	if err != nil {
		t.Fatal(err)
	}
	if e.opt.Format == Dir {
		return filepath.Join(out, "bags", ex.Slug)
	}
	return filepath.Join(out, filepath.FromSlash(exporters.BagPath(ex.Slug, string(e.opt.Format))))
}

// buildBag builds the fixture's bag with the options o.
func buildBag(t testing.TB, o Options) string {
	t.Helper()
	return exportBag(t, fixtureDir(t), o)
}

// stage is a stand-in for the format name that writes files (path →
// bytes) into OUT, as that format would earlier in the build.
func stage(name string, files map[string]string) exporters.Exporter {
	return exportertest.Func{Format: name, Fn: func(_ context.Context, b *exporters.Build) error {
		for p, data := range files {
			if err := b.Out.WriteFile(p, []byte(data)); err != nil {
				return err
			}
		}
		return nil
	}}
}

// rewriteZip copies the ZIP at src to a new file, passing each entry through
// edit (which may change its bytes or drop it) and appending extra entries.
func rewriteZip(t testing.TB, src string, edit func(name string, data []byte) ([]byte, bool), extra map[string][]byte) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		keep := true
		if edit != nil {
			data, keep = edit(zf.Name, data)
		}
		if !keep {
			continue
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, data := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return dst
}
