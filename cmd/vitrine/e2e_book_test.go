package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// trilingual is the book tests' exhibition: English, Korean and Arabic
// (right to left), with an exhibition run whose dates must stay in order, a
// plate with a recto and a verso, measurements and numbers without letters,
// a note and rights shared by every plate, and one plate with rights of its
// own.
const trilingual = `slug: e2e-book
languages: [en, ko, ar]
title:
  en: "Harbour Lights: Photographs of Busan, 1950–1953"
  ko: "항구의 불빛: 부산 사진 1950–1953"
  ar: "أضواء الميناء: صور من بوسان ١٩٥٠–١٩٥٣"
subtitle:
  en: A catalogue of the exhibition
  ko: 전시 도록
  ar: دليل المعرض
opening: "2025-05-09"
closing: "2025-06-30"
edition: "2025-05-01"
agents:
  - name: {en: "Park Soo-jin", ko: "박수진", ar: "بارك سو جين"}
    roles: [curator]
  - name: {en: "City Museum of Photography", ko: "시립사진박물관", ar: "متحف المدينة للتصوير"}
    roles: [publisher]
rights: http://creativecommons.org/licenses/by/4.0/
credit:
  en: "Courtesy of the City Museum of Photography"
  ko: "시립사진박물관 제공"
  ar: "بإذن من متحف المدينة للتصوير"
introduction:
  en: ["Forty photographs of the port of Busan during the war years, when the city held the refugees of the whole peninsula and its harbour never slept. The prints come from the museum's collection and from two family albums lent for the exhibition."]
  ko: ["전쟁 시기 부산항을 담은 사진 마흔 점. 피란민으로 가득했던 도시와 잠들지 않던 항구의 모습이다. 사진은 박물관 소장품과 전시를 위해 빌려 온 두 가족 앨범에서 골랐다."]
  ar: ["أربعون صورة لميناء بوسان في سنوات الحرب، حين آوت المدينة لاجئي شبه الجزيرة كلها ولم ينم ميناؤها. الصور من مجموعة المتحف ومن ألبومين عائليين أُعيرا للمعرض."]
sections:
  - id: quays
    title: {en: The quays, ko: 부두, ar: الأرصفة}
plates:
  - number: "1"
    section: quays
    caption:
      en: "Unloading rice at the east quay of Busan harbour, early morning"
      ko: "이른 아침 부산항 동부두에서 쌀을 내리는 모습"
      ar: "تفريغ الأرز على الرصيف الشرقي لميناء بوسان في الصباح الباكر"
    alt:
      en: "Dock workers carry sacks down a gangway from a freighter"
      ko: "부두 노동자들이 화물선에서 자루를 지고 내려온다"
      ar: "عمال الميناء يحملون الأكياس نازلين من سفينة شحن"
    date: "9 May 1951"
    creator: Kim Han-yong
    medium: Gelatin silver print
    dimensions: "20.3 × 25.4 cm"
    notes: ["Printed from the original negative in 1960."]
    metadata:
      - {label: "Inventory no.", value: "1987.12.4"}
    images:
      - path: images/p1.jpg
        label: {en: Recto, ko: 앞면, ar: الوجه}
      - path: images/p1-verso.jpg
        label: {en: Verso, ko: 뒷면, ar: الظهر}
        alt: {en: "The back of the print, stamped 1987.12.4", ko: "사진 뒷면, 1987.12.4 도장", ar: "ظهر الصورة وعليه الختم 1987.12.4"}
  - number: "2"
    section: quays
    caption:
      en: "Refugee huts on the hill above the harbour"
      ko: "항구 위 언덕의 피란민 판잣집"
      ar: "أكواخ اللاجئين على التل فوق الميناء"
    date: "1952–1953"
    creator: Unknown photographer
    medium: Gelatin silver print
    dimensions: "12.7 × 17.8 cm"
    rights: http://rightsstatements.org/vocab/InC/1.0/
    notes: ["Printed from the original negative in 1960."]
    images:
      - path: images/p2.jpg
  - number: "3"
    section: quays
    caption:
      en: "The ferry to Jeju leaving at dusk"
      ko: "해 질 녘 떠나는 제주행 연락선"
      ar: "عبّارة جيجو تغادر عند الغسق"
    date: "c. 1953"
    medium: Gelatin silver print
    notes: ["Printed from the original negative in 1960."]
    images:
      - path: images/p3.jpg
`

