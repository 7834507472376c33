package epub

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// withYAML writes the fixture with its exhibition file changed by the
// replacements (old, new, old, new, ...), each of which must apply.
func withYAML(t *testing.T, repl ...string) string {
	t.Helper()
	dir := writeFixture(t)
	yml := fixtureYAML
	for i := 0; i < len(repl); i += 2 {
		if !strings.Contains(yml, repl[i]) {
			t.Fatalf("fixture has no %q", repl[i])
		}
		yml = strings.Replace(yml, repl[i], repl[i+1], 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// coverItem returns the manifest item with properties="cover-image".
func coverItem(t *testing.T, opf string) (href, mediaType string) {
	t.Helper()
	var p struct {
		Items []struct {
			Href  string `xml:"href,attr"`
			Type  string `xml:"media-type,attr"`
			Props string `xml:"properties,attr"`
		} `xml:"manifest>item"`
	}
	if err := xml.Unmarshal([]byte(opf), &p); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range p.Items {
		if it.Props == "cover-image" {
			href, mediaType = it.Href, it.Type
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d manifest items with properties=\"cover-image\", want 1", n)
	}
	return href, mediaType
}

// TestCoverImage: every book has one cover image, listed for reading
// systems: the cover plate's, else one composed from the plates, else a
// typographic SVG when no plate has an image.
func TestCoverImage(t *testing.T) {
	t.Run("cover plate", func(t *testing.T) {
		files, _ := entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{})))
		opf := string(files["EPUB/package.opf"])
		if href, _ := coverItem(t, opf); href != "images/cover-1.jpg" {
			t.Errorf("cover image %s, want plate 2's image", href)
		}
		if !strings.Contains(opf, `<meta name="cover" content="images-cover-1-jpg"/>`) {
			t.Error("no EPUB 2 cover meta")
		}
	})
	t.Run("composed", func(t *testing.T) {
		files, _ := entries(t, buildBook(t, withYAML(t, `cover: "2"`, ``), newExporter(t, Options{})))
		opf := string(files["EPUB/package.opf"])
		href, typ := coverItem(t, opf)
		if href != "images/cover.jpg" || typ != "image/jpeg" {
			t.Fatalf("cover image %s (%s), want a composed images/cover.jpg", href, typ)
		}
		data := files["EPUB/images/cover.jpg"]
		if len(data) < 11 || string(data[6:11]) != "JFIF\x00" {
			t.Error("the composed cover has no JFIF header")
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != coverW || cfg.Height != coverH {
			t.Errorf("composed cover %dx%d (%v), want %dx%d", cfg.Width, cfg.Height, err, coverW, coverH)
		}
		// The plates fill the page: little of it is the paper colour.
		im, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		paper, all := 0, 0
		for y := 0; y < coverH; y += 7 {
			for x := 0; x < coverW; x += 7 {
				r, g, b, _ := im.At(x, y).RGBA()
				if d := absDiff(r>>8, 0xf2) + absDiff(g>>8, 0xef) + absDiff(b>>8, 0xe8); d < 12 {
					paper++
				}
				all++
			}
		}
		if paper*100/all > 25 {
			t.Errorf("%d%% of the composed cover is empty paper", paper*100/all)
		}
		cover := string(files["EPUB/xhtml/cover.xhtml"])
		if !regexp.MustCompile(`<img role="doc-cover" src="../images/cover.jpg" alt="Cover: details of plates 1(, 2(, 3a)?)?"`).MatchString(cover) {
			t.Errorf("cover page does not show the composed cover with its alt text:\n%s", cover)
		}
		if !strings.Contains(opf, `<meta name="cover" content="images-cover-jpg"/>`) {
			t.Error("no EPUB 2 cover meta")
		}
	})
	noImages := []string{`cover: "2"`, ``,
		"images:\n      - path: images/one.jpg", "images: []",
		"images:\n      - path: images/two-recto.jpg\n        label: {en: \"Recto\", ko: \"앞면\"}\n      - path: images/two-verso.jpg\n        label: {en: \"Verso\", ko: \"뒷면\"}", "images: []",
		"images:\n      - path: images/three.jpg", "images: []"}
	t.Run("typographic raster", func(t *testing.T) {
		// A Latin title: a JPEG drawn with the title on it.
		files, _ := entries(t, buildBook(t, withYAML(t, noImages...), newExporter(t, Options{})))
		href, typ := coverItem(t, string(files["EPUB/package.opf"]))
		if href != "images/cover.jpg" || typ != "image/jpeg" {
			t.Fatalf("cover image %s (%s), want a typographic images/cover.jpg", href, typ)
		}
		im, _, err := image.Decode(bytes.NewReader(files["EPUB/images/cover.jpg"]))
		if err != nil {
			t.Fatal(err)
		}
		// Ink: dark pixels of the title's letters between the rules.
		ink := 0
		for y := 380; y < 1000; y++ {
			for x := 100; x < coverW-100; x++ {
				if r, _, _, _ := im.At(x, y).RGBA(); r>>8 < 0x60 {
					ink++
				}
			}
		}
		if ink < 5000 {
			t.Errorf("the typographic cover has %d dark pixels where the title should be", ink)
		}
	})
	t.Run("typographic svg", func(t *testing.T) {
		// A Korean title, which the Go font cannot draw: an SVG.
		files, _ := entries(t, buildBook(t, withYAML(t, noImages...), newExporter(t, Options{Lang: "ko"})))
		href, typ := coverItem(t, string(files["EPUB/package.opf"]))
		if href != "images/cover.svg" || typ != "image/svg+xml" {
			t.Fatalf("cover image %s (%s), want a typographic images/cover.svg", href, typ)
		}
		svg := files["EPUB/images/cover.svg"]
		d := xml.NewDecoder(bytes.NewReader(svg))
		var words []string
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if cd, ok := tok.(xml.CharData); ok {
				words = append(words, string(cd))
			}
		}
		all := strings.Join(strings.Fields(strings.Join(words, " ")), " ")
		for _, want := range []string{"톰과 제리 기록 보관소", "사진 1950–1953", "2025. 5. 9. – 2025. 6. 30.", "Museum of <Tests> & Fixtures"} {
			if !strings.Contains(all, want) {
				t.Errorf("typographic cover lacks %q:\n%s", want, svg)
			}
		}
	})
}

