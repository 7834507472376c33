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

	"github.com/spf13/pflag"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
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

type buildEnv struct {
	b     *exporters.Build
	out   string
	store *assets.Store
}

// prepare loads dir and reads its images, ready for Export.
func prepare(t testing.TB, dir string, formats ...string) *buildEnv {
	t.Helper()
	ex, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ps, infos := model.Validate(ex, model.ValidateOptions{})
	if len(ps.Errors()) > 0 {
		t.Fatalf("fixture invalid: %v", ps)
	}
	tm, err := ex.BuildTime()
	if err != nil {
		t.Fatal(err)
	}
	store, err := assets.New(ex, assets.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(t.TempDir(), "out")
	out, err := exporters.NewOutput(outDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(out.Abort)
	if len(formats) == 0 {
		formats = []string{"bagit"}
	}
	return &buildEnv{store: store, out: outDir, b: &exporters.Build{
		Exhibition: ex, Images: infos, Assets: store, Out: out, BaseURL: "http://127.0.0.1:8080/",
		Time: tm, Version: "test", Formats: formats, Log: io.Discard,
	}}
}

// exportBag runs the exporter with the given flags and commits; it returns
// the path of the bag in OUT.
func exportBag(t testing.TB, env *buildEnv, args ...string) string {
	t.Helper()
	e := New()
	fs := flagSet(e)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := e.Export(context.Background(), env.b); err != nil {
		t.Fatal(err)
	}
	if err := env.b.Out.Commit(); err != nil {
		t.Fatal(err)
	}
	o, _ := e.Resolve()
	slug := env.b.Exhibition.Slug
	if o.Format == Dir {
		return filepath.Join(env.out, "bags", slug)
	}
	return filepath.Join(env.out, filepath.FromSlash(exporters.BagPath(slug, string(o.Format))))
}

// buildBag builds the fixture's bag with the given flags.
func buildBag(t testing.TB, args ...string) string {
	t.Helper()
	return exportBag(t, prepare(t, fixtureDir(t)), args...)
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

// flagSet returns a flag set holding e's flags.
func flagSet(e *Exporter) *pflag.FlagSet {
	fs := pflag.NewFlagSet("bagit", pflag.ContinueOnError)
	e.AddFlags(fs)
	return fs
}
