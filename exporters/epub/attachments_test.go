package epub

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

// TestAttachments: a plate's PDF and a sound file of a plate without an
// image are named on their plate pages, linked to their copies beside the
// IIIF manifest when the build makes IIIF (that book passes epubcheck),
// else said to be in the archive.
func TestAttachments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fx := writeFixture(t)
	jpgs, _ := filepath.Glob(filepath.Join(fx, "images", "*.jpg"))
	if len(jpgs) == 0 {
		t.Fatal("the fixture has no JPEG")
	}
	src, err := os.ReadFile(jpgs[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"images/pier.jpg":   src,
		"files/minutes.pdf": []byte("%PDF-1.4\n%%EOF\n"),
		"files/talk.mp3":    []byte("ID3\x04\x00\x00\x00\x00\x00\x00frames"),
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(`slug: attached
languages: [en]
title: Attached files
rights: http://rightsstatements.org/vocab/InC/1.0/
edition: 2026-12-01
plates:
  - number: "1"
    caption: The pier
    images: [{path: images/pier.jpg}]
    attachments:
      - path: files/minutes.pdf
        label: Minutes of the harbour board
  - number: "2"
    caption: A ferry pilot remembers
    attachments: [{path: files/talk.mp3}]
`), 0o644)
	for _, tc := range []struct {
		formats []string
		want    []string
	}{
		{[]string{"epub", "iiif"}, []string{`<dt>PDF</dt>`, `<a href="http://127.0.0.1:8080/iiif/attached/files/`, `>Minutes of the harbour board</a>`, `<dt>Audio</dt>`, `>talk.mp3</a>`}},
		{[]string{"epub"}, []string{`<dt>PDF</dt>`, `Minutes of the harbour board (in the archive copy)`, `talk.mp3 (in the archive copy)`}},
	} {
		t.Run(strings.Join(tc.formats, ","), func(t *testing.T) {
			// A stand-in for the IIIF exporter: the EPUB links to what
			// it would publish.
			exps := []exporters.Exporter{newExporter(t, Options{})}
			if len(tc.formats) > 1 {
				exps = append(exps, exportertest.Func{Format: "iiif", Fn: func(context.Context, *exporters.Build) error { return nil }})
			}
			out, _, err := exportertest.Build(t, dir, exportertest.Config{}, exps...)
			if err != nil {
				t.Fatal(err)
			}
			book, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(exporters.EPUBPath("attached"))))
			if err != nil {
				t.Fatal(err)
			}
			files, _ := entries(t, book)
			var pages strings.Builder
			for n, b := range files {
				if strings.HasSuffix(n, ".xhtml") {
					pages.Write(b)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(pages.String(), w) {
					t.Errorf("pages lack %q", w)
				}
			}
			if len(tc.formats) > 1 { // the book with links out: one JVM start is enough
				epubcheck(t, keep(t, "attached.epub", book))
			}
		})
	}
}
