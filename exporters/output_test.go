package exporters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

func TestOutputCommitReplacesProducts(t *testing.T) {
	dir := t.TempDir()
	// A previous build: a folder product with a file the new build drops,
	// and an unrelated file that must survive.
	os.MkdirAll(filepath.Join(dir, "iiif", "ex", "old"), 0o755)
	os.WriteFile(filepath.Join(dir, "iiif", "ex", "old", "stale.json"), []byte("stale"), 0o644)
	os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("user file"), 0o644)

	o, err := NewOutput(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"iiif/ex", "epub/ex.epub"} {
		if err := o.Product(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.WriteFile("iiif/ex/manifest.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := o.WriteFile("epub/ex.epub", []byte("book")); err != nil {
		t.Fatal(err)
	}
	// Nothing is visible before Commit.
	if _, err := os.Stat(filepath.Join(dir, "epub", "ex.epub")); err == nil {
		t.Fatal("product visible before Commit")
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	want := map[string]string{"iiif/ex/manifest.json": "{}", "epub/ex.epub": "book", "mine.txt": "user file"}
	if len(got) != len(want) {
		t.Errorf("OUT holds %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestOutputAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "epub"), 0o755)
	os.WriteFile(filepath.Join(dir, "epub", "ex.epub"), []byte("previous"), 0o644)
	o, err := NewOutput(dir)
	if err != nil {
		t.Fatal(err)
	}
	o.Product("epub/ex.epub")
	o.WriteFile("epub/ex.epub", []byte("half"))
	o.Abort()
	o.Abort() // twice is harmless
	got := readTree(t, dir)
	if len(got) != 1 || got["epub/ex.epub"] != "previous" {
		t.Errorf("after Abort OUT holds %v", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), StagePrefix) {
			t.Errorf("staging folder %s left behind", e.Name())
		}
	}
}

func TestOutputRefusesEscapes(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	o, err := NewOutput(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	for _, rel := range []string{"../x", "/etc/x", "a/../../x", `a\..\x`, ""} {
		if _, err := o.Create(rel); err == nil {
			t.Errorf("Create(%q) succeeded", rel)
		}
		if err := o.Product(rel); err == nil {
			t.Errorf("Product(%q) succeeded", rel)
		}
	}
	// A symbolic link inside the staging folder cannot lead out of it.
	if err := os.Symlink(parent, filepath.Join(o.StageDir(), "link")); err != nil {
		t.Skip("no symlinks")
	}
	if _, err := o.Create("link/escaped.txt"); err == nil {
		t.Error("Create wrote through a symbolic link out of OUT")
	}
	if _, err := os.Stat(filepath.Join(parent, "escaped.txt")); err == nil {
		t.Error("file written outside OUT")
	}
}

func TestOutputUndeclaredProductIsAnError(t *testing.T) {
	o, err := NewOutput(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o.Product("bags/x.zip")
	if err := o.Commit(); err == nil || !strings.Contains(err.Error(), "bags/x.zip was declared but not written") {
		t.Errorf("Commit = %v", err)
	}
}
