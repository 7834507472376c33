package iiif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"golang.org/x/image/tiff"
)

func readJSON(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

func decodeFile(t *testing.T, file string) image.Image {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return img
}

// near reports whether c is within tol of want on every channel.
func near(c color.Color, want color.NRGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { x := int(a>>8) - int(w); return x <= tol && x >= -tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestMultilingualManifest(t *testing.T) {
	ex := fixture(t)
	out := t.TempDir()
	base := "https://example.org/pub/"
	log := build(t, ex, out, buildOpts{base: base, tiles: true, formats: []string{"epub", "iiif"}})
	if !strings.Contains(log, "plate 4 has no image") {
		t.Errorf("log does not mention the caption-only plate:\n%s", log)
	}
	// epub is declared in the formats but not built here: link only.
	checkOutExceptEPUB(t, out, base)

	m := readJSON(t, filepath.Join(out, "iiif/victory/manifest.json"))
	langs := []string{"en", "ko"}
	both := func(where string, v any) {
		t.Helper()
		lm, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: not a language map: %v", where, v)
			return
		}
		for _, l := range langs {
			if _, ok := lm[l]; !ok {
				t.Errorf("%s: no %q in %v", where, l, lm)
			}
		}
	}
	both("label", m["label"])
	both("summary", m["summary"])
	both("requiredStatement.label", m["requiredStatement"].(map[string]any)["label"])
	both("requiredStatement.value", m["requiredStatement"].(map[string]any)["value"])
	for i, r := range asList(m["metadata"]) {
		both("metadata label "+string(rune('0'+i)), r.(map[string]any)["label"])
	}
	for _, p := range asList(m["provider"]) {
		both("provider label", p.(map[string]any)["label"])
	}
	items := asList(m["items"])
	// plates 1, 2, 3a (two images), 5 (two images); plate 4 has none.
	if len(items) != 6 {
		t.Fatalf("%d canvases, want 6", len(items))
	}
	for _, c := range items {
		cm := c.(map[string]any)
		both("canvas label", cm["label"])
		for _, r := range asList(cm["metadata"]) {
			// Extra columns are plain strings in the model, in the
			// exhibition's first language.
			if l := r.(map[string]any)["label"].(map[string]any); l["en"] != nil && l["en"].([]any)[0] == "Archive number" {
				continue
			}
			both("canvas metadata label", r.(map[string]any)["label"])
		}
	}
	for _, r := range asList(m["structures"]) {
		both("range label", r.(map[string]any)["label"])
	}
	c1 := items[0].(map[string]any)
	both("canvas summary", c1["summary"])
	if s := m["summary"].(map[string]any)["en"].([]any)[0]; s != "<p>Photographs of the war &lt;and&gt; its aftermath.</p>" {
		t.Errorf("summary with '<' not escaped as HTML: %v", s)
	}
	if c1["navDate"] != "1950-06-25T00:00:00Z" {
		t.Errorf("plate 1 navDate %v", c1["navDate"])
	}
	// Plate 3a's date text is a date and more: the canvas shows the text as
	// written, the EDTF of the date, and the note that keeps the rest.
	c3 := items[2].(map[string]any)
	if c3["navDate"] != "1953-01-01T00:00:00Z" {
		t.Errorf("plate 3a navDate %v", c3["navDate"])
	}
	var rows []string
	for _, r := range asList(c3["metadata"]) {
		v := r.(map[string]any)["value"].(map[string]any)
		for _, l := range v {
			rows = append(rows, fmt.Sprint(l.([]any)[0]))
		}
	}
	all := strings.Join(rows, "\n")
	for _, want := range []string{"1953, printed 1960", "1953", `the date is read from "1953"; the rest, "printed 1960", is kept as written`} {
		if !strings.Contains(all, want) {
			t.Errorf("plate 3a metadata lacks %q:\n%s", want, all)
		}
	}
	if _, ok := items[1].(map[string]any)["navDate"]; ok {
		t.Errorf("plate 2 (c. 1951) has a navDate")
	}
	if m["navDate"] != "2023-07-27T00:00:00Z" {
		t.Errorf("manifest navDate %v", m["navDate"])
	}
	meta, _ := json.Marshal(c1["metadata"])
	for _, want := range []string{"June 25, 1950", "Unknown photographer", "Gelatin silver print", "24 x 30 cm", "Lent by the Archive", "기록원 대여", "Retouched.", "Archive number", "A-1", "1950-06-25"} {
		if !bytes.Contains(meta, []byte(want)) {
			t.Errorf("plate 1 metadata lacks %q: %s", want, meta)
		}
	}
	exMeta, _ := json.Marshal(m["metadata"])
	for _, want := range []string{"Kim Min", "김민", "2023-07-27", "Victory (web edition)", "https://example.org/source"} {
		if !bytes.Contains(exMeta, []byte(want)) {
			t.Errorf("exhibition metadata lacks %q: %s", want, exMeta)
		}
	}
	if r := asList(m["rendering"]); len(r) != 1 || r[0].(map[string]any)["id"] != base+"epub/victory.epub" {
		t.Errorf("rendering %v", m["rendering"])
	}
	if s := asList(m["seeAlso"]); len(s) != 1 || s[0].(map[string]any)["id"] != base+"iiif/victory/exhibition.json" {
		t.Errorf("seeAlso %v", m["seeAlso"])
	}
	prov := asList(m["provider"])[0].(map[string]any)
	if len(asList(prov["logo"])) != 1 || len(asList(prov["homepage"])) != 1 {
		t.Errorf("provider %v", prov)
	}
	if st := m["start"].(map[string]any); st["id"] != c1["id"] {
		t.Errorf("start %v is not the first canvas", st)
	}
	// The rotated JPEG is 600x400 stored, orientation 6: shown 400x600,
	// red corner top-right.
	c2 := items[1].(map[string]any)
	if c2["width"] != 400.0 || c2["height"] != 600.0 {
		t.Errorf("rotated canvas %vx%v, want 400x600", c2["width"], c2["height"])
	}
	img := decodeFile(t, filepath.Join(out, "iiif/victory/images/images-rotated/full/max/0/default.jpg"))
	if !near(img.At(390, 10), red, 40) || !near(img.At(10, 10), blue, 40) {
		t.Errorf("rotated image: corner colours %v %v, want red top-right, blue top-left", img.At(390, 10), img.At(10, 10))
	}
	// 16-bit PNG: transparent right half flattened on white.
	img = decodeFile(t, filepath.Join(out, "iiif/victory/images/images-alpha16/full/max/0/default.jpg"))
	if !near(img.At(650, 400), color.NRGBA{255, 255, 255, 255}, 8) || !near(img.At(10, 10), red, 40) {
		t.Errorf("alpha PNG: %v %v, want white right, red top-left", img.At(650, 400), img.At(10, 10))
	}
	// Ranges: two sections; plate 3a is a nested range of two canvases.
	st := asList(m["structures"])
	if len(st) != 2 {
		t.Fatalf("%d ranges, want 2", len(st))
	}
	after := asList(st[1].(map[string]any)["items"])
	if len(after) != 2 || after[0].(map[string]any)["type"] != "Range" {
		t.Errorf("section 'after' items %v", after)
	}
	// exhibition.json is the loaded exhibition.
	exj := readJSON(t, filepath.Join(out, "iiif/victory/exhibition.json"))
	if exj["slug"] != "victory" || len(asList(exj["plates"])) != 5 {
		t.Errorf("exhibition.json: %v", exj["slug"])
	}
}

// checkOutExceptEPUB runs checkOut with an empty EPUB in place, since this
// package does not build one.
func checkOutExceptEPUB(t *testing.T, out, base string) {
	t.Helper()
	writeFile(t, filepath.Join(out, "epub/victory.epub"), []byte("placeholder"))
	defer os.RemoveAll(filepath.Join(out, "epub"))
	checkOut(t, out, base)
}

func TestChecksFail(t *testing.T) {
	// The checks must notice a missing tile, a wrong info.json id and a
	// broken painting target.
	files := map[string][]byte{"a.jpg": encodeJPEG(t, testImage(1100, 700))}
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	build(t, single(t, "one", files, "a.jpg"), out, buildOpts{tiles: true})
	svc := filepath.Join(out, "iiif/one/images/images-a")
	if p := checkImageService(out, base, "iiif/one/images/images-a/info.json"); len(p) != 0 {
		t.Fatalf("clean output has problems: %v", p)
	}
	tile := filepath.Join(svc, "1024,512,76,188/76,188/0/default.jpg")
	if err := os.Remove(tile); err != nil {
		t.Fatal(err)
	}
	if p := checkImageService(out, base, "iiif/one/images/images-a/info.json"); len(p) != 1 || !strings.Contains(p[0], "1024,512,76,188") {
		t.Errorf("missing edge tile not reported: %v", p)
	}
	if p := checkImageService(out, "http://other.example/", "iiif/one/images/images-a/info.json"); len(p) == 0 {
		t.Errorf("wrong host not reported")
	}
	data, _ := os.ReadFile(filepath.Join(out, "iiif/one/manifest.json"))
	broken := bytes.Replace(data, []byte(`"target": "`+base+`iiif/one/canvas/1-1"`), []byte(`"target": "`+base+`iiif/one/canvas/9-1"`), 1)
	if bytes.Equal(broken, data) {
		t.Fatal("could not break the target")
	}
	if err := schemaErrors(t, "m", data); err != nil {
		t.Fatalf("clean manifest: %v", err)
	}
	withNavDate := bytes.Replace(data, []byte(`"behavior"`), []byte(`"navDate": "2000-01-01T00:00:00Z", "behavior"`), 1)
	if err := schemaErrors(t, "m", withNavDate); err != nil {
		t.Fatalf("manifest with navDate: %v", err)
	}
	for what, edit := range map[string][2]string{
		"navDate without timezone": {`"navDate": "2000-01-01T00:00:00Z"`, `"navDate": "2000-01-01T00:00:00"`},
		"https rights":             {`"rights": "http://rightsstatements.org/`, `"rights": "https://rightsstatements.org/`},
		"label as a string":        {`"label": {`, `"label": "x", "x-label": {`},
		"relative id":              {`"id": "` + base + `iiif/one/manifest.json"`, `"id": "manifest.json"`},
	} {
		changed := bytes.Replace(withNavDate, []byte(edit[0]), []byte(edit[1]), 1)
		if bytes.Equal(changed, withNavDate) {
			t.Fatalf("%s: no edit made", what)
		}
		if err := schemaErrors(t, "m", changed); err == nil {
			t.Errorf("schema check passes a manifest with %s", what)
		}
	}
	if p := checkPresentation("m", broken); len(p) == 0 {
		t.Errorf("wrong painting target not reported")
	}
	hash := bytes.Replace(data, []byte("canvas/1-1"), []byte("canvas#1-1"), -1)
	if p := checkPresentation("m", hash); len(p) == 0 {
		t.Errorf("canvas id with # not reported")
	}
	if _, p := checkURLs(out, base, "iiif/one/manifest.json"); len(p) != 0 {
		t.Errorf("clean manifest URLs: %v", p)
	}
	os.Remove(filepath.Join(out, "iiif/one/exhibition.json"))
	if _, p := checkURLs(out, base, "iiif/one/manifest.json"); len(p) == 0 {
		t.Errorf("missing seeAlso file not reported")
	}
}

func TestSourceFormats(t *testing.T) {
	vips := vipsTool(t, "vips")
	dir := t.TempDir()
	png := filepath.Join(dir, "src.png")
	writeFile(t, png, encodePNG(t, testImage(900, 600)))
	files := map[string][]byte{}
	for name, args := range map[string][]string{
		"progressive.jpg": {"jpegsave", png, filepath.Join(dir, "progressive.jpg"), "--interlace", "--Q", "90"},
		"cmyk.jpg":        {"icc_export", png, filepath.Join(dir, "cmyk.jpg"), "--output-profile", "cmyk"},
		"lzw.tif":         {"tiffsave", png, filepath.Join(dir, "lzw.tif"), "--compression", "lzw"},
		"deflate16.tif":   {"cast", png, filepath.Join(dir, "deflate16.tif[compression=deflate]"), "ushort", "--shift"},
	} {
		run(t, vips, args...)
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	names := []string{"progressive.jpg", "cmyk.jpg", "lzw.tif", "deflate16.tif"}
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	build(t, single(t, "formats", files, names...), out, buildOpts{tiles: true})
	checkOut(t, out, base)
	for _, n := range names {
		id := "images-" + strings.TrimSuffix(n, filepath.Ext(n))
		img := decodeFile(t, filepath.Join(out, "iiif/formats/images", id, "full/max/0/default.jpg"))
		if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 600 {
			t.Errorf("%s: %v", n, b)
		}
		tol := 40
		if n == "cmyk.jpg" {
			tol = 70 // through a CMYK profile and back without one
		}
		if !near(img.At(20, 20), red, tol) || !near(img.At(800, 500), blue, tol) {
			t.Errorf("%s: colours %v %v, want red and blue", n, img.At(20, 20), img.At(800, 500))
		}
	}
}

func TestNoTiles(t *testing.T) {
	ex := fixture(t)
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	build(t, ex, out, buildOpts{tiles: false})
	checkOut(t, out, base)
	m := readJSON(t, filepath.Join(out, "iiif/victory/manifest.json"))
	c := asList(m["items"])[0].(map[string]any)
	body := asList(asList(c["items"])[0].(map[string]any)["items"])[0].(map[string]any)["body"].(map[string]any)
	if body["service"] != nil || !strings.HasSuffix(body["id"].(string), "/full.jpg") {
		t.Errorf("body %v", body)
	}
	if matches, _ := filepath.Glob(filepath.Join(out, "iiif/victory/images/*/info.json")); len(matches) != 0 {
		t.Errorf("info.json written without tiles: %v", matches)
	}
}

// TestBaseURLReencodesNothing rebuilds with another base URL and the same
// cache: the JSON changes, no cached image file is rewritten.
func TestBaseURLReencodesNothing(t *testing.T) {
	ex := fixture(t)
	cache := t.TempDir()
	out := t.TempDir()
	build(t, ex, out, buildOpts{base: "http://127.0.0.1:8080/", tiles: true, cache: cache})
	before := snapshot(t, cache)
	tileBefore, _ := os.ReadFile(filepath.Join(out, "iiif/victory/images/images-street/0,0,512,512/512,512/0/default.jpg"))
	build(t, ex, out, buildOpts{base: "https://museum.example/exhibitions/", tiles: true, cache: cache})
	after := snapshot(t, cache)
	if len(before) != len(after) {
		t.Errorf("cache had %d files, now %d", len(before), len(after))
	}
	for f, mt := range before {
		if after[f] != mt {
			t.Errorf("cache file %s was rewritten", f)
		}
	}
	checkOut(t, out, "https://museum.example/exhibitions/")
	tileAfter, _ := os.ReadFile(filepath.Join(out, "iiif/victory/images/images-street/0,0,512,512/512,512/0/default.jpg"))
	if len(tileBefore) == 0 || !bytes.Equal(tileBefore, tileAfter) {
		t.Errorf("tile changed")
	}
}

func snapshot(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		m[p] = st.ModTime().UnixNano()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCollectionListsEarlierBuilds(t *testing.T) {
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	files := map[string][]byte{"a.jpg": encodeJPEG(t, testImage(300, 200))}
	build(t, single(t, "zeta", files, "a.jpg"), out, buildOpts{tiles: true})
	build(t, fixture(t), out, buildOpts{tiles: true})
	build(t, single(t, "alpha", files, "a.jpg"), out, buildOpts{tiles: true})
	checkOut(t, out, base)
	c := readJSON(t, filepath.Join(out, "iiif/collection.json"))
	var ids []string
	for _, it := range asList(c["items"]) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	want := []string{base + "iiif/alpha/manifest.json", base + "iiif/victory/manifest.json", base + "iiif/zeta/manifest.json"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("collection items %v, want %v", ids, want)
	}
}

func TestReproducible(t *testing.T) {
	ex := fixture(t)
	a, b := t.TempDir(), t.TempDir()
	build(t, ex, a, buildOpts{tiles: true})
	build(t, ex, b, buildOpts{tiles: true})
	sa, sb := tree(t, a), tree(t, b)
	if len(sa) == 0 || len(sa) != len(sb) {
		t.Fatalf("%d files vs %d", len(sa), len(sb))
	}
	for f, d := range sa {
		if !bytes.Equal(d, sb[f]) {
			t.Errorf("%s differs between two builds", f)
		}
	}
}

func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			r, _ := filepath.Rel(dir, p)
			m[r] = data
		}
		return err
	})
	return m
}

