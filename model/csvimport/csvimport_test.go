package csvimport

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// testdata/collection-export.csv is shaped like an export from a collection
// system opened and saved by Excel: UTF-8 with BOM, CRLF rows, LF inside
// quoted multi-line cells, doubled quotes, Korean and Arabic text, ranged,
// approximate, century, decade and undated dates, two images in one cell,
// an https licence, unknown columns and a trailing empty row. Its images
// folder holds "Café-recto.jpg" with an NFD name (as copied from macOS)
// while the sheet spells it NFC.
func TestImportCollectionExport(t *testing.T) {
	data, err := os.ReadFile("testdata/collection-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Import(data, Options{Title: "Streets and harbours", SourceFile: "testdata/collection-export.csv", ImagesDir: "testdata/images", OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	ex := res.Exhibition
	if len(ex.Plates) != 5 {
		t.Fatalf("%d plates, want 5 (the empty row skipped)", len(ex.Plates))
	}
	p := ex.Plates
	checks := []struct{ name, got, want string }{
		{"1 caption", p[0].Caption.Get("en"), "The harbour, seen from the lighthouse"},
		{"1 creator", p[0].Creator, "Jane Doe"},
		{"1 date", p[0].Date.Normalized, "1950~"},
		{"1 date text", p[0].Date.Text, "c. 1950"},
		{"1 medium", p[0].Medium, "Gelatin silver print"},
		{"1 dimensions", p[0].Dimensions, "24 x 30 cm"},
		{"1 credit", p[0].Credit.Get("en"), "Gift of the Doe family, 1999"},
		{"1 rights", p[0].Rights, "http://creativecommons.org/licenses/by/4.0/"},
		{"1 alt", p[0].Alt.Get("en"), "Boats moored in a harbour"},
		{"1 description", strings.Join(p[0].Description.Get("en"), "|"), "A long description,\nwith a comma.|And a second paragraph with \"quotes\"."},
		{"1 image", p[0].Images[0].Path, "images/harbour.jpg"},
		{"1 metadata", fields(p[0].Metadata), "Provenance=Doe family, Busan;Photo ID=P-001"},
		{"2 caption", p[1].Caption.Get("en"), `Café on the corner, "Le Zinc"`},
		{"2 date", p[1].Date.Normalized, "1950/1953"},
		{"2 images", p[1].Images[0].Path + ";" + p[1].Images[1].Path, "images/Café-recto.jpg;images/Cafe-verso.jpg"},
		{"3 caption", p[2].Caption.Get("en"), "서울의 거리"},
		{"3 date", p[2].Date.Normalized, "18XX"},
		{"3 rights", p[2].Rights, "http://creativecommons.org/publicdomain/zero/1.0/"},
		{"4 caption", p[3].Caption.Get("en"), "سوق قديم في القاهرة"},
		{"4 date", p[3].Date.Normalized, "192X"},
		{"5 date", p[4].Date.Normalized, "XXXX"},
		{"sections", p[0].Section + "," + p[1].Section + "," + p[2].Section + "," + p[4].Section, "harbour,streets,streets,harbour"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if p[1].Images[0].Path != norm.NFC.String(p[1].Images[0].Path) {
		t.Error("copy destination should be NFC")
	}
	// The NFD file on disk is the copy's source.
	var srcs []string
	for _, c := range res.Copies {
		srcs = append(srcs, filepath.Base(c.Src))
	}
	if !strings.Contains(strings.Join(srcs, ","), norm.NFD.String("Café-recto.jpg")) {
		t.Errorf("copies %q should read the NFD file", srcs)
	}
	// Written and copied, it validates (one warning: plate 4 has no image;
	// plate 5 returns to its section).
	if _, err := importer.CopyFiles(context.Background(), out, res.Copies, false); err != nil {
		t.Fatal(err)
	}
	if _, err := model.WriteExhibition(out, ex, false); err != nil {
		t.Fatal(err)
	}
	back, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	ps, infos := model.Validate(back, model.ValidateOptions{})
	if ps.HasErrors() || len(infos) != 4 {
		t.Errorf("validate: %v (%d images)", ps, len(infos))
	}
	// A second import gives the same bytes.
	res2, err := Import(data, Options{Title: "Streets and harbours", SourceFile: "testdata/collection-export.csv", ImagesDir: "testdata/images", OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := model.Marshal(ex)
	b, _ := model.Marshal(res2.Exhibition)
	if !bytes.Equal(a, b) {
		t.Error("second import differs")
	}
}

func fields(fs []model.Field) string {
	var l []string
	for _, f := range fs {
		l = append(l, f.Label+"="+f.Value)
	}
	return strings.Join(l, ";")
}

func TestImportShapes(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		captions []string
		numbers  []string
		langs    string
	}{
		{"LF, no BOM, synonyms in odd case", "NO,CAPTION,Photographer,YEAR\n1,A,x,1950\n2,B,y,1951\n", []string{"A", "B"}, []string{"1", "2"}, "en"},
		{"semicolons (LibreOffice, European Excel)", "Nr;Label;Date\r\n7;Un café, rue Oberkampf;1950\r\n8;Le pont;1951\r\n", []string{"Un café, rue Oberkampf", "Le pont"}, []string{"7", "8"}, "en"},
		{"tabs", "id\ttitle\n1\tA, b\n", []string{"A, b"}, []string{"1"}, "en"},
		{"no number column", "title\nA\nB\n", []string{"A", "B"}, []string{"1", "2"}, "en"},
		{"languages in headers", "number,title,title:ko,title [ar]\n1,Street,거리,شارع\n", []string{"Street"}, []string{"1"}, "en,ko,ar"},
		{"quoted newline in a caption", "number,title\n1,\"Two\nlines\"\n", []string{"Two\nlines"}, []string{"1"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import([]byte(tt.in), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			var caps, nums []string
			for _, p := range res.Exhibition.Plates {
				caps = append(caps, p.Caption.Get("en"))
				nums = append(nums, p.Number)
			}
			if strings.Join(caps, "|") != strings.Join(tt.captions, "|") || strings.Join(nums, "|") != strings.Join(tt.numbers, "|") {
				t.Errorf("captions %q numbers %q, want %q %q", caps, nums, tt.captions, tt.numbers)
			}
			if l := strings.Join(res.Exhibition.Languages, ","); l != tt.langs {
				t.Errorf("languages %s, want %s", l, tt.langs)
			}
			raw, _ := model.Marshal(res.Exhibition)
			back, err := model.Parse("exhibition.yaml", raw)
			if err != nil {
				t.Fatal(err)
			}
			if ps, _ := model.Validate(back, model.ValidateOptions{}); ps.HasErrors() {
				t.Errorf("validate: %v", ps)
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "a.jpg"))
	tests := []struct {
		name string
		in   []byte
		is   error
		want []string // all must appear in the one error
	}{
		{"utf-16 with BOM", append([]byte{0xFF, 0xFE}, []byte("t\x00i\x00t\x00l\x00e\x00\n\x00")...), importer.ErrEncoding, []string{"UTF-16"}},
		{"utf-16 without BOM", []byte("t\x00i\x00t\x00l\x00e\x00\n\x00A\x00\n\x00"), importer.ErrEncoding, []string{"UTF-16"}},
		{"latin-1", []byte("title\nCaf\xe9\n"), importer.ErrEncoding, []string{"line 2", "Latin-1"}},
		{"no caption column", []byte("number,artist\n1,x\n"), ErrInvalid, []string{"no caption column"}},
		{"every row error at once", []byte("number,title,image,rights\n" +
			"1,A,missing.jpg,http://creativecommons.org/licenses/by/4.0/\n" +
			"1,B,,\n" +
			"3,,a.jpg,\n" +
			"4,D,,All rights reserved\n" +
			"5,E,b.jpg,\n"), ErrInvalid, []string{
			`line 2, column "image": file "missing.jpg" not found`,
			`line 3, column "number": number "1" is also the number of the row at line 2`,
			`line 4, column "title": empty`,
			`line 5, column "rights": "All rights reserved" is not`,
			`line 6, column "image": file "b.jpg" not found in ` + imgs + `; did you mean "a.jpg"?`,
		}},
		{"bad quote", []byte("title\n\"A\"B\n"), nil, []string{"line 2"}},
		{"row longer than header", []byte("title\nA,B\n"), ErrInvalid, []string{`line 2, column "Column 2"`}},
		{"unsafe image path", []byte("title,image\nA,../a.jpg\n"), ErrInvalid, []string{"line 2", "leaves the images folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import(tt.in, Options{Title: "T", ImagesDir: imgs, OutDir: t.TempDir()})
			if err == nil {
				t.Fatalf("no error; got %d plates", len(res.Exhibition.Plates))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestImportExcelHeaders: headers as collection spreadsheets write them
// ("Object No.", "Date (circa)", "Image filename") fill their fields instead
// of being kept as extra metadata, which left every plate without its image
// or date.
func TestImportExcelHeaders(t *testing.T) {
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "IMG 0001.JPG"))
	in := "\ufeff\"Object No.\";\"Title (EN)\";\"Date (circa)\";\"Photographer \";\"Image filename\";Notes\r\n" +
		"A-12;Harbour;c. 1953;Kim;IMG 0001.JPG;x\r\n"
	res, err := Import([]byte(in), Options{Title: "T", ImagesDir: imgs, OutDir: imgs})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Exhibition.Plates[0]
	if p.Number != "A-12" || p.Date.Text != "c. 1953" || p.Creator != "Kim" || len(p.Images) != 1 || p.Images[0].Path != "IMG 0001.JPG" {
		t.Errorf("plate number %q date %q creator %q images %v", p.Number, p.Date.Text, p.Creator, p.Images)
	}
	if got := fields(p.Metadata); got != "Notes=x" {
		t.Errorf("metadata %s, want only Notes=x", got)
	}
}

// TestImportNoImageColumn: a sheet whose image column is not recognized
// says so instead of silently giving every plate no image.
func TestImportNoImageColumn(t *testing.T) {
	res, err := Import([]byte("title,Scan\nA,a.jpg\n"), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.Notices {
		if strings.Contains(n.Msg, "no file column") && strings.Contains(n.Msg, "Scan") {
			return
		}
	}
	t.Errorf("no notice about the missing image column: %v", res.Notices)
}

// TestImportExcelSepLine: Excel's "sep=;" first line sets the delimiter and
// is not taken for the header; line numbers stay those of the file.
func TestImportExcelSepLine(t *testing.T) {
	res, err := Import([]byte("\ufeffsep=;\r\nNo.;Title;Date\r\n1;A, b;1950\r\n"), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Exhibition.Plates[0]; p.Number != "1" || p.Caption.Get("en") != "A, b" || p.Date.Text != "1950" {
		t.Errorf("plate %+v", p)
	}
	_, err = Import([]byte("sep=,\nnumber,title\n1,\n"), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error should name line 3: %v", err)
	}
}

// TestImportDateAndMore: a date cell that is a date and more text ("1863,
// printed 1870", as photography departments write) keeps the text as
// written, reads the date, keeps the rest in the date's note and says so in
// a notice; a cell that is no date is kept with a notice too.
func TestImportDateAndMore(t *testing.T) {
	res, err := Import([]byte("title,date\nA,\"1863, printed 1870\"\nB,05/06/1950\n"), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Exhibition.Plates[0].Date
	if d.Text != "1863, printed 1870" || d.Normalized != "1863" || !strings.Contains(d.Note, `"printed 1870"`) {
		t.Errorf("date %+v, want the text as written, 1863 and a note keeping \"printed 1870\"", d)
	}
	if d := res.Exhibition.Plates[1].Date; d.Text != "05/06/1950" || d.Normalized != "" {
		t.Errorf("ambiguous date %+v, want kept as written and not normalized", d)
	}
	var msgs []string
	for _, n := range res.Notices {
		msgs = append(msgs, n.Msg)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`date "1863, printed 1870" normalized as 1863: the date is read from "1863"; the rest, "printed 1870", is kept as written`, `date "05/06/1950" kept as written, not normalized`} {
		if !strings.Contains(all, want) {
			t.Errorf("no notice %q in:\n%s", want, all)
		}
	}
}
