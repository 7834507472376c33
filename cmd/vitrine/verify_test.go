package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
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

// unzipBag unpacks the ZIP bag at src into dir and returns the bag folder.
func unzipBag(t *testing.T, src, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	top := ""
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		top, _, _ = strings.Cut(zf.Name, "/")
		p := filepath.Join(dir, filepath.FromSlash(zf.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, top)
}

// tarGzDir writes the folder bag as a tar.gz named like it.
func tarGzDir(t *testing.T, bag, dest string) {
	t.Helper()
	f, err := os.Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	base := filepath.Dir(bag)
	filepath.WalkDir(bag, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(base, p)
		tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Size: int64(len(data)), Mode: 0o644, Typeflag: tar.TypeReg})
		tw.Write(data)
		return nil
	})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyStrictProfileJSON: warnings with codes and lines, --strict,
// --profile by short name, URI and file, a tar.gz, and a bag without
// bagit.txt (invalid, exit 1).
func TestVerifyStrictProfileJSON(t *testing.T) {
	bag := buildSampleBag(t)
	verify := func(args ...string) (int, string, string) {
		var so, se bytes.Buffer
		code := run(context.Background(), append([]string{"verify"}, args...), &so, &se)
		return code, so.String(), se.String()
	}
	if code, so, se := verify("--profile", "btr", "--strict", bag); code != 0 || !strings.Contains(so, "profile https://github.com/dpscollaborative/btr_bagit_profile/releases/download/1.0/btr-bagit-profile.json") {
		t.Errorf("--profile btr: exit %d\n%s%s", code, so, se)
	}
	if code, so, _ := verify("--profile", "https://raw.githubusercontent.com/APTrust/preservation-services/master/profiles/aptrust-v2.2.json", bag); code != 1 ||
		!strings.Contains(so, "[profile-serialization]") || !strings.Contains(so, "[profile-manifest]") || !strings.Contains(so, "aptrust-info.txt: missing: the profile requires this tag file") {
		t.Errorf("--profile aptrust on a BTR ZIP: exit %d\n%s", code, so)
	}
	if code, _, se := verify("--profile", "https://example.org/other.json", bag); code != 2 || !strings.Contains(se, "does not download") {
		t.Errorf("--profile with an unknown URL: exit %d %s", code, se)
	}
	pf := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(pf, []byte(`{"BagIt-Profile-Info":{"BagIt-Profile-Identifier":"urn:x"},"Accept-BagIt-Version":["0.97"]}`), 0o644)
	if code, so, _ := verify("--profile", pf, bag); code != 1 || !strings.Contains(so, "[profile-bagit-version]") || !strings.Contains(so, "[profile-identifier-differs]") {
		t.Errorf("--profile FILE: exit %d\n%s", code, so)
	}

	// A folder bag with a discouraged label: valid, with a warning naming
	// the file and line; --strict fails it; --json gives the code.
	dir := unzipBag(t, bag, t.TempDir())
	info := filepath.Join(dir, "bag-info.txt")
	data, _ := os.ReadFile(info)
	os.WriteFile(info, bytes.Replace(data, []byte("Bagging-Date:"), []byte("Bagging-Date :"), 1), 0o644)
	for _, alg := range []string{"sha256", "sha512"} {
		os.Remove(filepath.Join(dir, "tagmanifest-"+alg+".txt"))
	}
	code, so, _ := verify(dir)
	if code != 0 || !strings.Contains(so, "warning: bag-info.txt line 3: \"Bagging-Date\" has white space before its colon") || !strings.Contains(so, "[label-space]") {
		t.Errorf("warning: exit %d\n%s", code, so)
	}
	if code, so, _ := verify("--strict", dir); code != 1 || !strings.Contains(so, "--strict counts as problems") {
		t.Errorf("--strict: exit %d\n%s", code, so)
	}
	_, so, _ = verify("--json", dir)
	var rep struct {
		Valid, Usable bool
		Encoding      string `json:"tag_file_encoding"`
		Warnings      []struct {
			Kind, Path, Manifest string
			Line                 int
		}
	}
	if err := json.Unmarshal([]byte(so), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Valid || !rep.Usable || rep.Encoding != "UTF-8" || len(rep.Warnings) != 1 || rep.Warnings[0].Kind != "label-space" || rep.Warnings[0].Line != 3 || rep.Warnings[0].Manifest != "bag-info.txt" {
		t.Errorf("--json: %+v\n%s", rep, so)
	}

	// The same bag as a tar.gz gives the same report.
	tgz := filepath.Join(t.TempDir(), "cli-show.tar.gz")
	tarGzDir(t, dir, tgz)
	_, text, _ := verify(dir)
	if code, so2, _ := verify(tgz); code != 0 || !strings.Contains(so2, "tar.gz bag") || strings.SplitN(so2, "\n", 2)[1] != strings.SplitN(text, "\n", 2)[1] {
		t.Errorf("tar.gz: exit %d\n%s", code, so2)
	}

	// Without bagit.txt the bag is invalid (1), not unusable (2).
	os.Remove(filepath.Join(dir, "bagit.txt"))
	if code, so, se := verify(dir); code != 1 || !strings.Contains(so, "bagit.txt: missing") || !strings.Contains(so, "[no-bagit-txt]") {
		t.Errorf("no bagit.txt: exit %d\n%s%s", code, so, se)
	}
}
