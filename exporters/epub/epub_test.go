package epub

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
)

func TestReproducible(t *testing.T) {
	dir := writeFixture(t)
	a := buildBook(t, dir, newExporter(t, Options{}))
	b := buildBook(t, dir, newExporter(t, Options{}))
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds differ (%d and %d bytes)", len(a), len(b))
	}
	// A different build time must show in the book (it is not the wall clock).
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	c := buildBook(t, dir, newExporter(t, Options{}))
	if bytes.Equal(a, c) {
		t.Fatal("SOURCE_DATE_EPOCH did not change the book")
	}
	files, _ := entries(t, c)
	if !bytes.Contains(files["EPUB/package.opf"], []byte("<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>")) {
		t.Errorf("dcterms:modified is not SOURCE_DATE_EPOCH:\n%s", files["EPUB/package.opf"])
	}
}

func TestContainer(t *testing.T) {
	book := buildBook(t, writeFixture(t), newExporter(t, Options{}))
	files, order := entries(t, book)
	first := order[0]
	if first.Name != "mimetype" || first.Method != 0 || len(first.Extra) != 0 || string(files["mimetype"]) != "application/epub+zip" {
		t.Fatalf("first entry %q method %d extra %d: mimetype must come first, stored, without extra field", first.Name, first.Method, len(first.Extra))
	}
	if !bytes.HasPrefix(book[30:], []byte("mimetypeapplication/epub+zip")) {
		t.Error("mimetype is not at offset 30 as readers sniff it")
	}
	for _, f := range order {
		if !f.Modified.IsZero() && f.Modified.Year() != 2025 {
			t.Errorf("%s dated %v, want the edition date", f.Name, f.Modified)
		}
	}
	for _, want := range []string{
		"EPUB/xhtml/cover.xhtml", "EPUB/xhtml/title-page.xhtml", "EPUB/xhtml/introduction.xhtml",
		"EPUB/xhtml/plate-001.xhtml", "EPUB/xhtml/section-01.xhtml", "EPUB/xhtml/plate-002.xhtml",
		"EPUB/xhtml/plate-003.xhtml", "EPUB/xhtml/section-02.xhtml", "EPUB/xhtml/plate-004.xhtml",
		"EPUB/xhtml/plates.xhtml", "EPUB/xhtml/colophon.xhtml", "EPUB/nav.xhtml", "EPUB/toc.ncx",
		"EPUB/images/cover-1.jpg", "EPUB/images/plate-002-2.jpg",
	} {
		if files[want] == nil {
			t.Errorf("missing %s", want)
		}
	}
}

// TestPages checks every XHTML page is well-formed XML with lang and
// xml:lang, and that the nasty captions come out as text, not markup.
func TestPages(t *testing.T) {
	files, _ := entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{})))
	var all strings.Builder
	for name, data := range files {
		if !strings.HasSuffix(name, ".xhtml") && !strings.HasSuffix(name, ".opf") && !strings.HasSuffix(name, ".ncx") {
			continue
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = true
		d.Entity = nil // only XML's five entities: &nbsp; would be fatal
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v\n%s", name, err, data)
			}
		}
		if strings.HasSuffix(name, ".xhtml") {
			if !bytes.Contains(data, []byte(`<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en"`)) &&
				!bytes.Contains(data, []byte(`<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"`)) {
				t.Errorf("%s: html element without lang and xml:lang:\n%.300s", name, data)
			}
			if bytes.Contains(data, []byte("<title></title>")) || bytes.Contains(data, []byte(`<title dir="auto"></title>`)) {
				t.Errorf("%s: empty title", name)
			}
		}
		all.Write(data)
	}
	text := all.String()
	for _, bad := range []string{"<script>", "<b>not bold</b>", "<crossing>", "<Archive>", "&nbsp;", "<a>"} {
		if strings.Contains(text, bad) {
			t.Errorf("unescaped %q in the book", bad)
		}
	}
	plate1 := string(files["EPUB/xhtml/plate-001.xhtml"])
	for _, want := range []string{"&lt;b&gt;not bold&lt;/b&gt;", "😀", "구역 없는 도판", `lang="ko" xml:lang="ko"`, "&amp;"} {
		if !strings.Contains(plate1, want) {
			t.Errorf("plate-001.xhtml lacks %q", want)
		}
	}
	plate2 := string(files["EPUB/xhtml/plate-002.xhtml"])
	for _, want := range []string{`alt="Soldiers wading across a river, civilians on the bank – Recto"`, `alt="Soldiers wading across a river, civilians on the bank – Verso"`,
		`<figcaption class="image-label">Recto</figcaption>`, `<figcaption class="image-label">Verso</figcaption>`, "caption cut short in the source",
		"Gelatin silver print", "20.3 × 25.4 cm", "Gift of J. Smith &amp; Sons", "Inventory no.", "1972.3.1 &lt;a&gt;", "c. 1951"} {
		if !strings.Contains(plate2, want) {
			t.Errorf("plate-002.xhtml lacks %q", want)
		}
	}
	p3 := string(files["EPUB/xhtml/plate-003.xhtml"])
	if !strings.Contains(p3, `dir="auto"`) || !strings.Contains(p3, "صورة من الأرشيف") {
		t.Error("plate-003.xhtml: Arabic caption missing or without dir=auto")
	}
	// Only part of the date text is the date: the tombstone shows the text
	// as written and the note that keeps the rest.
	if want := `1952, printed 1960 (the date is read from &#34;1952&#34;; the rest, &#34;printed 1960&#34;, is kept as written)`; !strings.Contains(p3, want) {
		t.Errorf("plate-003.xhtml lacks the date as written with its note %q", want)
	}
	p4 := string(files["EPUB/xhtml/plate-004.xhtml"])
	if strings.Contains(p4, "<img") || !strings.Contains(p4, "placeholder image") || !strings.Contains(p4, "only its caption survives") {
		t.Error("plate-004.xhtml: a plate without images should show its caption and notes and no img")
	}
	col := string(files["EPUB/xhtml/colophon.xhtml"])
	for _, want := range []string{"Courtesy of the Archive &amp; Friends", "Museum of &lt;Tests&gt; &amp; Fixtures", "urn:uuid:", "2025-05-01",
		"vitrine test", "Original caption list", "Typed from the printed list", "reproduced as written"} {
		if !strings.Contains(col, want) {
			t.Errorf("colophon lacks %q", want)
		}
	}
	nav := string(files["EPUB/nav.xhtml"])
	for _, want := range []string{`epub:type="toc"`, `epub:type="landmarks"`, `epub:type="cover"`, `epub:type="bodymatter"`, "Front &lt;line&gt;", "xhtml/plate-002.xhtml"} {
		if !strings.Contains(nav, want) {
			t.Errorf("nav lacks %q", want)
		}
	}
}

