package main

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs vitrine in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeTestExhibition(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	f, err := os.Create(filepath.Join(dir, "p1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const minimal = `slug: mini
languages: [en]
title: Mini
rights: http://creativecommons.org/licenses/by/4.0/
plates:
  - number: "1"
    caption: One
    images: [{path: p1.jpg}]
`

func TestExitCodes(t *testing.T) {
	good := writeTestExhibition(t, minimal)
	bad := writeTestExhibition(t, strings.Replace(minimal, "p1.jpg", "nope.jpg", 1))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"version", []string{"version"}, 0, "vitrine " + version, ""},
		{"validate ok", []string{"validate", good}, 0, "1 plates, 1 images: valid", ""},
		{"validate error", []string{"validate", bad}, 1, "", `exhibition.yaml:8:21: error: plates[0].images[0].path: image "nope.jpg" not found`},
		{"validate no file", []string{"validate", t.TempDir()}, 1, "", "no exhibition file"},
		{"unknown command", []string{"frobnicate"}, 2, "", "unknown command"},
		{"unknown flag", []string{"validate", "--frob"}, 2, "", "unknown flag"},
		{"build without -o", []string{"build", good}, 2, "", `required flag(s) "out" not set`},
		{"unknown format", []string{"build", good, "-o", t.TempDir(), "--formats", "pdf"}, 2, "", "unknown format pdf"},
		{"bad base url", []string{"build", good, "-o", t.TempDir(), "--base-url", "ftp://x"}, 2, "", "not an http(s) URL"},
		{"completion", []string{"completion", "bash"}, 0, "bash completion", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tt.code, stdout, stderr, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestBuildInvalidWritesNothing: an invalid exhibition leaves OUT as it was.
func TestBuildInvalidWritesNothing(t *testing.T) {
	bad := writeTestExhibition(t, strings.Replace(minimal, "p1.jpg", "nope.jpg", 1))
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "previous.txt"), []byte("keep me"), 0o644)
	code, _, stderr := runCLI(t, "build", bad, "-o", out)
	if code != 1 || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "previous.txt" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("OUT changed: %v", names)
	}
}
