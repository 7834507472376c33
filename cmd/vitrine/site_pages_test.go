package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIndexPagesInBothIIIFVersions builds with each IIIF version and the
// default formats: the exhibition page must show every plate with its
// thumbnail and deep-zoom link, and every image and info.json the pages
// name must be in OUT. (With --iiif-version 2 the site once read the v2
// manifest with a v3 struct and showed no image at all.)
func TestIndexPagesInBothIIIFVersions(t *testing.T) {
	yaml := minimal + "  - number: \"2\"\n    caption: Two\n    images: [{path: p1.jpg}]\n  - number: \"3\"\n    caption: No image\n"
	dir := writeTestExhibition(t, yaml)
	for _, v := range []string{"3", "2"} {
		t.Run("v"+v, func(t *testing.T) {
			out := t.TempDir()
			if code, _, stderr := runCLI(t, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--iiif-version", v); code != 0 {
				t.Fatalf("build: exit %d\n%s", code, stderr)
			}
			page, err := os.ReadFile(filepath.Join(out, "mini", "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"1", "2"} {
				if !strings.Contains(string(page), `href="zoom.html?canvas=`+n+`"`) {
					t.Errorf("plate %s has no deep-zoom link:\n%s", n, page)
				}
			}
			if strings.Count(string(page), "data-no-image") != 1 {
				t.Errorf("want exactly plate 3 without an image:\n%s", page)
			}
			srcs := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(string(page), -1)
			if len(srcs) != 2 {
				t.Fatalf("%d thumbnails on the page, want 2", len(srcs))
			}
			zoom, err := os.ReadFile(filepath.Join(out, "mini", "zoom.html"))
			if err != nil {
				t.Fatal(err)
			}
			infos := regexp.MustCompile(`"info":"([^"]+)"`).FindAllStringSubmatch(string(zoom), -1)
			if len(infos) != 2 {
				t.Fatalf("the zoom page names %d info.json, want 2:\n%s", len(infos), zoom)
			}
			for _, m := range append(srcs, infos...) {
				p := filepath.Join(out, "mini", filepath.FromSlash(m[1]))
				if _, err := os.Stat(p); err != nil {
					t.Errorf("the pages name %s, not in OUT: %v", m[1], err)
				}
			}
		})
	}
}