func TestWrapCover(t *testing.T) {
	for _, c := range []struct {
		in   string
		em   float64
		max  int
		want []string
	}{
		{"The Harbour in the 1950s", 7, 4, []string{"The Harbour", "in the 1950s"}},
		{"1950년대의 항구 사진전", 6, 4, []string{"1950년대의", "항구 사진전"}},
		{"光と影の試験展示室の写真", 4, 4, []string{"光と影の", "試験展示", "室の写真"}},
		{"one two three four five six", 4, 2, []string{"one two", "three…"}},
	} {
		if got := wrapCover(c.in, c.em, c.max); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapCover(%q, %v) = %q, want %q", c.in, c.em, got, c.want)
		}
	}
}

// TestCreator: the book names a creator, the publisher when no agent is a
// curator, author or editor (as in the sample), so that reading systems
// do not show "Unknown".
func TestCreator(t *testing.T) {
	dir := withYAML(t, "  - name: {en: \"Kim Min-ji\", ko: \"김민지\"}\n    roles: [curator]\n", "")
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{})))
	opf := string(files["EPUB/package.opf"])
	for _, want := range []string{`<dc:creator id="creator-1">Museum of &lt;Tests&gt; &amp; Fixtures</dc:creator>`,
		`<dc:publisher>Museum of &lt;Tests&gt; &amp; Fixtures</dc:publisher>`} {
		if !strings.Contains(opf, want) {
			t.Errorf("package document lacks %s", want)
		}
	}
	if strings.Contains(opf, `<meta refines="#creator-1" property="role"`) {
		t.Errorf("the publisher standing in as author has a role, which reading systems then do not take as the author:\n%s", opf)
	}
	if !strings.Contains(string(files["EPUB/toc.ncx"]), "<docAuthor><text>Museum of &lt;Tests&gt; &amp; Fixtures</text></docAuthor>") {
		t.Error("NCX names no author")
	}
}