// writeTrilingual writes the trilingual exhibition into a new folder.
func writeTrilingual(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(trilingual), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, img := range map[string][]byte{
		"p1.jpg":       encodeJPEG(t, fixtureImage(1500, 1000, 0)),
		"p1-verso.jpg": encodeJPEG(t, fixtureImage(1500, 1000, 1)),
		"p2.jpg":       encodeJPEG(t, fixtureImage(800, 1200, 2)),
		"p3.jpg":       encodeJPEG(t, fixtureImage(1600, 900, 3)),
	} {
		if err := os.WriteFile(filepath.Join(dir, "images", name), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildBooks builds the trilingual exhibition's EPUB in English, Korean and
// Arabic into out/<lang>/ and the sample's into out/sample/, and returns
// the books' paths relative to out by name.
func buildBooks(t *testing.T, out string) map[string]string {
	t.Helper()
	dir := writeTrilingual(t)
	books := map[string]string{}
	for _, lang := range []string{"en", "ko", "ar"} {
		var stderr bytes.Buffer
		if code := run(t.Context(), []string{"build", dir, "-o", filepath.Join(out, lang), "--formats", "epub", "--epub-lang", lang, "-q"}, io.Discard, &stderr); code != exitOK {
			t.Fatalf("vitrine build --epub-lang %s: exit %d\n%s", lang, code, stderr.String())
		}
		books["book-"+lang] = lang + "/epub/e2e-book.epub"
	}
	sample := filepath.Join("..", "..", "samples", "victory-70")
	if _, err := os.Stat(filepath.Join(sample, "exhibition.yaml")); err == nil {
		var stderr bytes.Buffer
		if code := run(t.Context(), []string{"build", sample, "-o", filepath.Join(out, "sample"), "--formats", "epub", "-q"}, io.Discard, &stderr); code != exitOK {
			t.Fatalf("vitrine build %s: exit %d\n%s", sample, code, stderr.String())
		}
		books["victory-70"] = "sample/epub/victory-70.epub"
	}
	return books
}

// TestE2EBook reads the catalogue as a book in epub.js (Chromium) at a page
// size and a phone size, in English, Korean and Arabic, and the sample:
// every image at its own aspect ratio, every run of text of one direction
// in order on screen and isolated, no fake italics or small capitals in
// Hangul and Arabic, Korean kept whole, nothing justified on a phone,
// tombstone labels level with their values and rows kept together.
// Screenshots of a plate, the list of plates, the colophon and the cover
// at both sizes go to $VITRINE_E2E_SCREENS/TestE2EBook.
func TestE2EBook(t *testing.T) {
	t.Parallel()
	harness := harnessDir(t)
	h := newHost(t)
	out := t.TempDir()
	books := buildBooks(t, out)
	h.serveOut(t, out, nil)
	screens := screensDir(t)
	args := []string{"--screens", screens}
	for _, name := range []string{"book-en", "book-ko", "book-ar", "victory-70"} {
		if rel, ok := books[name]; ok {
			args = append(args, "--book", name+":"+h.base+rel)
		}
	}
	log, ok := runHarness(t, harness, args...)
	t.Logf("harness output (screenshots in %s):\n%s", screens, log)
	if !ok {
		t.Fatal("the book does not read right (see above and the screenshots)")
	}
}

// TestE2EBookBroken proves that the book checks can fail: the Arabic book
// with the dir attributes removed from its pages (English text and dates
// no longer isolated), with a plate image forced to a size that is not its
// own, with Korean set in italics, and with the cover pushed down so far
// that a paginating reader shows its first page blank.
func TestE2EBookBroken(t *testing.T) {
	t.Parallel()
	harness := harnessDir(t)
	h := newHost(t)
	out := t.TempDir()
	books := buildBooks(t, out)
	variants := []struct {
		name, book string
		edit       func(name string, data []byte) []byte
		want       string
	}{
		{"no-dir", "book-ar", func(name string, data []byte) []byte {
			if !strings.HasSuffix(name, ".xhtml") {
				return data
			}
			return regexp.MustCompile(` dir="(ltr|rtl)"`).ReplaceAllFunc(data, func(m []byte) []byte {
				return m[:0]
			})
		}, "reads out of order"},
		{"squashed", "book-en", func(name string, data []byte) []byte {
			if strings.HasSuffix(name, ".css") {
				return append(data, "\n.plate-image img { width: 100%; height: 200px; max-height: none; }\n"...)
			}
			return data
		}, "ratio"},
		{"korean-italic", "book-ko", func(name string, data []byte) []byte {
			if strings.HasSuffix(name, ".css") {
				data = bytes.ReplaceAll(data, []byte("!important"), nil)
				return append(data, "\np.caption-main { font-style: italic; }\n"...)
			}
			return data
		}, "italic"},
		{"blank-cover", "book-en", func(name string, data []byte) []byte {
			if strings.HasSuffix(name, ".css") {
				return append(data, "\nsection.cover { padding-top: 30em; }\n"...)
			}
			return data
		}, "blank"},
	}
	args := []string{"--screens", screensDir(t)}
	for _, v := range variants {
		rel := "broken/" + v.name + ".epub"
		zipRewrite(t, filepath.Join(out, books[v.book]), filepath.Join(out, rel), v.edit)
		args = append(args, "--book", v.name+":"+h.base+rel)
	}
	h.serveOut(t, out, nil)
	log, ok := runHarness(t, harness, args...)
	t.Logf("harness output:\n%s", log)
	if ok {
		t.Fatal("the harness passed broken books")
	}
	for _, v := range variants {
		res, found := harnessResult(t, args[1], v.name+"-book")
		switch {
		case !found:
			t.Errorf("%s: no result", v.name)
		case res.OK:
			t.Errorf("%s: the harness passed a broken book", v.name)
		case !strings.Contains(strings.Join(res.Problems, "\n"), v.want):
			t.Errorf("%s: the harness failed, but without %q:\n%s", v.name, v.want, strings.Join(res.Problems, "\n"))
		}
	}
}

// zipRewrite copies the zip at src to dst with every entry passed through
// edit.
func zipRewrite(t *testing.T, src, dst string, edit func(name string, data []byte) []byte) {
	t.Helper()
	r, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		h := f.FileHeader
		fw, err := w.CreateHeader(&h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(edit(f.Name, data))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
