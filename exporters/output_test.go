package exporters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommitRefusesLinkOut: a product folder of OUT that is a symbolic link
// to a folder outside OUT is refused, nothing is written through it, and no
// other product is moved either.
func TestCommitRefusesLinkOut(t *testing.T) {
	out, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(out, "bags")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	o, err := NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"bags/x.zip", "epub/x.epub"} {
		if err := o.WriteFile(rel, []byte("new")); err != nil {
			t.Fatal(err)
		}
		if err := o.Product(rel); err != nil {
			t.Fatal(err)
		}
	}
	err = o.Commit()
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Commit: %v, want a refusal naming the link", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("written through the link: %v", entries)
	}
	// The other product was not moved either (its empty folder may be
	// made).
	if _, err := os.Lstat(filepath.Join(out, "epub", "x.epub")); err == nil {
		t.Error("a product was moved although another was refused")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), StagePrefix) {
			t.Errorf("staging folder left: %s", e.Name())
		}
	}
}

// TestCommitReplacesAndCleans: a second build replaces file and folder
// products whole and leaves no staging folder.
func TestCommitReplacesAndCleans(t *testing.T) {
	out := t.TempDir()
	for _, content := range []string{"one", "two"} {
		o, err := NewOutput(out)
		if err != nil {
			t.Fatal(err)
		}
		o.WriteFile("iiif/x/manifest.json", []byte(content))
		o.WriteFile("iiif/x/"+content+".txt", []byte(content))
		o.WriteFile("bags/x.zip", []byte(content))
		o.Product("iiif/x")
		o.Product("bags/x.zip")
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for rel, want := range map[string]string{"iiif/x/manifest.json": "two", "iiif/x/two.txt": "two", "bags/x.zip": "two"} {
		if b, _ := os.ReadFile(filepath.Join(out, rel)); string(b) != want {
			t.Errorf("%s = %q, want %q", rel, b, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "iiif/x/one.txt")); err == nil {
		t.Error("the previous folder product was merged, not replaced")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), StagePrefix) {
			t.Errorf("staging folder left: %s", e.Name())
		}
	}
}
