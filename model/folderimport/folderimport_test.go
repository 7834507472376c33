package folderimport

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// The fixtures in testdata/folder were made with small Go-encoded images
// and ExifTool (which no code here shares), so the reader is checked
// against metadata written by a real tool: EXIF in 1.jpg and 4.tif, XMP in
// 2.jpg (Korean) and 5.png, IPTC with a UTF-8 character set in 10.jpg
// (Arabic), none in the others; "Café 1952-08-15.jpg" has an NFD name.
func TestImportFolder(t *testing.T) {
	ex, notes, err := Import("testdata/folder", Options{Title: "Fixtures"})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		image, caption, creator, date, credit, rights, desc, digitised string
	}
	wants := []want{
		{image: "1.jpg", caption: "The harbour at dawn", creator: "Jane Doe", credit: "© 1951 Jane Doe", digitised: "1951-06-25"},
		{image: "2.jpg", caption: "평양의 거리", desc: "거리의 풍경, 1953년 7월.", creator: "김철수; Lee Min", date: "1953-07",
			credit: "Licensed under http://creativecommons.org/licenses/by/4.0/", rights: "http://creativecommons.org/licenses/by/4.0/"},
		{image: "03_harbour_at_night_1950.jpg", caption: "harbour at night 1950", date: "1950"},
		{image: "4.tif", caption: "A tram in the rain", creator: "T. Photographer", digitised: "1960-01-02"},
		{image: "5.png", caption: "The old mill", creator: "Unknown photographer"},
		{image: "10.jpg", caption: "سوق قديم في القاهرة", creator: "Ahmad Hassan", date: "1952-03-01", credit: "© Ahmad Hassan"},
		{image: norm.NFD.String("Café 1952-08-15.jpg"), caption: "Café 1952-08-15", date: "1952-08-15"},
	}
	if len(ex.Plates) != len(wants) {
		var got []string
		for _, p := range ex.Plates {
			got = append(got, p.Images[0].Path)
		}
		t.Fatalf("plates %q, want %d", got, len(wants))
	}
	for i, w := range wants {
		p := ex.Plates[i]
		got := want{image: p.Images[0].Path, caption: p.Caption.Get(""), creator: p.Creator, date: p.Date.Normalized,
			credit: p.Credit.Get(""), rights: p.Rights}
		for _, f := range p.Metadata {
			if f.Label == DigitisedLabel {
				got.digitised = f.Value
			}
		}
		if d := p.Description.Get(""); len(d) > 0 {
			got.desc = d[0]
		}
		if got != w {
			t.Errorf("plate %d:\n got %+v\nwant %+v", i+1, got, w)
		}
		// A date from embedded metadata is shown as the date, not as the
		// EXIF or IPTC string ("1951:06:25 10:00:00").
		if strings.Contains(p.Date.Text, ":") {
			t.Errorf("plate %d date text %q is the embedded form", i+1, p.Date.Text)
		}
		if p.Number != strconv.Itoa(i+1) {
			t.Errorf("plate %d numbered %q", i+1, p.Number)
		}
	}
	var skipped []string
	for _, n := range notes {
		if n.Kind == importer.Dropped {
			skipped = append(skipped, n.File)
		}
	}
	if strings.Join(skipped, ",") != "notes.txt,sub" {
		t.Errorf("skipped with a notice: %q, want notes.txt and sub (and .DS_Store, Thumbs.db, ._1.jpg silently)", skipped)
	}
	// Validate in place, as init writes it.
	raw, err := model.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	back, err := model.Parse(filepath.Join("testdata/folder", "exhibition.yaml"), raw)
	if err != nil {
		t.Fatal(err)
	}
	ps, infos := model.Validate(back, model.ValidateOptions{})
	for _, p := range ps {
		if p.Path != "edition" { // an import has no edition date yet
			t.Errorf("validate: %v", p)
		}
	}
	if len(infos) != 7 {
		t.Errorf("validated %d images", len(infos))
	}
	// --born-digital: the capture dates are the plates' dates.
	bd, _, err := Import("testdata/folder", Options{Title: "Fixtures", BornDigital: true})
	if err != nil {
		t.Fatal(err)
	}
	if d1, d4 := bd.Plates[0].Date.Normalized, bd.Plates[3].Date.Normalized; d1 != "1951-06-25" || d4 != "1960-01-02" || len(bd.Plates[0].Metadata) != 0 {
		t.Errorf("born digital: dates %q %q, metadata %v", d1, d4, bd.Plates[0].Metadata)
	}
	// Same bytes on a second run.
	ex2, _, _ := Import("testdata/folder", Options{Title: "Fixtures"})
	raw2, _ := model.Marshal(ex2)
	if !bytes.Equal(raw, raw2) {
		t.Error("a second import differs")
	}
}

func TestImportFolderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Import(dir, Options{}); !errors.Is(err, ErrNoImages) {
		t.Fatalf("empty folder: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "a.jpg"), []byte("not a jpeg"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.png"), []byte("nor a png"), 0o644)
	_, _, err := Import(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "a.jpg") || !strings.Contains(err.Error(), "b.png") {
		t.Fatalf("want both broken files named at once, got %v", err)
	}
}

func TestNaturalOrderAndNameDates(t *testing.T) {
	for _, tt := range []struct{ stem, date string }{
		{"scan_19510625_b", "1951-06-25"},
		{"1951-06-25 harbour", "1951-06-25"},
		{"harbour c1950", ""},
		{"plate 12", ""},
		{"harbour 1890", "1890"},
	} {
		d, _ := nameDate(tt.stem)
		if d.Normalized != tt.date {
			t.Errorf("nameDate(%q) = %q, want %q", tt.stem, d.Normalized, tt.date)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"1951:06:25 10:00:00", "1951-06-25"},
		{"1953-07", "1953-07"},
		{"1953:07", "1953-07"},
		{"19520301", "1952-03-01"},
		{"1952:03:01", "1952-03-01"},
		{"1952-13-01", ""},
	} {
		got, _ := metaDate(tt.in)
		if got != tt.want {
			t.Errorf("metaDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestImportFolderEmptyFile: a zero-byte image (an interrupted copy) is
// named as empty, not as an image of unknown format.
func TestImportFolderEmptyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "scan.jpg"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Import(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "scan.jpg") || !strings.Contains(err.Error(), "empty (0 bytes)") {
		t.Fatalf("want scan.jpg named as empty, got %v", err)
	}
}