func TestPackageDocument(t *testing.T) {
	files, _ := entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{})))
	opf := string(files["EPUB/package.opf"])
	for _, want := range []string{
		`<dc:identifier id="pub-id">urn:uuid:`,
		`<dc:language>en</dc:language>`, `<dc:language>ko</dc:language>`,
		`<dc:date>2025-05-01</dc:date>`,
		`<meta property="dcterms:modified">2025-05-01T00:00:00Z</meta>`,
		`<dc:creator id="creator-1">Kim Min-ji</dc:creator>`,
		`<meta refines="#creator-1" property="alternate-script" xml:lang="ko">김민지</meta>`,
		`<dc:publisher>Museum of &lt;Tests&gt; &amp; Fixtures</dc:publisher>`,
		`<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>`,
		`<dc:subject>Korea &amp; war</dc:subject>`,
		`<meta property="schema:accessMode">textual</meta>`,
		`<meta property="schema:accessMode">visual</meta>`,
		`<meta property="schema:accessModeSufficient">textual</meta>`,
		`<meta property="schema:accessibilityFeature">alternativeText</meta>`,
		`<meta property="schema:accessibilityHazard">none</meta>`,
		`<meta property="schema:accessibilitySummary">`,
		`properties="cover-image"`, `properties="nav"`,
		`<itemref idref="xhtml-title-page"/>
    <itemref idref="nav"/>`,
	} {
		if !strings.Contains(opf, want) {
			t.Errorf("package document lacks %s", want)
		}
	}
	if n := strings.Count(opf, "dcterms:modified"); n != 1 {
		t.Errorf("%d dcterms:modified, want exactly 1", n)
	}
	ncx := string(files["EPUB/toc.ncx"])
	for _, want := range []string{`<meta name="dtb:uid" content="urn:uuid:`, `<meta name="dtb:depth" content="2"/>`, `<docAuthor><text>Kim Min-ji</text></docAuthor>`} {
		if !strings.Contains(ncx, want) {
			t.Errorf("toc.ncx lacks %s", want)
		}
	}
}

// TestImages checks the book carries reader-sized derivatives with a JFIF
// header, never the masters.
func TestImages(t *testing.T) {
	dir := writeFixture(t)
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{})))
	masters := map[string]bool{}
	filepath.Walk(filepath.Join(dir, "images"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			masters[string(b)] = true
		}
		return nil
	})
	n := 0
	for name, data := range files {
		if !strings.HasPrefix(name, "EPUB/images/") {
			continue
		}
		n++
		if masters[string(data)] {
			t.Errorf("%s is a master, not a derivative", name)
		}
		if len(data) < 11 || string(data[6:11]) != "JFIF\x00" {
			t.Errorf("%s has no JFIF header", name)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Width > DefaultMaxEdge || cfg.Height > DefaultMaxEdge {
			t.Errorf("%s is %dx%d, over %d px", name, cfg.Width, cfg.Height, DefaultMaxEdge)
		}
	}
	if n != 4 {
		t.Errorf("%d images in the book, want 4 (one per master; the cover reuses plate 2's)", n)
	}
	small := newExporter(t, Options{MaxEdge: 500})
	files, _ = entries(t, buildBook(t, dir, small))
	cfg, _, err := image.DecodeConfig(bytes.NewReader(files["EPUB/images/plate-001-1.jpg"]))
	if err != nil || cfg.Width != 500 {
		t.Errorf("--epub-max-edge 500: plate 1 is %d px wide (%v), want 500", cfg.Width, err)
	}
}