// TestSaidOnce: the book-wide credit line, rights and a note on every plate
// are said once, in the colophon; a plate says only where it differs, and
// rights read as their name, linked.
func TestSaidOnce(t *testing.T) {
	note := "Photograph not available; the image is a placeholder."
	dir := withYAML(t,
		`    date: "June 1950"`, "    date: \"June 1950\"\n    notes: [\""+note+"\"]\n    rights: http://rightsstatements.org/vocab/InC/1.0/",
		`notes: ["caption cut short in the source"]`, `notes: ["caption cut short in the source", "`+note+`"]`,
		`    date: "1952, printed 1960"`, "    date: \"1952, printed 1960\"\n    notes: [\""+note+"\"]",
		`notes: ["placeholder image"]`, `notes: ["placeholder image", "`+note+`"]`)
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{})))
	for _, f := range []string{"plate-001", "plate-002", "plate-003", "plate-004"} {
		page := string(files["EPUB/xhtml/"+f+".xhtml"])
		for _, bad := range []string{"Courtesy of the Archive", note, "creativecommons.org", ">http"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s repeats %q, which the colophon says for every plate", f, bad)
			}
		}
	}
	p1 := string(files["EPUB/xhtml/plate-001.xhtml"])
	if !strings.Contains(p1, `<dt>Rights</dt><dd><a href="http://rightsstatements.org/vocab/InC/1.0/">In Copyright</a></dd>`) {
		t.Errorf("plate 1, with rights of its own, does not show them as their linked name:\n%s", p1)
	}
	if p2 := string(files["EPUB/xhtml/plate-002.xhtml"]); !strings.Contains(p2, "Gift of J. Smith &amp; Sons") || !strings.Contains(p2, "caption cut short") {
		t.Error("plate 2 lost its own credit or note")
	}
	col := string(files["EPUB/xhtml/colophon.xhtml"])
	for _, want := range []string{"Courtesy of the Archive &amp; Friends",
		`<dt>Rights</dt><dd><a href="http://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></dd>`,
		`<h2 class="on-every-plate">On every plate</h2>`, note} {
		if !strings.Contains(col, want) {
			t.Errorf("colophon lacks %q:\n%s", want, col)
		}
	}
	if strings.Contains(col, ">http://creativecommons.org") {
		t.Error("colophon prints the raw rights URI")
	}
}

// TestImagesOfAPlate: each image of a plate with several has its own alt
// text and its label in a figcaption of its own figure.
func TestImagesOfAPlate(t *testing.T) {
	dir := withYAML(t, "        label: {en: \"Verso\", ko: \"뒷면\"}", "        label: {en: \"Verso\", ko: \"뒷면\"}\n        alt: {en: \"The back of the print, stamped and annotated in pencil\"}\n      - path: images/one.jpg")
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{})))
	p2 := string(files["EPUB/xhtml/plate-002.xhtml"])
	figs := regexp.MustCompile(`<figure class="plate-image" id="([^"]+)"><img [^>]*alt="([^"]*)"[^>]*/><figcaption class="image-label"[^>]*>([^<]*)</figcaption></figure>`).FindAllStringSubmatch(p2, -1)
	if len(figs) != 3 {
		t.Fatalf("plate 2: %d figures of one image with its label, want 3:\n%s", len(figs), p2)
	}
	want := [][2]string{
		{"Soldiers wading across a river, civilians on the bank – Recto", "Recto"},
		{"The back of the print, stamped and annotated in pencil", "Verso"},
		{"Soldiers wading across a river, civilians on the bank – image 3 of 3", "image 3 of 3"},
	}
	seen := map[string]bool{}
	for i, f := range figs {
		if f[2] != want[i][0] || f[3] != want[i][1] {
			t.Errorf("image %d: alt %q label %q, want %q %q", i+1, f[2], f[3], want[i][0], want[i][1])
		}
		if seen[f[1]] {
			t.Errorf("id %s twice", f[1])
		}
		seen[f[1]] = true
	}
}