func TestPyramid(t *testing.T) {
	for _, c := range []struct {
		w, h    int
		factors []int
		sizes   int
	}{
		{1300, 900, []int{1, 2, 4}, 2},
		{512, 512, []int{1}, 1},
		{513, 100, []int{1, 2}, 1},
		{6000, 4000, []int{1, 2, 4, 8, 16}, 3},
		{4096, 100, []int{1, 2, 4, 8}, 3},
		{1, 1, []int{1}, 1},
		{400, 1000, []int{1, 2}, 1},
		{1024, 1024, []int{1, 2}, 1},
	} {
		p := newPyramid(c.w, c.h)
		if len(p.Factors) != len(c.factors) || p.Factors[len(p.Factors)-1] != c.factors[len(c.factors)-1] || len(p.Sizes) != c.sizes {
			t.Errorf("%dx%d: factors %v sizes %v", c.w, c.h, p.Factors, p.Sizes)
		}
		info := map[string]any{}
		data, _ := json.Marshal(imageInfo{ID: "x", Width: c.w, Height: c.h, Sizes: p.Sizes,
			Tiles: []tileInfo{{Width: TileSize, Height: TileSize, ScaleFactors: p.Factors}}})
		json.Unmarshal(data, &info)
		derived := map[string]bool{}
		for _, pc := range p.pieces() {
			derived["x/"+pc.path] = true
		}
		have := map[string]bool{}
		for _, pc := range p.piecesFor(3) {
			have["x/"+pc.path] = true
			if !derived["x/"+pc.cached] {
				t.Errorf("%dx%d: %s is made of %s, which is not derived", c.w, c.h, pc.path, pc.cached)
			}
			if (pc.rect.Dx() > TileSize || pc.rect.Dy() > TileSize) && !strings.HasPrefix(pc.path, "full/") {
				t.Errorf("%dx%d: %s is %v", c.w, c.h, pc.path, pc.rect)
			}
		}
		for _, u := range osdURLs(info) {
			if !have[u] {
				t.Errorf("%dx%d: OpenSeadragon asks for %s, not written", c.w, c.h, u)
			}
		}
		for _, u := range uvURLs(info) {
			if !have[u] {
				t.Errorf("%dx%d: Universal Viewer asks for %s, not written", c.w, c.h, u)
			}
		}
		info2 := map[string]any{}
		data, _ = json.Marshal(imageInfo2{Context: imageContext2, ID: "x", Width: c.w, Height: c.h, Sizes: p.Sizes,
			Tiles: []tileInfo{{Width: TileSize, Height: TileSize, ScaleFactors: p.Factors}}})
		json.Unmarshal(data, &info2)
		have2 := map[string]bool{}
		for _, pc := range p.piecesFor(2) {
			have2["x/"+pc.path] = true
			if !derived["x/"+pc.cached] {
				t.Errorf("%dx%d: (2.x) %s is made of %s, which is not derived", c.w, c.h, pc.path, pc.cached)
			}
		}
		for _, u := range uvURLs(info2) {
			if !have2[u] {
				t.Errorf("%dx%d: Universal Viewer (2.x) asks for %s, not written", c.w, c.h, u)
			}
		}
		for _, u := range osdURLs(info2) {
			if !have2[u] {
				t.Errorf("%dx%d: OpenSeadragon (2.x) asks for %s, not written", c.w, c.h, u)
			}
		}
	}
}

