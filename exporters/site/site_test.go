package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

const base = "http://127.0.0.1:8080/"

func testExhibition(slug string) *model.Exhibition {
	return &model.Exhibition{
		Slug: slug, Languages: []string{"en", "fr"},
		Title:    model.Text{"en": "Victory <70>", "fr": "Victoire <70>"},
		Rights:   "http://creativecommons.org/licenses/by/4.0/",
		Credit:   model.Text{"en": "Lent by A & B"},
		Sections: []model.Section{{ID: "s1", Title: model.Text{"en": "Room <1>", "fr": "Salle 1"}}},
		Plates: []model.Plate{
			{Number: "1", Section: "s1", Caption: model.Text{"en": "First <script>alert(1)</script>", "fr": "Première"}, Images: []model.Image{{Path: "a.jpg"}}},
			{Number: "2a", Caption: model.Text{"en": "Second"}, Creator: "Anon", Images: []model.Image{{Path: "b.jpg"}, {Path: "c.jpg"}}},
		},
	}
}

// handedOn is what the iiif exporter hands on for ex: one canvas per
// image, numbered from 1 across the exhibition.
func handedOn(ex *model.Exhibition) *exporters.IIIF {
	h := &exporters.IIIF{Manifest: base + exporters.ManifestPath(ex.Slug)}
	n := 0
	for _, p := range ex.Plates {
		for j, im := range p.Images {
			n++
			svc := fmt.Sprintf("%siiif/%s/images/%d", base, ex.Slug, n)
			h.Canvases = append(h.Canvases, exporters.Canvas{
				Plate: p.Number, Image: im.Path, Index: j, Label: model.Text{"en": fmt.Sprintf("Canvas %d", n)},
				Width: 800, Height: 600,
				Full:    exporters.ImageRef{URL: svc + "/full/max/0/default.jpg", Width: 800, Height: 600},
				Thumb:   exporters.ImageRef{URL: svc + "/full/200,150/0/default.jpg", Width: 200, Height: 150},
				Service: svc,
			})
		}
	}
	return h
}

