package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
)

// TestWholeBuildReadsAndDecodesEachMasterOnce runs `vitrine build` with
// every format and counts, through the asset store, how often each master
// was read (by the store or by the bag) and decoded; then a rebuild after a
// caption edit must decode nothing and read each master only for the bag.
func TestWholeBuildReadsAndDecodesEachMasterOnce(t *testing.T) {
	dir := t.TempDir()
	var yaml strings.Builder
	yaml.WriteString("slug: once\nlanguages: [en]\ntitle: Once\nrights: http://creativecommons.org/licenses/by/4.0/\nplates:\n")
	masters := []string{"a.jpg", "b.jpg", "c.jpg"}
	for i, name := range masters {
		img := image.NewYCbCr(image.Rect(0, 0, 700+100*i, 500), image.YCbCrSubsampleRatio420)
		for j := range img.Y {
			img.Y[j] = byte(j*7 + i)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&yaml, "  - number: %q\n    caption: Plate %d\n    images: [{path: %s}]\n", fmt.Sprint(i+1), i+1, name)
	}
	// Plate 4 shows a.jpg again: still one read and one decode.
	yaml.WriteString("  - number: \"4\"\n    caption: Again\n    images: [{path: a.jpg}]\n")
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheHome := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cacheHome) // the default --cache-dir
	var st assets.Stats
	afterBuild = func(r *exporters.Report) { st = r.Assets }
	t.Cleanup(func() { afterBuild = nil })

	out := t.TempDir()
	code, _, stderr := runCLI(t, "build", dir, "-o", out)
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	for _, m := range masters {
		if st.Reads[m] != 1 || st.Decodes[m] != 1 {
			t.Errorf("cold build: %s read %d times, decoded %d times; want 1 and 1", m, st.Reads[m], st.Decodes[m])
		}
	}
	if st.SpoolReads != len(masters) {
		t.Errorf("the bag took %d masters from the store's copy, want %d", st.SpoolReads, len(masters))
	}
	if _, err := os.Stat(filepath.Join(cacheHome, "vitrine", "index.json")); err != nil {
		t.Errorf("default cache folder not used: %v", err)
	}

	// Caption edit: no decode, no derivative made; the bag reads each master once.
	edited := strings.Replace(yaml.String(), "caption: Plate 2", "caption: Plate two", 1)
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(edited), 0o644)
	st = assets.Stats{}
	if code, _, stderr := runCLI(t, "build", dir, "-o", out); code != 0 {
		t.Fatalf("rebuild: exit %d\n%s", code, stderr)
	}
	if len(st.Decodes) != 0 || st.Derived != 0 {
		t.Errorf("rebuild decoded %v and made %d derivatives; want none", st.Decodes, st.Derived)
	}
	for _, m := range masters {
		if st.Reads[m] > 1 {
			t.Errorf("rebuild: %s read %d times", m, st.Reads[m])
		}
	}

	// A rebuild that puts the IIIF folder in the bag: its image folders
	// are carried over from the previous output, not staged, and the bag
	// must still hold every file of them (and no stamp).
	// (the folder itself is compared: its files are hard links to the
	// cache whether carried over or written again)
	maxA := filepath.Join(out, "iiif", "once", "images", "a")
	before, err := os.Stat(maxA)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "build", dir, "-o", out, "--bag-include", "iiif"); code != 0 {
		t.Fatalf("rebuild with --bag-include iiif: exit %d\n%s", code, stderr)
	}
	if after, err := os.Stat(maxA); err != nil || !os.SameFile(before, after) {
		t.Errorf("the image folder was not carried over (%v)", err)
	}
	var want []string
	filepath.WalkDir(filepath.Join(out, "iiif", "once"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != exporters.StampFile {
			rel, _ := filepath.Rel(out, p)
			want = append(want, "once/data/"+filepath.ToSlash(rel))
		}
		return err
	})
	zr, err := zip.OpenReader(filepath.Join(out, exporters.BagPath("once", "zip")))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "once/data/iiif/") && !strings.HasSuffix(f.Name, "/") {
			got = append(got, f.Name)
		}
	}
	sort.Strings(want)
	if len(want) < 10 || !slices.Equal(got, want) {
		t.Errorf("the bag holds %d files of the IIIF folder, OUT has %d:\nbag %v\nout %v", len(got), len(want), got, want)
	}
	if code, stdout, stderr := runCLI(t, "verify", filepath.Join(out, exporters.BagPath("once", "zip"))); code != 0 {
		t.Errorf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
}
