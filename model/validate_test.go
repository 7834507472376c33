package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"golang.org/x/image/tiff"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// base is a valid exhibition; each case edits it so that exactly one check
// fires. Line numbers below refer to the edited text.
const base = `slug: test-exhibition
languages: [en]
title: A test exhibition
rights: http://rightsstatements.org/vocab/UND/1.0/
sections:
  - id: one
    title: Section one
plates:
  - number: "1"
    section: one
    caption: First plate
    date: in June Juche 39 (1950)
    images:
      - path: p1.jpg
  - number: "2"
    section: one
    caption: Second plate
    images:
      - path: p2.jpg
`

func writeJPEG(t testing.TB, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hugePNG is a PNG header claiming w x h pixels, with no pixel data.
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func fixture(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "p1.jpg"), 64, 48)
	writeJPEG(t, filepath.Join(dir, "p2.jpg"), 48, 64)
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestValidateBaseIsValid(t *testing.T) {
	ex, err := Load(fixture(t, base))
	if err != nil {
		t.Fatal(err)
	}
	ps, infos := Validate(ex, ValidateOptions{})
	if len(ps) != 1 || ps[0].Path != "edition" {
		t.Fatalf("base fixture has problems other than its missing edition date:\n%v", ps.Error())
	}
	if got := infos["p1.jpg"]; got.Format != "jpeg" || got.Width != 64 || got.Height != 48 {
		t.Errorf("header of p1.jpg = %+v", got)
	}
	if ex.Plates[0].Date.Normalized != "1950-06" {
		t.Errorf("date not normalized: %+v", ex.Plates[0].Date)
	}
	if ex.ID != ExhibitionID("test-exhibition").String() || ex.Plates[1].ID != PlateID(ex.ID, "2").String() {
		t.Errorf("ids not derived: %s %s", ex.ID, ex.Plates[1].ID)
	}
	// Identifiers are stable across loads.
	ex2, _ := Load(ex.Dir)
	if ex2.Plates[0].ID != ex.Plates[0].ID {
		t.Error("plate id changed between loads")
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		setup   func(t *testing.T, dir string)
		sev     Severity
		line    int
		col     int
		message string
	}{
		{name: "syntax", edit: func(s string) string { return strings.Replace(s, "title: A test exhibition", "title: [unclosed", 1) },
			line: 3, message: "did not find expected"},
		{name: "unknown field", edit: func(s string) string {
			return strings.Replace(s, "    caption: First plate", "    captoin: First plate", 1)
		},
			line: 11, col: 5, message: `unknown field "captoin" (did you mean "caption"?)`},
		{name: "wrong type", edit: func(s string) string { return strings.Replace(s, "languages: [en]", "languages: {a: b}", 1) },
			line: 2, message: "cannot unmarshal"},
		{name: "missing slug", edit: func(s string) string { return strings.Replace(s, "slug: test-exhibition\n", "", 1) },
			line: 1, col: 1, message: "slug is missing"},
		{name: "bad slug", edit: func(s string) string { return strings.Replace(s, "slug: test-exhibition", "slug: Test Exhibition", 1) },
			line: 1, col: 7, message: `slug "Test Exhibition" may hold only`},
		{name: "missing title", edit: func(s string) string { return strings.Replace(s, "title: A test exhibition\n", "", 1) },
			line: 1, col: 1, message: "title is missing"},
		{name: "missing rights", edit: func(s string) string {
			return strings.Replace(s, "rights: http://rightsstatements.org/vocab/UND/1.0/\n", "", 1)
		}, line: 1, col: 1, message: "rights is missing"},
		{name: "https rights", edit: func(s string) string {
			return strings.Replace(s, "rights: http://rightsstatements.org", "rights: https://rightsstatements.org", 1)
		}, line: 4, col: 9, message: "is not a Creative Commons or rightsstatements.org URI (IIIF requires http://"},
		{name: "missing caption", edit: func(s string) string { return strings.Replace(s, "    caption: Second plate\n", "", 1) },
			line: 15, col: 5, message: "plate 2 has no caption"},
		{name: "duplicate number", edit: func(s string) string { return strings.Replace(s, `number: "2"`, `number: "1"`, 1) },
			line: 15, col: 13, message: `plate number "1" is also used by plates[0]`},
		{name: "duplicate id", edit: func(s string) string {
			s = strings.Replace(s, `  - number: "1"`, "  - id: 6ba7b810-9dad-11d1-80b4-00c04fd430c8\n    number: \"1\"", 1)
			return strings.Replace(s, `  - number: "2"`, "  - id: 6ba7b810-9dad-11d1-80b4-00c04fd430c8\n    number: \"2\"", 1)
		}, line: 16, col: 9, message: "is also used by plates[0]"},
		{name: "image missing", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "p3.jpg", 1) },
			line: 19, col: 15, message: `image "p3.jpg" not found`},
		{name: "not an image", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "p2.jpg"), []byte("this is text, not a JPEG\n"), 0o644)
		}, line: 19, col: 15, message: `"p2.jpg" is not a readable image`},
		{name: "HEIC named .jpg", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "p2.jpg"), append(ftyp("heic"), make([]byte, 600)...), 0o644)
		}, line: 19, col: 15, message: `"p2.jpg" is a HEIC (HEIF, as iPhones and recent cameras write it) file, which vitrine does not read (convert it to JPEG or TIFF, e.g. heif-convert`},
		{name: "camera raw", setup: func(t *testing.T, dir string) {
			d := tiffWithMake(t, "NIKON CORPORATION")
			os.WriteFile(filepath.Join(dir, "p2.jpg"), d, 0o644)
		}, line: 19, col: 15, message: `"p2.jpg" is a Nikon NEF camera raw file, which vitrine does not read (a camera raw file is not an image to publish`},
		{name: "empty image", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "p2.jpg"), nil, 0o644)
		}, line: 19, col: 15, message: `"p2.jpg" is empty (0 bytes) (copy the image again`},
		{name: "PNG named .jpg", setup: func(t *testing.T, dir string) {
			var buf bytes.Buffer
			png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
			os.WriteFile(filepath.Join(dir, "p2.jpg"), buf.Bytes(), 0o644)
		}, sev: Warning, line: 19, col: 15, message: `"p2.jpg" is a PNG file but its name ends in .jpg (rename it to end in .png`},
		{name: "file name in NFD", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "caf\u00e9.jpg", 1) },
			setup: func(t *testing.T, dir string) {
				os.Rename(filepath.Join(dir, "p2.jpg"), filepath.Join(dir, "cafe\u0301.jpg"))
			}, line: 19, col: 15, message: "the folder has \"cafe\u0301.jpg\", the same name in another form (its accented letters are stored decomposed"},
		{name: "file name in another case", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "P2.JPG", 1) },
			line: 19, col: 15, message: `the folder has "p2.jpg", the same name in another form (letters in another case)`},
		{name: "tab indent", edit: func(s string) string {
			return strings.Replace(s, "    caption: Second plate", "\tcaption: Second plate", 1)
		},
			line: 17, message: "found a tab character that violates indentation (YAML indents with spaces only"},
		{name: "tab before a top-level field", edit: func(s string) string { return strings.Replace(s, "title: A test", "\ttitle: A test", 1) },
			line: 3, col: 1, message: "(YAML indents with spaces only"},
		{name: "duplicate key", edit: func(s string) string {
			return strings.Replace(s, "    caption: Second plate", "    caption: Second plate\n    caption: Again", 1)
		},
			line: 18, message: `mapping key "caption" already defined at line 17 (a field may appear only once`},
		{name: "too many pixels", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "huge.png", 1) },
			setup: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "huge.png"), hugePNG(100000, 100000), 0o644)
			}, line: 19, col: 15, message: "is 100000x100000 = 10000000000 pixels, more than the limit"},
		{name: "dot-dot path", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "../p2.jpg", 1) },
			line: 19, col: 15, message: `"../p2.jpg" leaves the exhibition folder`},
		{name: "absolute path", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "/etc/passwd", 1) },
			line: 19, col: 15, message: `"/etc/passwd" is absolute`},
		{name: "symlink out", edit: func(s string) string { return strings.Replace(s, "p2.jpg", "link.jpg", 1) },
			setup: func(t *testing.T, dir string) {
				outside := filepath.Join(t.TempDir(), "secret.jpg")
				writeJPEG(t, outside, 10, 10)
				if err := os.Symlink(outside, filepath.Join(dir, "link.jpg")); err != nil {
					t.Skip("no symlinks:", err)
				}
			}, line: 19, col: 15, message: `"link.jpg" is a symbolic link out of the exhibition folder`},
		{name: "bad language", edit: func(s string) string { return strings.Replace(s, "languages: [en]", "languages: [english-please]", 1) },
			line: 2, col: 13, message: `"english-please" is not a BCP 47 language tag`},
		{name: "bad caption language", edit: func(s string) string {
			return strings.Replace(s, "    caption: Second plate", "    caption:\n      en: Second plate\n      \"1\": Zweite", 1)
		}, line: 18, col: 7, message: `"1" is not a BCP 47 language tag`},
		{name: "date not normalizable", edit: func(s string) string {
			return strings.Replace(s, "date: in June Juche 39 (1950)", "date: the spring after the flood", 1)
		}, sev: Warning, line: 12, col: 11, message: "cannot normalize the date"},
		{name: "bad normalized date", edit: func(s string) string {
			return strings.Replace(s, "date: in June Juche 39 (1950)", "date: {text: spring, normalized: 1950-14}", 1)
		}, line: 12, col: 38, message: "month 14 out of range"},
		{name: "undefined section", edit: func(s string) string {
			return strings.Replace(s, "    section: one\n    caption: Second", "    section: two\n    caption: Second", 1)
		},
			line: 16, col: 14, message: `section "two" is not defined`},
		{name: "cover not a plate", edit: func(s string) string { return s + "cover: \"9\"\n" },
			line: 20, col: 8, message: `cover names plate "9", which does not exist`},
		{name: "invalid UTF-8", edit: func(s string) string { return strings.Replace(s, "First plate", "First \xff plate", 1) },
			line: 11, col: 20, message: "invalid UTF-8 byte 0xFF"},
		{name: "control character", edit: func(s string) string { return strings.Replace(s, "First plate", "First\x07plate", 1) },
			line: 11, col: 19, message: "control character U+0007"},
		{name: "no edition date", sev: Warning, line: 1, col: 1, message: "there is no edition date, so the outputs are dated 2000-01-01"},
		{name: "no plates", edit: func(s string) string { return s[:strings.Index(s, "plates:")] + "plates: []\n" },
			line: 8, col: 9, message: "the exhibition has no plates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := base
			if tt.edit != nil {
				text = tt.edit(base)
			}
			dir := fixture(t, text)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			var ps Problems
			ex, err := Load(dir)
			if err != nil {
				pp, ok := err.(*Problems)
				if !ok {
					t.Fatalf("Load: %v", err)
				}
				ps = *pp
			} else {
				ps, _ = Validate(ex, ValidateOptions{})
			}
			if len(ps) == 0 {
				t.Fatalf("no problem reported; want %q", tt.message)
			}
			var found *Problem
			for i := range ps {
				if strings.Contains(ps[i].Error(), tt.message) {
					found = &ps[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("want a problem containing %q, got:\n%s", tt.message, ps.Error())
			}
			if found.Severity != tt.sev || found.Pos.Line != tt.line || (tt.col != 0 && found.Pos.Col != tt.col) {
				t.Errorf("got %s at %d:%d, want %s at %d:%d\n%s", found.Severity, found.Pos.Line, found.Pos.Col, tt.sev, tt.line, tt.col, found.Error())
			}
			if !strings.HasPrefix(found.Error(), filepath.Join(dir, "exhibition.yaml")+":") {
				t.Errorf("message does not start with the file name: %s", found.Error())
			}
		})
	}
}