// TestSample builds the repository's sample exhibition and runs every check
// on its IIIF output.
func TestSample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 46 images; skipped with -short")
	}
	dir := filepath.Join("..", "..", "samples", "victory-70")
	if _, err := os.Stat(filepath.Join(dir, "exhibition.yaml")); err != nil {
		t.Fatalf("sample missing: %v", err)
	}
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	build(t, dir, out, buildOpts{tiles: true})
	checkOut(t, out, base)
	m := readJSON(t, filepath.Join(out, "iiif/victory-70/manifest.json"))
	if n := len(asList(m["items"])); n != 46 {
		t.Errorf("%d canvases, want 46", n)
	}
	if n := len(asList(m["structures"])); n != 2 {
		t.Errorf("%d ranges, want 2", n)
	}
}

func TestVersion2(t *testing.T) {
	ex := fixture(t)
	out := t.TempDir()
	base := "http://127.0.0.1:8080/"
	cache := t.TempDir()
	build(t, ex, out, buildOpts{tiles: true, version: 2, cache: cache})
	checkOut(t, out, base)
	m := readJSON(t, filepath.Join(out, "iiif/victory/manifest.json"))
	if m["@type"] != "sc:Manifest" {
		t.Fatalf("@type %v", m["@type"])
	}
	label, _ := json.Marshal(m["label"])
	if !bytes.Contains(label, []byte(`"@language":"ko"`)) || !bytes.Contains(label, []byte(`"@language":"en"`)) {
		t.Errorf("label %s", label)
	}
	seq := asList(m["sequences"])[0].(map[string]any)
	if n := len(asList(seq["canvases"])); n != 6 {
		t.Errorf("%d canvases", n)
	}
	info := readJSON(t, filepath.Join(out, "iiif/victory/images/images-street/info.json"))
	if info["@context"] != imageContext2 {
		t.Errorf("info.json @context %v", info["@context"])
	}
	// Switching back to version 3 with the same cache re-encodes nothing.
	before := snapshot(t, cache)
	build(t, ex, out, buildOpts{tiles: true, version: 3, cache: cache})
	checkOut(t, out, base)
	after := snapshot(t, cache)
	for f, mt := range before {
		if after[f] != mt {
			t.Errorf("cache file %s rewritten", f)
		}
	}
	c := readJSON(t, filepath.Join(out, "iiif/collection.json"))
	if c["type"] != "Collection" {
		t.Errorf("collection %v", c["type"])
	}
}

