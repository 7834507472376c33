package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/site"
	"github.com/vitrine-tools/vitrine/model"
)

// The hand-written fixture is a tiny OUT folder made without any exporter:
// one manifest with two canvases backed by level-0 image services (tiles,
// sizes, full/max), a two-plate EPUB and an index page. It checks the
// browser harness itself (that it passes a correct output and fails each
// broken variant), independently of the exporters it is meant to test.

// fixtureImage draws a picture a viewer cannot fake: four coloured
// quadrants and a diagonal band, so that a blank, stretched, cropped or
// missing render differs from it.
func fixtureImage(w, h int, hue int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cols := [4]color.RGBA{
		{200, 30, 40, 255}, {30, 160, 60, 255}, {30, 60, 200, 255}, {230, 200, 40, 255},
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			q := 0
			if x >= w/2 {
				q++
			}
			if y >= h/2 {
				q += 2
			}
			c := cols[(q+hue)%4]
			if d := x*h/w - y; d > -h/12 && d < h/12 {
				c = color.RGBA{245, 245, 245, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func scaleDown(src *image.RGBA, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dst.SetRGBA(x, y, src.RGBAAt(x*sw/w, y*sh/h))
		}
	}
	return dst
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// writeLevel0 writes a level-0 Image API 3.0 service for img under dir
// (the service id is base+rel) and returns its info.json as a map.
func writeLevel0(t *testing.T, out, rel, base string, img *image.RGBA) map[string]any {
	t.Helper()
	const tile = 256
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	put := func(p string, m image.Image) {
		full := filepath.Join(out, filepath.FromSlash(rel), filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, encodeJPEG(t, m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var scales []int
	var sizes []map[string]int
	for sf := 1; ; sf *= 2 {
		scales = append(scales, sf)
		lw, lh := ceilDiv(w, sf), ceilDiv(h, sf)
		level := scaleDown(img, lw, lh)
		if lw <= tile && lh <= tile {
			put(fmt.Sprintf("full/%d,%d/0/default.jpg", lw, lh), level)
		}
		for y := 0; y < h; y += tile * sf {
			for x := 0; x < w; x += tile * sf {
				rw, rh := min(tile*sf, w-x), min(tile*sf, h-y)
				tw, th := ceilDiv(rw, sf), ceilDiv(rh, sf)
				sub := level.SubImage(image.Rect(x/sf, y/sf, x/sf+tw, y/sf+th))
				put(fmt.Sprintf("%d,%d,%d,%d/%d,%d/0/default.jpg", x, y, rw, rh, tw, th), sub)
			}
		}
		if lw <= tile && lh <= tile {
			break
		}
	}
	for i := len(scales) - 1; i >= 0; i-- {
		sf := scales[i]
		lw, lh := ceilDiv(w, sf), ceilDiv(h, sf)
		sizes = append(sizes, map[string]int{"width": lw, "height": lh})
		put(fmt.Sprintf("full/%d,%d/0/default.jpg", lw, lh), scaleDown(img, lw, lh))
	}
	put("full/max/0/default.jpg", img)
	// What Universal Viewer asks for whatever "sizes" lists: the whole
	// image 90 and 200 pixels wide (thumbnail strip, gallery) and at its
	// full width (download).
	for _, tw := range []int{90, 200, w} {
		put(fmt.Sprintf("full/%d,/0/default.jpg", tw), scaleDown(img, tw, max(1, (h*tw+w/2)/w)))
	}
	info := map[string]any{
		"@context": "http://iiif.io/api/image/3/context.json",
		"id":       base + rel,
		"type":     "ImageService3",
		"protocol": "http://iiif.io/api/image",
		"profile":  "level0",
		"width":    w,
		"height":   h,
		"sizes":    sizes,
		"tiles":    []map[string]any{{"width": tile, "height": tile, "scaleFactors": scales}},
	}
	e2eWriteJSON(t, filepath.Join(out, filepath.FromSlash(rel), "info.json"), info)
	return info
}

func e2eWriteJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixturePlate is one plate of the hand-written fixture.
type fixturePlate struct {
	label map[string][]string
	w, h  int
}

var fixturePlates = []fixturePlate{
	{map[string][]string{"en": {"Plate 1. Quadrants"}, "fr": {"Planche 1. Quadrants"}}, 1100, 700},
	{map[string][]string{"en": {"Plate 2. Upright"}, "fr": {"Planche 2. Debout"}}, 600, 900},
}

// writeFixture writes the hand-written OUT for slug "fixture", with IIIF
// ids under base (ending in "/"), and returns its folder.
func writeFixture(t *testing.T, base string) string {
	t.Helper()
	out := t.TempDir()
	const slug = "fixture"
	mid := base + "iiif/" + slug + "/manifest.json"
	var canvases []any
	var shown []exporters.Canvas // the same canvases, as the iiif exporter hands them on
	var jpgs [][]byte
	for i, p := range fixturePlates {
		img := fixtureImage(p.w, p.h, i)
		rel := fmt.Sprintf("iiif/%s/images/p%d", slug, i+1)
		info := writeLevel0(t, out, rel, base, img)
		sizes := info["sizes"].([]map[string]int)
		small := sizes[0]
		cid := fmt.Sprintf("%siiif/%s/canvas/p%d", base, slug, i+1)
		shown = append(shown, exporters.Canvas{
			Plate: fmt.Sprint(i + 1), Image: fmt.Sprintf("p%d.jpg", i+1), Label: model.Text{"en": p.label["en"][0], "fr": p.label["fr"][0]},
			Width: p.w, Height: p.h,
			Full:    exporters.ImageRef{URL: fmt.Sprintf("%s/full/max/0/default.jpg", info["id"]), Width: p.w, Height: p.h},
			Thumb:   exporters.ImageRef{URL: fmt.Sprintf("%s/full/%d,%d/0/default.jpg", info["id"], small["width"], small["height"]), Width: small["width"], Height: small["height"]},
			Service: info["id"].(string),
		})
		service := []any{map[string]any{"id": info["id"], "type": "ImageService3", "profile": "level0"}}
		canvases = append(canvases, map[string]any{
			"id": cid, "type": "Canvas", "label": p.label, "width": p.w, "height": p.h,
			"thumbnail": []any{map[string]any{
				"id":   fmt.Sprintf("%s/full/%d,%d/0/default.jpg", info["id"], small["width"], small["height"]),
				"type": "Image", "format": "image/jpeg", "width": small["width"], "height": small["height"],
				"service": service,
			}},
			"items": []any{map[string]any{
				"id": cid + "/page", "type": "AnnotationPage",
				"items": []any{map[string]any{
					"id": cid + "/page/painting", "type": "Annotation", "motivation": "painting", "target": cid,
					"body": map[string]any{
						"id":   fmt.Sprintf("%s/full/max/0/default.jpg", info["id"]),
						"type": "Image", "format": "image/jpeg", "width": p.w, "height": p.h,
						"service": service,
					},
				}},
			}},
		})
		jpgs = append(jpgs, encodeJPEG(t, scaleDown(img, p.w/2, p.h/2)))
	}
	manifest := map[string]any{
		"@context": "http://iiif.io/api/presentation/3/context.json",
		"id":       mid, "type": "Manifest",
		"label": map[string][]string{"en": {"Fixture exhibition"}, "fr": {"Exposition d'essai"}},
		"items": canvases,
	}
	e2eWriteJSON(t, filepath.Join(out, "iiif", slug, "manifest.json"), manifest)
	epub := fixtureEPUB(t, jpgs)
	if err := os.MkdirAll(filepath.Join(out, "epub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "epub", slug+".epub"), epub, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFixtureSite(t, out, base, &exporters.IIIF{Manifest: mid, Canvases: shown})
	return out
}

// writeFixtureSite runs the real site exporter over the hand-written
// manifest's canvases, for the index page and deep-zoom view.
func writeFixtureSite(t *testing.T, out, base string, canvases *exporters.IIIF) {
	t.Helper()
	ex := &model.Exhibition{Slug: "fixture", Languages: []string{"en", "fr"}, Title: model.Text{"en": "Fixture exhibition"}}
	for i, p := range fixturePlates {
		ex.Plates = append(ex.Plates, model.Plate{
			Number:  fmt.Sprint(i + 1),
			Caption: model.Text{"en": p.label["en"][0], "fr": p.label["fr"][0]},
			Images:  []model.Image{{Path: fmt.Sprintf("p%d.jpg", i+1)}},
		})
	}
	o, err := exporters.NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	b := &exporters.Build{Exhibition: ex, Out: o, BaseURL: base, Version: version, Formats: []string{"epub", "iiif", "site"}, Log: io.Discard, IIIF: canvases}
	if err := site.New().Export(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
}

// fixtureEPUB writes a small EPUB 3: title page, two plate pages with
// images, and a list of plates.
func fixtureEPUB(t *testing.T, jpgs [][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name string, data []byte, store bool) {
		m := zip.Deflate
		if store {
			m = zip.Store
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	page := func(title, body string) []byte {
		return []byte(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>` + title + `</title></head><body>` + body + `</body></html>`)
	}
	add("mimetype", []byte("application/epub+zip"), true)
	add("META-INF/container.xml", []byte(`<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`), false)
	var manifest, spine, loi strings.Builder
	for i := range jpgs {
		fmt.Fprintf(&manifest, `<item id="plate%d" href="plate-%03d.xhtml" media-type="application/xhtml+xml"/><item id="img%d" href="images/p%d.jpg" media-type="image/jpeg"/>`, i+1, i+1, i+1, i+1)
		fmt.Fprintf(&spine, `<itemref idref="plate%d"/>`, i+1)
		fmt.Fprintf(&loi, `<li><a href="plate-%03d.xhtml">%s</a></li>`, i+1, fixturePlates[i].label["en"][0])
	}
	add("OEBPS/content.opf", []byte(`<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="uid">urn:uuid:00000000-0000-5000-8000-000000000000</dc:identifier>
<dc:title>Fixture exhibition</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">2020-01-01T00:00:00Z</meta></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="title" href="title.xhtml" media-type="application/xhtml+xml"/><item id="plates" href="plates.xhtml" media-type="application/xhtml+xml"/>`+manifest.String()+`</manifest>
<spine><itemref idref="title"/><itemref idref="plates"/>`+spine.String()+`</spine></package>`), false)
	add("OEBPS/nav.xhtml", page("Contents", `<nav epub:type="toc" role="doc-toc"><h1>Contents</h1><ol><li><a href="title.xhtml">Title page</a></li><li><a href="plates.xhtml">List of plates</a></li></ol></nav>`), false)
	add("OEBPS/title.xhtml", page("Fixture exhibition", `<section epub:type="titlepage"><h1>Fixture exhibition</h1><p>A hand-made catalogue.</p></section>`), false)
	add("OEBPS/plates.xhtml", page("List of plates", `<nav epub:type="loi"><h1>List of plates</h1><ol>`+loi.String()+`</ol></nav>`), false)
	for i, b := range jpgs {
		add(fmt.Sprintf("OEBPS/plate-%03d.xhtml", i+1), page(fixturePlates[i].label["en"][0], fmt.Sprintf(`<figure><img src="images/p%d.jpg" alt="Coloured quadrants"/><figcaption>%s</figcaption></figure>`, i+1, fixturePlates[i].label["en"][0])), false)
		add(fmt.Sprintf("OEBPS/images/p%d.jpg", i+1), b, false)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
