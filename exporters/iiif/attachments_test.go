package iiif

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentsRendering: a plate's PDF is published beside the manifest
// and linked as its canvas's rendering; the sound file of a plate without
// an image (no canvas) is linked from the manifest's rendering. The output
// passes the official schema and the URL checks (every linked file
// exists).
func TestAttachmentsRendering(t *testing.T) {
	dir := t.TempDir()
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	mp3 := []byte("ID3\x04\x00\x00\x00\x00\x00\x00frames")
	writeFile(t, filepath.Join(dir, "images/pier.jpg"), encodeJPEG(t, testImage(300, 200)))
	writeFile(t, filepath.Join(dir, "files/minutes.pdf"), pdf)
	writeFile(t, filepath.Join(dir, "files/talk.mp3"), mp3)
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(`slug: attached
languages: [en]
title: Attached files
rights: http://rightsstatements.org/vocab/InC/1.0/
edition: 2026-12-01
plates:
  - number: "1"
    caption: The pier, with the board's minutes
    images: [{path: images/pier.jpg}]
    attachments:
      - path: files/minutes.pdf
        label: Minutes of the harbour board
  - number: "2"
    caption: A ferry pilot remembers
    attachments: [{path: files/talk.mp3}]
`))
	// Presentation 2.1 links them too.
	out2 := t.TempDir()
	build(t, dir, out2, buildOpts{tiles: true, version: 2})
	checkOut(t, out2, "http://127.0.0.1:8080/")
	m2 := readJSON(t, filepath.Join(out2, "iiif/attached/manifest.json"))
	c2 := m2["sequences"].([]any)[0].(map[string]any)["canvases"].([]any)[0].(map[string]any)
	if r, ok := c2["rendering"].([]any); !ok || r[0].(map[string]any)["format"] != "application/pdf" {
		t.Errorf("version 2 canvas rendering: %v", c2["rendering"])
	}
	if r, ok := m2["rendering"].([]any); !ok || len(r) != 1 {
		t.Errorf("version 2 manifest rendering: %v", m2["rendering"])
	}

	out := t.TempDir()
	build(t, dir, out, buildOpts{tiles: true})
	checkOut(t, out, "http://127.0.0.1:8080/")
	man := readJSON(t, filepath.Join(out, "iiif/attached/manifest.json"))
	items := man["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%d canvases, want 1 (plate 2 has no image)", len(items))
	}
	r := items[0].(map[string]any)["rendering"].([]any)[0].(map[string]any)
	if r["type"] != "Text" || r["format"] != "application/pdf" || !strings.Contains(r["id"].(string), "/iiif/attached/files/") {
		t.Errorf("canvas rendering %v", r)
	}
	var sound map[string]any
	for _, x := range man["rendering"].([]any) {
		if m := x.(map[string]any); m["type"] == "Sound" {
			sound = m
		}
	}
	if sound == nil || sound["format"] != "audio/mpeg" {
		t.Fatalf("manifest rendering %v", man["rendering"])
	}
	for id, want := range map[string][]byte{r["id"].(string): pdf, sound["id"].(string): mp3} {
		rel := strings.TrimPrefix(id, "http://127.0.0.1:8080/")
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v, bytes differ: %v", rel, err, !bytes.Equal(got, want))
		}
	}
}