func TestBadVersion(t *testing.T) {
	if _, err := New(Options{Tiles: true, Version: 4}); err == nil || !strings.Contains(err.Error(), "--iiif-version 4") {
		t.Errorf("error %v", err)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]int{"3": 3, "3.0": 3, "2": 2, "2.1": 2, "4": 0, "": 0, "v3": 0} {
		got, err := ParseVersion(in)
		if got != want || (err != nil) != (want == 0) {
			t.Errorf("ParseVersion(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestOrientation180 checks a JPEG turned by EXIF without a change of size:
// its full/max must be the turned image, not a copy of the master file.
func TestOrientation180(t *testing.T) {
	files := map[string][]byte{"turned.jpg": withOrientation(encodeJPEG(t, testImage(800, 600)), 3)}
	out := t.TempDir()
	build(t, single(t, "turned", files, "turned.jpg"), out, buildOpts{tiles: true})
	checkOut(t, out, "http://127.0.0.1:8080/")
	for _, f := range []string{"full/max/0/default.jpg", "0,0,512,512/512,512/0/default.jpg", "full/400,300/0/default.jpg"} {
		img := decodeFile(t, filepath.Join(out, "iiif/turned/images/images-turned", f))
		b := img.Bounds()
		if !near(img.At(b.Dx()-5, b.Dy()-5), red, 40) && f != "0,0,512,512/512,512/0/default.jpg" || !near(img.At(5, 5), blue, 40) {
			t.Errorf("%s: corners %v %v, want blue top-left, red bottom-right", f, img.At(5, 5), img.At(b.Dx()-5, b.Dy()-5))
		}
	}
}

// TestCollectionOtherBaseURL: a manifest left in OUT by a build with another
// base URL is listed at its place under the current one, without its
// thumbnail (whose URL would be wrong), and the log says to rebuild it.
func TestCollectionOtherBaseURL(t *testing.T) {
	out := t.TempDir()
	files := map[string][]byte{"a.jpg": encodeJPEG(t, testImage(300, 200))}
	build(t, single(t, "old", files, "a.jpg"), out, buildOpts{tiles: true, base: "http://old.example/"})
	log := build(t, single(t, "new", files, "a.jpg"), out, buildOpts{tiles: true, base: "https://new.example/x/"})
	if !strings.Contains(log, "iiif/old/manifest.json was built with another base URL") {
		t.Errorf("log: %s", log)
	}
	data, err := os.ReadFile(filepath.Join(out, "iiif/collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	validateSchema(t, "collection.json", data)
	if p := checkPresentation("collection.json", data); len(p) > 0 {
		t.Error(p)
	}
	c := readJSON(t, filepath.Join(out, "iiif/collection.json"))
	items := asList(c["items"])
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	old := items[1].(map[string]any)
	if old["id"] != "https://new.example/x/iiif/old/manifest.json" || old["thumbnail"] != nil {
		t.Errorf("old manifest listed as %v", old)
	}
}

// TestCanvasLabelsDistinctInEveryLanguage: the canvases of a plate with
// several images have different labels in every language of the caption,
// also in a language vitrine has no word "Image" for (ar) and when an
// image's own label is given in one language only.
func TestCanvasLabelsDistinctInEveryLanguage(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(`slug: three
languages: [en, ar, ko]
title: {en: Three, ar: ثلاثة, ko: 셋}
rights: http://creativecommons.org/licenses/by/4.0/
plates:
  - number: "1"
    caption: {en: Rice, ar: الأرز, ko: 쌀}
    images:
      - {path: a.jpg}
      - {path: b.jpg, label: {en: verso}}
      - {path: c.jpg}
`))
	for _, n := range []string{"a.jpg", "b.jpg", "c.jpg"} {
		writeFile(t, filepath.Join(dir, n), encodeJPEG(t, testImage(40, 30)))
	}
	out := t.TempDir()
	build(t, dir, out, buildOpts{})
	m := readJSON(t, filepath.Join(out, "iiif/three/manifest.json"))
	seen := map[string]bool{}
	for _, c := range m["items"].([]any) {
		label := c.(map[string]any)["label"].(map[string]any)
		for _, l := range []string{"en", "ar", "ko"} {
			vs, ok := label[l].([]any)
			if !ok {
				t.Fatalf("canvas label without %s: %v", l, label)
			}
			key := l + ":" + vs[0].(string)
			if seen[key] {
				t.Errorf("two canvases labelled %q", key)
			}
			seen[key] = true
		}
	}
}

// TestRebuildCarriesImageFoldersOver: a rebuild after a caption edit keeps
// each unchanged image folder of OUT as it is (the same files, carried over
// by a rename), while the manifest takes the new caption; an image whose
// master changed, a new base URL and another API version each write their
// folder afresh; a folder damaged by hand (no stamp) is rewritten.
func TestRebuildCarriesImageFoldersOver(t *testing.T) {
	ex := fixture(t)
	cache, out := t.TempDir(), t.TempDir()
	opts := buildOpts{tiles: true, cache: cache}
	// A folder carried over is the same folder (moved by rename); one
	// written again is new. (Its files cannot tell: they are hard links to
	// the cache either way.)
	folder := func(img string) string {
		return filepath.Join(out, "iiif/victory/images", img)
	}
	stat := func(img string) os.FileInfo {
		t.Helper()
		st, err := os.Stat(folder(img))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	build(t, ex, out, opts)
	street, deflate := stat("images-street"), stat("images-deflate")

	yml := filepath.Join(ex, "exhibition.yaml")
	data, _ := os.ReadFile(yml)
	edited := strings.Replace(string(data), "A rotated print", "A rotated print, caption edited by hand", 1)
	if edited == string(data) {
		t.Fatal("fixture caption not found")
	}
	writeFile(t, yml, []byte(edited))
	// The deflate TIFF changes too: its folder must be written afresh.
	writeFile(t, filepath.Join(ex, "images/deflate.tif"), encodeTIFF(t, gray8(1025, 513), tiff.Deflate))
	build(t, ex, out, opts)
	checkOut(t, out, "http://127.0.0.1:8080/")
	if !os.SameFile(street, stat("images-street")) {
		t.Error("the unchanged image folder was written again, not carried over")
	}
	if os.SameFile(deflate, stat("images-deflate")) {
		t.Error("the folder of a changed master was carried over")
	}
	if man, _ := os.ReadFile(filepath.Join(out, "iiif/victory/manifest.json")); !bytes.Contains(man, []byte("A rotated print, caption edited by hand")) {
		t.Error("the manifest lacks the edited caption")
	}

	// Another base URL: info.json changes, so the folder is written again.
	street = stat("images-street")
	build(t, ex, out, buildOpts{tiles: true, cache: cache, base: "https://museum.example/"})
	checkOut(t, out, "https://museum.example/")
	if os.SameFile(street, stat("images-street")) {
		t.Error("an image folder was carried over although its info.json names another base URL")
	}

	// A folder whose stamp is gone (damaged, or from an older vitrine) is
	// rewritten, and a complete one comes back.
	street = stat("images-street")
	os.Remove(filepath.Join(out, "iiif/victory/images/images-street", exporters.StampFile))
	os.Remove(filepath.Join(out, "iiif/victory/images/images-street/full/max/0/default.jpg"))
	build(t, ex, out, buildOpts{tiles: true, cache: cache, base: "https://museum.example/"})
	checkOut(t, out, "https://museum.example/")
	if os.SameFile(street, stat("images-street")) {
		t.Error("a folder without its stamp was carried over")
	}
}

// TestFullSizeTilesAreLossless: the full-size tiles of a baseline JPEG
// master are cut from its DCT coefficients, so each decodes to exactly the
// master's pixels there (Y, Cb and Cr planes byte for byte), edge tiles
// included; tiles of smaller levels are new encodings and only close.
func TestFullSizeTilesAreLossless(t *testing.T) {
	ex := fixture(t)
	out := t.TempDir()
	build(t, ex, out, buildOpts{tiles: true})
	master, ok := decodeFile(t, filepath.Join(ex, "images/street.jpg")).(*image.YCbCr)
	if !ok {
		t.Fatal("the fixture's street.jpg does not decode to YCbCr")
	}
	svc := filepath.Join(out, "iiif/victory/images/images-street")
	tiles := 0
	for _, r := range []image.Rectangle{image.Rect(0, 0, 512, 512), image.Rect(512, 0, 1024, 512), image.Rect(1024, 512, 1300, 900)} {
		name := fmt.Sprintf("%d,%d,%d,%d/%d,%d/0/default.jpg", r.Min.X, r.Min.Y, r.Dx(), r.Dy(), r.Dx(), r.Dy())
		tile, ok := decodeFile(t, filepath.Join(svc, filepath.FromSlash(name))).(*image.YCbCr)
		if !ok || tile.Bounds().Size() != r.Size() || tile.SubsampleRatio != master.SubsampleRatio {
			t.Fatalf("tile %s: %T %v", name, tile, tile.Bounds())
		}
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				my, ty := master.YOffset(r.Min.X+x, r.Min.Y+y), tile.YOffset(x, y)
				mc, tc := master.COffset(r.Min.X+x, r.Min.Y+y), tile.COffset(x, y)
				if master.Y[my] != tile.Y[ty] || master.Cb[mc] != tile.Cb[tc] || master.Cr[mc] != tile.Cr[tc] {
					t.Fatalf("tile %s differs from the master at %d,%d: not a lossless cut", name, x, y)
				}
			}
		}
		tiles++
	}
	if tiles != 3 {
		t.Fatal("tiles not compared")
	}
}

// TestReencodeOption: --iiif-reencode encodes the full-size tiles and
// full/max of a JPEG master again at Quality (smaller than the master's
// quality 100 here) instead of cutting them; they still show the master.
func TestReencodeOption(t *testing.T) {
	ex := fixture(t)
	var q100 bytes.Buffer
	if err := jpeg.Encode(&q100, testImage(1300, 900), &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ex, "images/street.jpg"), q100.Bytes())
	master := decodeFile(t, filepath.Join(ex, "images/street.jpg"))
	svcOf := func(out string) string { return filepath.Join(out, "iiif/victory/images/images-street") }
	tile := "0,0,512,512/512,512/0/default.jpg"
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}

	cut, again := t.TempDir(), t.TempDir()
	build(t, ex, cut, buildOpts{tiles: true})
	build(t, ex, again, buildOpts{tiles: true, reencode: true})
	maxCut, _ := os.ReadFile(filepath.Join(svcOf(cut), "full/max/0/default.jpg"))
	if !bytes.Equal(maxCut, q100.Bytes()) {
		t.Fatal("by default full/max should be the master file")
	}
	maxAgain, _ := os.ReadFile(filepath.Join(svcOf(again), "full/max/0/default.jpg"))
	if bytes.Equal(maxAgain, q100.Bytes()) || len(maxAgain) >= len(q100.Bytes()) {
		t.Errorf("re-encoded full/max is %d bytes, the q100 master %d: not re-encoded", len(maxAgain), len(q100.Bytes()))
	}
	if a, b := size(filepath.Join(svcOf(again), tile)), size(filepath.Join(svcOf(cut), tile)); a >= b {
		t.Errorf("re-encoded tile %d bytes, cut tile %d: want smaller", a, b)
	}
	img := decodeFile(t, filepath.Join(svcOf(again), filepath.FromSlash(tile)))
	if img.Bounds().Dx() != 512 || img.Bounds().Dy() != 512 {
		t.Fatalf("re-encoded tile is %v", img.Bounds())
	}
	var diff, n float64
	for y := 0; y < 512; y += 7 {
		for x := 0; x < 512; x += 7 {
			r1, g1, b1, _ := master.At(x, y).RGBA()
			r2, g2, b2, _ := img.At(x, y).RGBA()
			diff += math.Abs(float64(r1>>8)-float64(r2>>8)) + math.Abs(float64(g1>>8)-float64(g2>>8)) + math.Abs(float64(b1>>8)-float64(b2>>8))
			n += 3
		}
	}
	if diff/n > 4 {
		t.Errorf("re-encoded tile is %.1f levels from the master on average", diff/n)
	}
}

// TestViewerWidths checks the whole-image files Universal Viewer asks for
// outside "sizes" (full/90,, full/200, and the full width as "w,"), for
// both API versions: present, at the width their URL names, with the
// image's aspect ratio and colours, the full width the same bytes as the
// full-size image; for an image narrower than 90 pixels (enlarged), one
// exactly 200 wide (whose full width is a viewer width) and a larger one.
func TestViewerWidths(t *testing.T) {
	files := map[string][]byte{
		"tiny.jpg":  encodeJPEG(t, testImage(60, 40)),
		"w200.png":  encodePNG(t, testImage(200, 120)),
		"large.jpg": encodeJPEG(t, testImage(1300, 900)),
	}
	ex := single(t, "widths", files, "tiny.jpg", "w200.png", "large.jpg")
	cache := t.TempDir()
	for _, version := range []int{3, 2} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			out := t.TempDir()
			build(t, ex, out, buildOpts{tiles: true, version: version, cache: cache})
			checkOut(t, out, "http://127.0.0.1:8080/")
			full := "full/max/0/default.jpg"
			if version == 2 {
				full = "full/full/0/default.jpg"
			}
			for _, c := range []struct {
				id   string
				w, h int
			}{{"images-tiny", 60, 40}, {"images-w200", 200, 120}, {"images-large", 1300, 900}} {
				svc := filepath.Join(out, "iiif/widths/images", c.id)
				same, err := os.ReadFile(filepath.Join(svc, full))
				if err != nil {
					t.Fatal(err)
				}
				if got, err := os.ReadFile(filepath.Join(svc, fmt.Sprintf("full/%d,/0/default.jpg", c.w))); err != nil || !bytes.Equal(got, same) {
					t.Errorf("%s: full/%d,/0/default.jpg is not %s (%v)", c.id, c.w, full, err)
				}
				for _, w := range ViewerWidths {
					img := decodeFile(t, filepath.Join(svc, fmt.Sprintf("full/%d,/0/default.jpg", w)))
					b := img.Bounds()
					if h := (c.h*w + c.w/2) / c.w; b.Dx() != w || b.Dy() != h {
						t.Errorf("%s: full/%d, is %v, want %dx%d", c.id, w, b, w, h)
						continue
					}
					if !near(img.At(b.Dx()/8, b.Dy()/8), red, 40) || !near(img.At(b.Dx()*3/4, b.Dy()*3/4), blue, 40) {
						t.Errorf("%s: full/%d, colours %v %v, want red and blue", c.id, w, img.At(b.Dx()/8, b.Dy()/8), img.At(b.Dx()*3/4, b.Dy()*3/4))
					}
				}
			}
		})
	}
}

