package exporters

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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

// TestStaleStagingRemoved: a staging folder whose lock nobody holds (its
// build was killed) is removed by the next build; one whose lock is held
// (a build still running) and one without a lock file are kept.
func TestStaleStagingRemoved(t *testing.T) {
	out := t.TempDir()
	stale := filepath.Join(out, StagePrefix+"dead")
	live := filepath.Join(out, StagePrefix+"live")
	nolock := filepath.Join(out, StagePrefix+"nolock")
	for _, d := range []string{stale, live, nolock} {
		os.MkdirAll(filepath.Join(d, "bags"), 0o755)
		os.WriteFile(filepath.Join(d, "bags", "x.zip"), []byte("half"), 0o644)
	}
	os.WriteFile(filepath.Join(stale, lockName), nil, 0o644)
	held, err := tryLock(filepath.Join(live, lockName), true)
	if err != nil {
		t.Skip("no file locks here:", err)
	}
	defer held.Close()
	o, err := NewOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale staging folder was kept")
	}
	for _, d := range []string{live, nolock} {
		if _, err := os.Stat(filepath.Join(d, "bags", "x.zip")); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(d), err)
		}
	}
	// The new build's own folder is locked against a concurrent build.
	if f, err := tryLock(filepath.Join(o.StageDir(), lockName), false); err == nil {
		f.Close()
		t.Error("the running build's staging folder is not locked")
	}
}

// TestOutputReuseCarriesFoldersOver: a reused folder of the current OUT is
// moved into the new product (the same files, not copies), is readable
// through FS before Commit, and stays where it was when the build fails.
func TestOutputReuseCarriesFoldersOver(t *testing.T) {
	dir := t.TempDir()
	build := func(reuse bool, commit bool) (*Output, error) {
		o, err := NewOutput(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Product("p"); err != nil {
			t.Fatal(err)
		}
		if reuse {
			if err := o.Reuse("p/images/a"); err != nil {
				t.Fatal(err)
			}
		} else if err := o.WriteFile("p/images/a/tile.jpg", []byte("tile a")); err != nil {
			t.Fatal(err)
		}
		if err := o.WriteFile("p/images/b/tile.jpg", []byte("tile b")); err != nil {
			t.Fatal(err)
		}
		if err := o.WriteFile("p/manifest.json", []byte(fmt.Sprint("reuse ", reuse))); err != nil {
			t.Fatal(err)
		}
		if !commit {
			return o, nil
		}
		return o, o.Commit()
	}
	if _, err := build(false, true); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(filepath.Join(dir, "p", "images", "a", "tile.jpg"))
	if err != nil {
		t.Fatal(err)
	}

	// A build that reuses a and fails: OUT stays as it was.
	o, _ := build(true, false)
	// The staged view has the reused folder in its listing and its files.
	got, err := fs.ReadFile(o.FS(), "p/images/a/tile.jpg")
	if err != nil || string(got) != "tile a" {
		t.Fatalf("reused file through FS: %q, %v", got, err)
	}
	var walked []string
	fs.WalkDir(o.FS(), "p", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			walked = append(walked, p)
		}
		return nil
	})
	if want := []string{"p/images/a/tile.jpg", "p/images/b/tile.jpg", "p/manifest.json"}; !slices.Equal(walked, want) {
		t.Errorf("FS walk = %v, want %v", walked, want)
	}
	o.Abort()
	if tree := readTree(t, dir); tree["p/images/a/tile.jpg"] != "tile a" || tree["p/manifest.json"] != "reuse false" || len(tree) != 3 {
		t.Fatalf("an aborted build changed OUT: %v", tree)
	}

	// A build that reuses a and commits: a is the same file, carried over.
	if _, err := build(true, true); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(filepath.Join(dir, "p", "images", "a", "tile.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the reused folder was copied, not carried over")
	}
	if tree := readTree(t, dir); tree["p/manifest.json"] != "reuse true" || tree["p/images/b/tile.jpg"] != "tile b" || len(tree) != 3 {
		t.Errorf("after a reusing build OUT holds %v", tree)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, StagePrefix+"*")); len(left) != 0 {
		t.Errorf("staging left behind: %v", left)
	}

	// A reused folder that vanished before Commit: the commit fails and
	// the current product stays whole.
	o, _ = build(true, false)
	if err := os.Rename(filepath.Join(dir, "p", "images", "a"), filepath.Join(dir, "moved-a")); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err == nil || !strings.Contains(err.Error(), "carrying over p/images/a") {
		t.Fatalf("Commit with a reused folder gone: %v, want an error naming it", err)
	}
	if tree := readTree(t, dir); tree["p/manifest.json"] != "reuse true" {
		t.Errorf("a failed commit replaced the product: %v", tree)
	}

	// Only folders of the current OUT can be reused.
	o, _ = NewOutput(dir)
	defer o.Abort()
	for _, bad := range []string{"p/none", "p/manifest.json", "../x", "/etc"} {
		if err := o.Reuse(bad); err == nil {
			t.Errorf("Reuse(%q) accepted", bad)
		}
	}
}

// TestCopyFileLinksWithinOneFileSystem: a cached file is put into OUT as a
// hard link when it can be (no bytes copied), as a copy otherwise, never
// through a symbolic link out of OUT, and with the cached file's bytes.
func TestCopyFileLinksWithinOneFileSystem(t *testing.T) {
	parent := t.TempDir()
	src := filepath.Join(parent, "cached.jpg")
	if err := os.WriteFile(src, []byte("tile bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := NewOutput(filepath.Join(parent, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	if err := o.Product("iiif"); err != nil {
		t.Fatal(err)
	}
	if err := o.CopyFile("iiif/a/0,0,512,512/512,512/0/default.jpg", src); err != nil {
		t.Fatal(err)
	}
	if err := o.CopyFile("iiif/top.jpg", src); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"iiif/a/0,0,512,512/512,512/0/default.jpg", "iiif/top.jpg"} {
		p := filepath.Join(o.StageDir(), filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil || string(b) != "tile bytes" {
			t.Fatalf("%s: %q, %v", rel, b, err)
		}
		a, _ := os.Stat(src)
		c, _ := os.Stat(p)
		if linkable && !os.SameFile(a, c) {
			t.Errorf("%s is a copy, not a link to the cached file", rel)
		}
	}
	// A folder of the staging area that is a symbolic link out of OUT is
	// not linked or copied through.
	outside := filepath.Join(parent, "outside")
	os.Mkdir(outside, 0o755)
	if err := os.Symlink(outside, filepath.Join(o.StageDir(), "iiif", "evil")); err != nil {
		t.Skip("no symlinks")
	}
	if err := o.CopyFile("iiif/evil/x.jpg", src); err == nil {
		t.Error("CopyFile went through a symbolic link")
	}
	if _, err := os.Stat(filepath.Join(outside, "x.jpg")); err == nil {
		t.Error("a file was put outside OUT")
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(parent, "out", "iiif", "top.jpg")); err != nil || string(b) != "tile bytes" {
		t.Errorf("after commit: %q, %v", b, err)
	}
}