// TestKorean builds the bilingual fixture in its second language.
func TestKorean(t *testing.T) {
	files, _ := entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{Lang: "ko"})))
	p1 := string(files["EPUB/xhtml/plate-001.xhtml"])
	if !strings.Contains(p1, `lang="ko" xml:lang="ko"`) || !strings.Contains(p1, "도판") {
		t.Errorf("Korean book: plate 1 not in Korean:\n%s", p1)
	}
	// The English caption is alongside, marked as English.
	if !strings.Contains(p1, `<p class="caption-alt" lang="en" xml:lang="en" dir="ltr">An unsectioned plate`) {
		t.Errorf("Korean book: English caption not alongside:\n%s", p1)
	}
	// Untagged fields (a date as written) are in the exhibition's first
	// language, English, and marked so.
	if !strings.Contains(p1, `<dd lang="en" xml:lang="en" dir="ltr">June 1950</dd>`) {
		t.Errorf("Korean book: the date as written is not marked English:\n%s", p1)
	}
	// Plate 3 has only an English caption: it is shown, marked English.
	if p3 := string(files["EPUB/xhtml/plate-003.xhtml"]); !strings.Contains(p3, `lang="en" xml:lang="en" dir="ltr">صورة`) {
		t.Errorf("Korean book: fallback caption not marked with its language:\n%s", p3)
	}
	if !strings.Contains(string(files["EPUB/package.opf"]), "<dc:language>ko</dc:language>\n    <dc:language>en</dc:language>") {
		t.Error("Korean book: ko must be the first dc:language")
	}
}

func TestUnknownLang(t *testing.T) {
	_, err := tryBuild(t, writeFixture(t), newExporter(t, Options{Lang: "fr"}))
	if err == nil || !strings.Contains(err.Error(), "--epub-lang fr") {
		t.Fatalf("--epub-lang fr on an en+ko exhibition: got %v, want an error naming the flag", err)
	}
}

// TestRightToLeft builds a book in Arabic: pages run right to left, and the
// English labels (there are no Arabic ones) and fallback texts are marked.
func TestRightToLeft(t *testing.T) {
	dir := writeFixture(t)
	yml := strings.Replace(fixtureYAML, "languages: [en, ko]", "languages: [en, ko, ar]", 1)
	yml = strings.Replace(yml, `  ko: "톰과 제리 기록 보관소"`, `  ko: "톰과 제리 기록 보관소"`+"\n  ar: \"أرشيف توم وجيري\"", 1)
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{Lang: "ar"})))
	opf := string(files["EPUB/package.opf"])
	for _, want := range []string{`page-progression-direction="rtl"`, `<dc:title id="title">أرشيف توم وجيري</dc:title>`, `<dc:language>ar</dc:language>`} {
		if !strings.Contains(opf, want) {
			t.Errorf("package document lacks %s", want)
		}
	}
	p2 := string(files["EPUB/xhtml/plate-002.xhtml"])
	for _, want := range []string{`lang="ar" xml:lang="ar" dir="rtl"`, `<body>`, `<span>لوحة</span> <span class="plate-no" dir="ltr">2</span>`, `<title dir="auto">لوحة 2: Soldiers`} {
		if !strings.Contains(p2, want) {
			t.Errorf("plate-002.xhtml lacks %s:\n%s", want, p2)
		}
	}
	if strings.Contains(p2, `<body dir="auto">`) {
		t.Error(`<body dir="auto"> would let the first letter decide the page's direction`)
	}
}

// TestUnknownLangIsCheckedBeforeImages: a wrong --epub-lang is refused by
// Check, before the asset store reads any image, as an OptionError.
func TestUnknownLangIsCheckedBeforeImages(t *testing.T) {
	_, rep, err := exportertest.Build(t, writeFixture(t), exportertest.Config{}, newExporter(t, Options{Lang: "fr"}))
	var oe *exporters.OptionError
	if !errors.As(err, &oe) || oe.Format != "epub" || rep != nil {
		t.Fatalf("got %v (%T), want an OptionError of epub", err, err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []Options{{MaxEdge: -1}, {Lang: "not a tag"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
