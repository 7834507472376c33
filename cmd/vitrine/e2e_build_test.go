package main

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
)

// multilingual is the end-to-end tests' own exhibition: three languages,
// one of them not in Latin script, characters that need escaping, a plate
// with two images (one PNG), portrait and landscape images.
const multilingual = `slug: e2e-multilingue
languages: [fr, en, ja]
title:
  fr: "Vitrine d'essai : « lumière & ombre »"
  en: "Test showcase: light & shadow"
  ja: "試験展示：光と影"
edition: 2024-03-01
rights: http://creativecommons.org/licenses/by/4.0/
credit:
  fr: "Collection <privée> & associés"
  en: "Private <collection> & partners"
sections:
  - id: salle-1
    title: {fr: Première salle, en: First room, ja: 第一室}
plates:
  - number: "1"
    section: salle-1
    caption: {fr: "Quadrants colorés", en: "Coloured quadrants", ja: "色の四分円"}
    date: "vers 1912"
    images: [{path: images/p1.jpg}]
  - number: "2a"
    section: salle-1
    caption: {fr: "Portrait debout <recto> & verso", en: "Upright portrait <recto> & verso", ja: "縦長の肖像"}
    date: "1951-06"
    images: [{path: images/p2.jpg}, {path: images/p2-verso.png}]
  - number: "3"
    section: salle-1
    caption: {fr: "Petit format", en: "Small format", ja: "小さな判"}
    images: [{path: images/p3.jpg}]
`

// writeMultilingual writes the multilingual exhibition into a new folder.
func writeMultilingual(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(multilingual), 0o644); err != nil {
		t.Fatal(err)
	}
	put := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, "images", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("p1.jpg", encodeJPEG(t, fixtureImage(1500, 1000, 0)))
	put("p2.jpg", encodeJPEG(t, fixtureImage(700, 1100, 1)))
	var b bytes.Buffer
	if err := png.Encode(&b, fixtureImage(700, 1100, 2)); err != nil {
		t.Fatal(err)
	}
	put("p2-verso.png", b.Bytes())
	put("p3.jpg", encodeJPEG(t, fixtureImage(300, 200, 3)))
	return dir
}

// TestE2EBuild builds the sample exhibition and the multilingual one with
// the address served as --base-url, serves OUT with the real handler, and
// opens every output in the real viewers: Mirador, tify and OpenSeadragon
// for the IIIF manifest, epub.js for the EPUB, and the index page with its
// deep-zoom view.
func TestE2EBuild(t *testing.T) {
	t.Parallel()
	harness := harnessDir(t)
	multi := writeMultilingual(t)
	dirs := []string{multi}
	sample := filepath.Join("..", "..", "samples", "victory-70")
	if _, err := os.Stat(filepath.Join(sample, "exhibition.yaml")); err == nil {
		dirs = append([]string{sample}, dirs...)
	} else {
		t.Logf("no sample at %s (%v): only the multilingual exhibition is checked", sample, err)
	}
	h := newHost(t)
	out := t.TempDir()
	args := []string{"--screens", screensDir(t)}
	for _, dir := range dirs {
		var stderr bytes.Buffer
		code := run(t.Context(), []string{"build", dir, "-o", out, "--base-url", h.base, "-q"}, io.Discard, &stderr)
		if code != exitOK {
			t.Fatalf("vitrine build %s: exit %d\n%s", dir, code, stderr.String())
		}
		ex, err := model.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--manifest", h.base+"iiif/"+ex.Slug+"/manifest.json", "--epub", h.base+"epub/"+ex.Slug+".epub")
		args = append(args, "--index", h.base+ex.Slug+"/", "--plates", strconv.Itoa(len(ex.Plates)))
	}
	h.serveOut(t, out, nil)
	log, ok := runHarness(t, harness, args...)
	t.Logf("harness output:\n%s", log)
	if !ok {
		t.Fatal(errors.New("the viewers failed on vitrine's output (see above and the screenshots)"))
	}
}
