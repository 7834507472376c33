package site

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// stagedManifest is a manifest with one canvas per image, as the iiif
// exporter would stage it.
func stagedManifest(slug string, n int) []byte {
	type obj = map[string]any
	var items []any
	for i := 1; i <= n; i++ {
		svc := base + "iiif/" + slug + "/images/" + string(rune('0'+i))
		items = append(items, obj{
			"label":     obj{"en": []string{"Canvas " + string(rune('0'+i))}},
			"thumbnail": []any{obj{"id": svc + "/full/200,150/0/default.jpg", "width": 200, "height": 150}},
			"items": []any{obj{"items": []any{obj{"body": obj{
				"id": svc + "/full/max/0/default.jpg", "width": 800, "height": 600,
				"service": []any{obj{"id": svc}},
			}}}}},
		})
	}
	b, _ := json.Marshal(obj{"items": items})
	return b
}

func build(t *testing.T, out string, ex *model.Exhibition, formats ...string) error {
	t.Helper()
	o, err := exporters.NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	b := &exporters.Build{Exhibition: ex, Out: o, BaseURL: base, Time: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), Version: "test", Formats: formats, Log: io.Discard}
	if b.Has("iiif") {
		if err := o.WriteFile(exporters.ManifestPath(ex.Slug), stagedManifest(ex.Slug, 3)); err != nil {
			t.Fatal(err)
		}
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

func TestCanvasMismatch(t *testing.T) {
	ex := testExhibition("victory")
	ex.Plates = append(ex.Plates, model.Plate{Number: "3", Images: []model.Image{{Path: "d.jpg"}}})
	// 3 canvases for 3 plates and 4 images: one per plate.
	if err := build(t, t.TempDir(), ex, "iiif", "site"); err != nil {
		t.Fatal(err)
	}
	ex.Plates = append(ex.Plates, model.Plate{Number: "4", Images: []model.Image{{Path: "e.jpg"}}})
	if err := build(t, t.TempDir(), ex, "iiif", "site"); err == nil {
		t.Fatal("3 canvases for 4 plates and 5 images: no error")
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
