package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildSampleBag builds a two-plate exhibition with the CLI and returns the
// bag's path.
func buildSampleBag(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range []string{"one.jpg", "two.jpg"} {
		var buf bytes.Buffer
		jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 30)), nil)
		os.WriteFile(filepath.Join(dir, n), buf.Bytes(), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(`slug: cli-show
languages: [en]
title: CLI show
edition: 2024-01-02
rights: http://creativecommons.org/licenses/by/4.0/
plates:
  - number: "1"
    caption: One
    images: [{path: one.jpg}]
  - number: "2"
    caption: Two
    images: [{path: two.jpg}]
`), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"build", dir, "-o", out, "--formats", "bagit", "-q"}, &so, &se); code != 0 {
		t.Fatalf("build exit %d: %s", code, se.String())
	}
	return filepath.Join(out, "bags", "cli-show.zip")
}

func TestVerifyCommand(t *testing.T) {
	bag := buildSampleBag(t)
	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"verify", bag}, &so, &se); code != 0 {
		t.Fatalf("verify exit %d\n%s%s", code, so.String(), se.String())
	}
	if !strings.Contains(so.String(), ": valid (zip bag \"cli-show\", BagIt 1.0") {
		t.Errorf("output: %s", so.String())
	}

	// Flip one byte of a master: exit 1, the file and both digests named.
	bad := filepath.Join(t.TempDir(), "cli-show.zip")
	copyZip(t, bag, bad, "cli-show/data/images/plate-002.jpg")
	so.Reset()
	se.Reset()
	if code := run(context.Background(), []string{"verify", bad}, &so, &se); code != 1 {
		t.Fatalf("tampered bag exit %d\n%s%s", code, so.String(), se.String())
	}
	if !strings.Contains(so.String(), "data/images/plate-002.jpg: sha256 checksum mismatch: manifest-sha256.txt expects ") ||
		!strings.Contains(so.String(), "2 problem(s)") {
		t.Errorf("output: %s", so.String())
	}
	so.Reset()
	if code := run(context.Background(), []string{"verify", "--json", bad}, &so, &se); code != 1 {
		t.Fatalf("--json exit %d", code)
	}
	var rep struct {
		Valid    bool
		Problems []struct{ Kind, Path, Expected, Found string }
	}
	if err := json.Unmarshal(so.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, so.String())
	}
	if rep.Valid || len(rep.Problems) != 2 || rep.Problems[0].Path != "data/images/plate-002.jpg" || rep.Problems[0].Expected == "" {
		t.Errorf("--json report: %+v", rep)
	}
	// --fast does not read payload bytes: a flipped byte passes.
	so.Reset()
	if code := run(context.Background(), []string{"verify", "--fast", bad}, &so, &se); code != 0 {
		t.Errorf("--fast exit %d: %s", code, so.String())
	}

	// Not a bag: exit 2.
	junk := filepath.Join(t.TempDir(), "junk.zip")
	os.WriteFile(junk, []byte("not a zip"), 0o644)
	se.Reset()
	if code := run(context.Background(), []string{"verify", junk}, &so, &se); code != 2 {
		t.Errorf("junk exit %d", code)
	}
	if !strings.Contains(se.String(), "neither a ZIP, a TAR nor a folder") {
		t.Errorf("stderr: %s", se.String())
	}
	if code := run(context.Background(), []string{"verify"}, &so, &se); code != 2 {
		t.Errorf("no argument: exit %d", code)
	}
}

// copyZip copies a ZIP, flipping one byte of the entry named flip.
func copyZip(t *testing.T, src, dst, flip string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, _ := os.Create(dst)
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == flip {
			data[len(data)/2] ^= 0x10
		}
		w, _ := zw.Create(zf.Name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
