package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildFromTheBag: an archivist who has only the deposited ZIP unpacks
// it and builds its data/ folder. The e-book comes out byte for byte the
// same as the one built from the original folder, and the bag built again
// from the bag verifies.
func TestBuildFromTheBag(t *testing.T) {
	dir := writeTestExhibition(t, strings.Replace(minimal, "title: Mini\n", "title: Mini\nedition: 2024-03-01\n", 1))
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", "epub,iiif,bagit"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	unpacked := t.TempDir()
	zr, err := zip.OpenReader(filepath.Join(out, "bags", "mini.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if !filepath.IsLocal(f.Name) {
			t.Fatalf("entry %q", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(unpacked, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zr.Close()

	again := t.TempDir()
	code, _, stderr := runCLI(t, "build", filepath.Join(unpacked, "mini", "data"), "-q", "-o", again, "--cache-dir", t.TempDir(), "--formats", "epub,iiif,bagit")
	if code != 0 {
		t.Fatalf("build from the bag's data/: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(out, "epub", "mini.epub"))
	b, err := os.ReadFile(filepath.Join(again, "epub", "mini.epub"))
	if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the EPUB built from the bag differs from the original (%d and %d bytes, %v)", len(a), len(b), err)
	}
	if code, stdout, stderr := runCLI(t, "verify", filepath.Join(again, "bags", "mini.zip")); code != 0 {
		t.Errorf("bag built from the bag: exit %d\n%s%s", code, stdout, stderr)
	}
}