// TestValidateReportsEverything checks that one run reports all problems.
func TestValidateReportsEverything(t *testing.T) {
	text := strings.Replace(base, "p2.jpg", "p3.jpg", 1)
	text = strings.Replace(text, `number: "2"`, `number: "1"`, 1)
	text = strings.Replace(text, "languages: [en]", "languages: [en, 'x y']", 1)
	ex, err := Load(fixture(t, text))
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := Validate(ex, ValidateOptions{})
	if n := len(ps.Errors()); n != 3 {
		t.Errorf("want 3 errors in one run, got %d:\n%s", n, ps.Error())
	}
}

func TestLoadJSON(t *testing.T) {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "a.jpg"), 10, 10)
	js := `{
  "slug": "j",
  "languages": ["en", "ko"],
  "title": {"en": "Title", "ko": "제목"},
  "rights": "http://creativecommons.org/licenses/by/4.0/",
  "plates": [{"number": "1", "caption": "x", "imagez": []}]
}`
	os.WriteFile(filepath.Join(dir, "exhibition.json"), []byte(js), 0o644)
	_, err := Load(dir)
	ps, ok := err.(*Problems)
	if !ok || len(*ps) != 1 || (*ps)[0].Pos.Line != 6 || !strings.Contains((*ps)[0].Msg, `unknown field "imagez"`) {
		t.Fatalf("JSON unknown field not reported at line 6: %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("slug: x\nplates: [{number: 1, caption: {en: a}, date: {text: c. 1950}}]\n"))
	f.Add([]byte(`{"slug": "x", "title": {"en": "a"}, "plates": [{"number": "1"}]}`))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		ex, err := Parse(filepath.Join(dir, "exhibition.yaml"), data)
		if err != nil {
			if _, ok := err.(*Problems); !ok {
				t.Fatalf("Parse returned %T, want *Problems: %v", err, err)
			}
			return
		}
		ps, _ := Validate(ex, ValidateOptions{})
		for _, p := range ps {
			if p.Msg == "" {
				t.Fatalf("problem without a message: %+v", p)
			}
		}
	})
}