// build runs the site exporter alone, after stand-ins for the formats
// named (iiif hands on canvases, bagit stages a bag).
func build(t *testing.T, out string, ex *model.Exhibition, formats ...string) error {
	t.Helper()
	o, err := exporters.NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	b := &exporters.Build{Exhibition: ex, Out: o, BaseURL: base, Time: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), Version: "test", Formats: formats, Log: io.Discard}
	if b.Has("iiif") {
		b.IIIF = handedOn(ex)
	}
	if b.Has("bagit") {
		if err := o.WriteFile(exporters.BagPath(ex.Slug, "zip"), []byte("PK")); err != nil {
			t.Fatal(err)
		}
		if err := o.Product(exporters.BagPath(ex.Slug, "zip")); err != nil {
			t.Fatal(err)
		}
	}
	if err := New().Export(context.Background(), b); err != nil {
		return err
	}
	return o.Commit()
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExhibitionPage(t *testing.T) {
	out := t.TempDir()
	if err := build(t, out, testExhibition("victory"), "iiif", "epub", "bagit", "site"); err != nil {
		t.Fatal(err)
	}
	page := read(t, filepath.Join(out, "victory", "index.html"))
	for _, want := range []string{
		`<html lang="en">`,
		`<h1>Victory &lt;70&gt;</h1>`,
		`<p class="sub other" lang="fr">Victoire &lt;70&gt;</p>`,
		`First &lt;script&gt;alert(1)&lt;/script&gt;`,
		`<span class="other" lang="fr">Première</span>`,
		`href="../iiif/victory/manifest.json"`,
		`href="../epub/victory.epub"`,
		`href="../bags/victory.zip" download type="application/zip"`,
		// Plate 1 shows canvas 1, plate 2a (two images) canvas 2.
		`<a data-zoom href="zoom.html?canvas=1" title="Deep zoom"><img src="../iiif/victory/images/1/full/200,150/0/default.jpg" width="200" height="150"`,
		`<a data-zoom href="zoom.html?canvas=2" title="Deep zoom"><img src="../iiif/victory/images/2/full/200,150/0/default.jpg"`,
		`<figure data-plate="2a">`,
		`Lent by A &amp; B`,
		`<section id="section-s1">
<h2>Room &lt;1&gt; <span class="other" lang="fr">Salle 1</span></h2>`,
		`<section>
<h2>Plates</h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("caption not escaped")
	}
	zoom := read(t, filepath.Join(out, "victory", "zoom.html"))
	if !strings.Contains(zoom, `"info":"../iiif/victory/images/3/info.json"`) {
		t.Errorf("zoom.html data lacks the third canvas's info.json:\n%s", zoom)
	}
	root := read(t, filepath.Join(out, "index.html"))
	if !strings.Contains(root, `<a href="victory/" lang="en">Victory &lt;70&gt;</a> (2 plates)`) {
		t.Errorf("index.html:\n%s", root)
	}
	for _, f := range []string{"zoom.js", "vitrine.css", "site.json"} {
		if _, err := os.Stat(filepath.Join(out, "victory", f)); err != nil {
			t.Error(err)
		}
	}
}

func TestRootListsEveryExhibition(t *testing.T) {
	out := t.TempDir()
	if err := build(t, out, testExhibition("zeta"), "site"); err != nil {
		t.Fatal(err)
	}
	if err := build(t, out, testExhibition("alpha"), "site"); err != nil {
		t.Fatal(err)
	}
	root := read(t, filepath.Join(out, "index.html"))
	a, z := strings.Index(root, `href="alpha/"`), strings.Index(root, `href="zeta/"`)
	if a < 0 || z < 0 || a > z {
		t.Errorf("index.html should list alpha then zeta:\n%s", root)
	}
	// Without IIIF the page still lists every plate, without images.
	page := read(t, filepath.Join(out, "alpha", "index.html"))
	if strings.Count(page, "data-plate=") != 2 || strings.Contains(page, "<img") || strings.Contains(page, "manifest.json") {
		t.Errorf("page without IIIF:\n%s", page)
	}
}

func TestReservedSlug(t *testing.T) {
	err := build(t, t.TempDir(), testExhibition("iiif"), "site")
	if !errors.Is(err, ErrSlug) {
		t.Fatalf("slug iiif: %v, want ErrSlug", err)
	}
}

// TestCanvasesByPlate: each plate shows its own first canvas, a plate
// without image shows none, and a site that runs before iiif says so.
func TestCanvasesByPlate(t *testing.T) {
	ex := testExhibition("victory")
	ex.Plates = append(ex.Plates[:1], append([]model.Plate{{Number: "1b", Caption: model.Text{"en": "No image"}}}, ex.Plates[1:]...)...)
	out := t.TempDir()
	if err := build(t, out, ex, "iiif", "site"); err != nil {
		t.Fatal(err)
	}
	page := read(t, filepath.Join(out, "victory", "index.html"))
	for _, want := range []string{
		`<figure data-plate="1b" data-no-image>`,
		`<a data-zoom href="zoom.html?canvas=2" title="Deep zoom"><img src="../iiif/victory/images/2/`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s:\n%s", want, page)
		}
	}
	o, err := exporters.NewOutput(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	b := &exporters.Build{Exhibition: ex, Out: o, BaseURL: base, Formats: []string{"site", "iiif"}, Log: io.Discard}
	if err := New().Export(t.Context(), b); err == nil || !strings.Contains(err.Error(), "must run after iiif") {
		t.Errorf("site before iiif: %v", err)
	}
}

func TestReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := build(t, d, testExhibition("victory"), "iiif", "epub", "site"); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"index.html", "victory/index.html", "victory/zoom.html", "victory/site.json"} {
		if !bytes.Equal([]byte(read(t, filepath.Join(a, f))), []byte(read(t, filepath.Join(b, f)))) {
			t.Errorf("%s differs between two builds", f)
		}
	}
}

// TestNoManifest: the iiif exporter ran but wrote no manifest (Build.IIIF
// without one), as for an exhibition without images: the page links to no
// manifest and no viewer, and has no deep-zoom links.
func TestNoManifest(t *testing.T) {
	out := t.TempDir()
	ex := testExhibition("letters")
	for i := range ex.Plates {
		ex.Plates[i].Images = nil
	}
	o, err := exporters.NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	b := &exporters.Build{Exhibition: ex, Out: o, BaseURL: base, Time: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), Version: "test", Formats: []string{"iiif", "site"}, Log: io.Discard,
		IIIF: &exporters.IIIF{}}
	if err := New().Export(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	page := read(t, filepath.Join(out, "letters", "index.html"))
	for _, bad := range []string{"manifest.json", "Mirador", "data-zoom", "application/ld+json"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html of an exhibition without a manifest has %q:\n%s", bad, page)
		}
	}
	if !strings.Contains(page, `<figure data-plate="2a"`) {
		t.Errorf("index.html lacks the plates:\n%s", page)
	}
}
