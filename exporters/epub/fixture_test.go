package epub

import (
	"archive/zip"
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

// fixtureYAML is a small bilingual exhibition whose captions hold what
// breaks careless writers: &, <, quotes, an entity-like string, emoji,
// Arabic (right to left) and Korean; a plate with two images, a plate with
// none, plates in and out of sections, notes and extra metadata.
const fixtureYAML = `slug: nasty-captions
languages: [en, ko]
title:
  en: "Tom & Jerry <Archive>: \"Quotes\" & 'Apostrophes'"
  ko: "톰과 제리 기록 보관소"
subtitle:
  en: Photographs 1950–1953 🎞️
  ko: 사진 1950–1953
summary:
  en: "A test catalogue: <script>alert(1)</script> must stay text & so must &nbsp;."
  ko: "시험용 도록입니다."
introduction:
  en:
    - "First paragraph with an ampersand & a less-than < sign."
    - "Second paragraph in English with Arabic inside: مرحبا بالعالم."
  ko:
    - "첫째 문단."
opening: "2025-05-09"
closing: "2025-06-30"
edition: "2025-05-01"
agents:
  - name: {en: "Kim Min-ji", ko: "김민지"}
    roles: [curator]
  - name: "Museum of <Tests> & Fixtures"
    roles: [publisher, provider]
    homepage: https://example.org/museum
  - name: "A. Photographer"
    roles: [photographer]
rights: http://creativecommons.org/licenses/by/4.0/
credit:
  en: "Courtesy of the Archive & Friends"
  ko: "기록 보관소 제공"
homepage: https://example.org/exhibitions/nasty
source:
  title: "Original caption list"
  file: captions.txt
  retrieved: "2025-04-01"
  note: "Typed from the printed list; spelling kept."
subjects: [Photography, "Korea & war"]
cover: "2"
sections:
  - id: front
    title: {en: "Front <line>", ko: "전선"}
    introduction: {en: ["Plates from the front."], ko: ["전선의 도판."]}
  - id: home
    title: {en: "Home & hearth"}
plates:
  - number: "1"
    caption:
      en: "An unsectioned plate: \"double\" & 'single' quotes, <b>not bold</b>, 😀"
      ko: "구역 없는 도판 😀"
    date: "June 1950"
    images:
      - path: images/one.jpg
  - number: "2"
    section: front
    caption:
      en: "Soldiers & civilians at the river <crossing>"
      ko: "강을 건너는 군인과 민간인"
    alt:
      en: "Soldiers wading across a river, civilians on the bank"
    date: "c. 1951"
    creator: A. Photographer
    place: "Han River"
    medium: "Gelatin silver print"
    dimensions: "20.3 × 25.4 cm"
    credit: {en: "Gift of J. Smith & Sons"}
    notes: ["caption cut short in the source"]
    metadata:
      - {label: "Inventory no.", value: "1972.3.1 <a>"}
    images:
      - path: images/two-recto.jpg
        label: {en: "Recto", ko: "앞면"}
      - path: images/two-verso.jpg
        label: {en: "Verso", ko: "뒷면"}
  - number: "3a"
    section: front
    caption:
      en: "صورة من الأرشيف — an Arabic caption, right to left"
    date: "1952, printed 1960"
    images:
      - path: images/three.jpg
  - number: "4"
    section: home
    caption:
      en: "A plate with no image: only its caption survives & is shown."
      ko: "이미지가 없는 도판"
    date: "undated"
    notes: ["placeholder image"]
    images: []
`

// writeFixture writes the exhibition and its JPEGs (made here) to a
// temporary folder and returns it.
func writeFixture(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(fixtureYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "images"), 0o755)
	for i, name := range []string{"one", "two-recto", "two-verso", "three"} {
		// Sizes above and below the 1600 px limit, landscape and portrait.
		w, h := 2400, 1800
		if i%2 == 1 {
			w, h = 900, 1200
		}
		w, h = w*5/6, h*5/6 // 2000x1500: still over the limit
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				o := y*img.Stride + x*4
				img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(x*255/w), uint8(y*255/h), uint8(40*i), 255
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "images", name+".jpg"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildBook builds the EPUB of the exhibition in dir the way `vitrine build`
// does and returns its bytes.
func buildBook(t testing.TB, dir string, e *Exporter) []byte {
	t.Helper()
	data, err := tryBuild(t, dir, e)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return data
}

// tryBuild is buildBook returning the build's error.
func tryBuild(t testing.TB, dir string, e *Exporter) ([]byte, error) {
	t.Helper()
	ex, infos := exportertest.Load(t, dir)
	outDir, _, err := exportertest.BuildLoaded(t, ex, infos, exportertest.Config{}, e)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(exporters.EPUBPath(ex.Slug))))
	if err != nil {
		t.Fatal(err)
	}
	return data, nil
}

// newExporter is New for options a test knows to be right.
func newExporter(t testing.TB, o Options) *Exporter {
	t.Helper()
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// entries returns the book's files by name, and the names in zip order.
func entries(t testing.TB, book []byte) (map[string][]byte, []*zip.File) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		m[f.Name] = buf.Bytes()
	}
	return m, zr.File
}
