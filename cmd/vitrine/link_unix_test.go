//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLinkCacheFlag: by default the IIIF files of OUT are hard links to
// the cache (on one file system); --link-cache=false copies them.
func TestLinkCacheFlag(t *testing.T) {
	dir := writeTestExhibition(t, minimal)
	cache := t.TempDir()
	tileOf := func(out string) string {
		var found string
		filepath.WalkDir(filepath.Join(out, "iiif", "mini", "images"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == "default.jpg" && found == "" {
				found = p
			}
			return nil
		})
		if found == "" {
			t.Fatalf("no tile in %s", out)
		}
		return found
	}
	linked := func(p string) bool {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Sys().(*syscall.Stat_t).Nlink > 1
	}
	for _, tc := range []struct {
		flag string
		want bool
	}{{"--link-cache=true", true}, {"--link-cache=false", false}} {
		out := t.TempDir()
		if code, _, stderr := runCLI(t, "build", dir, "-q", "-o", out, "--cache-dir", cache, "--formats", "iiif", tc.flag); code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.flag, code, stderr)
		}
		if got := linked(tileOf(out)); got != tc.want {
			t.Errorf("%s: tile is a hard link: %v, want %v", tc.flag, got, tc.want)
		}
	}
}