// TestNoImages builds an exhibition whose plates have no image: no
// manifest is written (a Manifest needs at least one Canvas, which the
// schema does not check and checkPresentation does), a notice says so,
// and the collection, valid against the official schema, lists only the
// exhibitions that have one (none at all is allowed), in both versions.
func TestNoImages(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte("slug: letters\nlanguages: [en]\ntitle: Letters without pictures\nrights: http://creativecommons.org/licenses/by/4.0/\nplates:\n  - number: \"1\"\n    caption: A letter\n  - number: \"2\"\n    caption: Another letter\n"))
	withImages := single(t, "pictures", map[string][]byte{"a.jpg": encodeJPEG(t, testImage(300, 200))}, "a.jpg")
	cache := t.TempDir()
	for _, version := range []int{3, 2} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			for _, others := range []bool{false, true} {
				out := t.TempDir()
				if others {
					build(t, withImages, out, buildOpts{tiles: true, version: version, cache: cache})
				}
				log := build(t, dir, out, buildOpts{tiles: true, version: version, cache: cache})
				if !strings.Contains(log, "letters has no image, so no IIIF manifest is written") {
					t.Errorf("no notice in the log:\n%s", log)
				}
				if _, err := os.Stat(filepath.Join(out, "iiif/letters/manifest.json")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a manifest was written for an exhibition without images (%v)", err)
				}
				if _, err := os.Stat(filepath.Join(out, "iiif/letters/exhibition.json")); err != nil {
					t.Error(err)
				}
				checkOut(t, out, "http://127.0.0.1:8080/")
				col, err := os.ReadFile(filepath.Join(out, "iiif/collection.json"))
				if err != nil {
					t.Fatal(err)
				}
				if n := bytes.Count(col, []byte("/manifest.json")); n != map[bool]int{false: 0, true: 1}[others] || bytes.Contains(col, []byte("letters")) {
					t.Errorf("collection (others built: %v) lists %d manifests:\n%s", others, n, col)
				}
			}
		})
	}
}