// TestBidiMarkup: in a right-to-left book every element holding text of a
// left-to-right language says so with lang and dir, and numbers and dates
// without letters are dir="ltr". The browser test reads the rendered
// order back (cmd/vitrine, TestE2EBook).
func TestBidiMarkup(t *testing.T) {
	dir := withYAML(t, "languages: [en, ko]", "languages: [en, ko, ar]",
		`  ko: "톰과 제리 기록 보관소"`, "  ko: \"톰과 제리 기록 보관소\"\n  ar: \"أرشيف توم وجيري\"")
	files, _ := entries(t, buildBook(t, dir, newExporter(t, Options{Lang: "ar"})))
	langRe := regexp.MustCompile(`<(\w+)[^>]* lang="([^"]+)"[^>]*>`)
	for name, data := range files {
		if !strings.HasSuffix(name, ".xhtml") {
			continue
		}
		for _, m := range langRe.FindAllStringSubmatch(string(data), -1) {
			if m[1] == "html" {
				continue
			}
			want := `dir="ltr"`
			if isRTL(m[2]) {
				want = `dir="rtl"`
			}
			if !strings.Contains(m[0], want) {
				t.Errorf("%s: %s without %s", name, m[0], want)
			}
		}
	}
	cover := string(files["EPUB/xhtml/cover.xhtml"])
	for _, want := range []string{`<p class="cover-dates">9 مايو – 30 يونيو 2025</p>`, `<p class="cover-year" dir="ltr">2025</p>`} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover lacks %s:\n%s", want, cover)
		}
	}
	if col := string(files["EPUB/xhtml/colophon.xhtml"]); !strings.Contains(col, `<dd dir="ltr">2025-05-01</dd>`) {
		t.Errorf("colophon: the edition date is not dir=ltr:\n%s", col)
	}
	// A book in a right-to-left language without labels of its own (Hebrew)
	// marks the English labels left to right.
	dir = withYAML(t, "languages: [en, ko]", "languages: [en, ko, he]",
		`  ko: "톰과 제리 기록 보관소"`, "  ko: \"톰과 제리 기록 보관소\"\n  he: \"ארכיון טום וג'רי\"")
	files, _ = entries(t, buildBook(t, dir, newExporter(t, Options{Lang: "he"})))
	if p1 := string(files["EPUB/xhtml/plate-001.xhtml"]); !strings.Contains(p1, `<span lang="en" xml:lang="en" dir="ltr">Plate</span>`) {
		t.Errorf("Hebrew book: English label not marked left to right:\n%s", p1)
	}
}

// TestConformsTo: the conformance claim is made (every image has a written
// text alternative: validation requires a caption on every plate), with
// a11y:certifiedBy only when asked for.
func TestConformsTo(t *testing.T) {
	claim := `<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>`
	files, _ := entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{})))
	opf := string(files["EPUB/package.opf"])
	if !strings.Contains(opf, claim) || strings.Contains(opf, "a11y:certifiedBy") {
		t.Errorf("default book: want the claim and no certifiedBy:\n%s", opf)
	}
	files, _ = entries(t, buildBook(t, writeFixture(t), newExporter(t, Options{CertifiedBy: "Accessible Books & Co"})))
	if opf := string(files["EPUB/package.opf"]); !strings.Contains(opf, `<meta property="a11y:certifiedBy">Accessible Books &amp; Co</meta>`) {
		t.Errorf("--epub-certified-by not written:\n%s", opf)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