// TestLoadMissingFolder: a mistyped folder gets an error that says what is
// missing and wraps ErrNoExhibition, not a bare "stat ...: no such file".
func TestLoadMissingFolder(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "no-such-show"))
	if !errors.Is(err, ErrNoExhibition) || !strings.Contains(err.Error(), "no such folder or file") {
		t.Errorf("Load of a missing folder: %v", err)
	}
}

// TestEditionWarning: the warning about the 2000-01-01 fallback date goes
// away with an edition date, an opening date or SOURCE_DATE_EPOCH.
func TestEditionWarning(t *testing.T) {
	for name, tt := range map[string]struct{ add, env string }{
		"edition":           {add: "edition: \"2024-01-02\"\n"},
		"opening":           {add: "opening: \"2024-01-02\"\n"},
		"SOURCE_DATE_EPOCH": {env: "1700000000"},
	} {
		t.Run(name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("SOURCE_DATE_EPOCH", tt.env)
			}
			ex, err := Load(fixture(t, base+tt.add))
			if err != nil {
				t.Fatal(err)
			}
			if ps, _ := Validate(ex, ValidateOptions{}); len(ps) != 0 {
				t.Errorf("problems: %v", ps)
			}
		})
	}
}

// TestLanguageTagCase: tags are case-insensitive; "EN" and "ko-kr" are read
// as "en" and "ko-KR", so they match languages: and reach the outputs in
// canonical form.
func TestLanguageTagCase(t *testing.T) {
	text := strings.Replace(base, "languages: [en]", "languages: [EN, ko-kr]", 1)
	text = strings.Replace(text, "    caption: Second plate", "    caption: {En: Second plate, KO-KR: 둘째}", 1)
	ex, err := Load(fixture(t, text))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ex.Languages, ",") != "en,ko-KR" || ex.Plates[1].Caption["en"] != "Second plate" || ex.Plates[1].Caption["ko-KR"] != "둘째" {
		t.Errorf("languages %v, caption %v", ex.Languages, ex.Plates[1].Caption)
	}
	ps, _ := Validate(ex, ValidateOptions{})
	for _, p := range ps {
		if strings.Contains(p.Msg, "not in languages") {
			t.Error(p)
		}
	}
}

// TestValidateReadsOnlyTIFFHeaders: checking a TIFF reads its header, not
// the file. Unless it can read at offsets, the TIFF decoder buffers the
// stream up to the image directory, which writers such as Go's put after
// the pixels: a folder of 80 MB scans made every validate (and every
// rebuild) read hundreds of megabytes. Here a 16 MB TIFF with its directory
// at the end must cost Validate far less than 16 MB.
func TestValidateReadsOnlyTIFFHeaders(t *testing.T) {
	dir := fixture(t, base)
	img := image.NewGray(image.Rect(0, 0, 4096, 4096))
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "p1.jpg"))
	if err := os.WriteFile(filepath.Join(dir, "p1.tif"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	buf = bytes.Buffer{}
	yml := filepath.Join(dir, "exhibition.yaml")
	data, _ := os.ReadFile(yml)
	os.WriteFile(yml, bytes.ReplaceAll(data, []byte("p1.jpg"), []byte("p1.tif")), 0o644)
	ex, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, infos := Validate(ex, ValidateOptions{})
	runtime.ReadMemStats(&after)
	if got := infos["p1.tif"]; got.Format != "tiff" || got.Width != 4096 {
		t.Fatalf("header of p1.tif = %+v", got)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("Validate allocated %d MB for a 16 MB TIFF: it read the file, not its header", n>>20)
	}
}
