package csvimport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
)

// notices joins the notices, one per line, for searching.
func notices(r *Result) string {
	var l []string
	for _, n := range r.Notices {
		l = append(l, n.String())
	}
	return strings.Join(l, "\n")
}

func metaValue(p model.Plate, label string) string {
	for _, f := range p.Metadata {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

// TestCollectionBuilderDemo: a sheet with the columns of CollectionBuilder's
// demo metadata (objectid, filename, youtubeid, ..., rights as free text
// beside rightsstatement as a URI; rows naming a JPEG, a PDF, an MP3,
// nothing, a URL, and a file in another case). It imports without an
// error: the URI column gives the rights, the text becomes the credit,
// the PDF and MP3 become attachments, the row without a file a plate
// without an image, the URL a notice and metadata.
func TestCollectionBuilderDemo(t *testing.T) {
	data, err := os.ReadFile("testdata/collectionbuilder-demo.csv")
	if err != nil {
		t.Fatal(err)
	}
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "harbour_lantern.jpg"))
	writeJPEG(t, filepath.Join(imgs, "mill_street.jpg"))
	writeFile(t, filepath.Join(imgs, "council_minutes.pdf"), minimalPDF)
	writeFile(t, filepath.Join(imgs, "oral_history.mp3"), []byte("ID3\x04\x00\x00\x00\x00\x00\x0afake frames"))
	res, err := Import(data, Options{Title: "Harbour", ImagesDir: imgs, OutDir: t.TempDir(), Edition: "2026-12-01", Publisher: "Elwin Town Library"})
	if err != nil {
		t.Fatalf("%v\nnotices:\n%s", err, notices(res))
	}
	ex, p, ns := res.Exhibition, res.Exhibition.Plates, notices(res)
	checks := []struct{ name, got, want string }{
		{"number from objectid", p[0].Number, "harb001"},
		{"identifier kept", metaValue(p[0], "identifier"), "etl-0451"},
		{"rights from the URI column", ex.Rights, "http://rightsstatements.org/vocab/NoC-US/1.0/"},
		{"free-text rights as credit", p[0].Credit.Get("en"), "Public Domain"},
		{"image", p[0].Images[0].Path, "images/harbour_lantern.jpg"},
		{"pdf attachment", p[1].Attachments[0].Path, "files/council_minutes.pdf"},
		{"mp3 attachment", p[2].Attachments[0].Path, "files/oral_history.mp3"},
		{"youtube id kept", metaValue(p[3], "youtubeid"), "dQw0harb04x"},
		{"url kept", metaValue(p[4], "filename"), "https://media.example.org/objects/harb005.jpg"},
		{"case-insensitive match", p[5].Images[0].Path, "images/mill_street.jpg"},
		{"subject kept", metaValue(p[0], "subject"), "harbours;boats;lantern slides"},
		{"place", p[0].Place, "Port Elwin"},
		{"edition", ex.Edition, "2026-12-01"},
		{"publisher", ex.Agents[0].Name.Get("en") + "/" + ex.Agents[0].Roles[0], "Elwin Town Library/publisher"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(p[3].Images)+len(p[3].Attachments) != 0 {
		t.Errorf("row without a file has files: %+v", p[3])
	}
	for _, want := range []string{
		`line 1: columns: number <- "objectid" (over "identifier" kept as metadata)`,
		`rights <- "rightsstatement" (over "rights" holds text, not rights URIs: it becomes the credit)`,
		`line 5: column "filename": file: no file: the plate has no image`,
		`line 6: column "filename": file: https://media.example.org/objects/harb005.jpg is a URL`,
		`line 7: column "filename": file: "Mill_Street.JPG" matched the file "mill_street.jpg", whose name differs in letter case`,
	} {
		if !strings.Contains(ns, want) {
			t.Errorf("notices lack %q:\n%s", want, ns)
		}
	}
	if strings.Count(ns, "columns: number") != 1 {
		t.Errorf("the column choice is not printed once:\n%s", ns)
	}
	if strings.Contains(ns, "unsafe") {
		t.Errorf("a URL was called unsafe:\n%s", ns)
	}
}

// TestTateArtworkData: a sheet with the columns of Tate's artwork_data
// (a database id beside accession_number, dateText beside a numeric year,
// no file column but thumbnail URLs). The accession number is the plate
// number, dateText the date ("?c.1790" kept as written, not 1790), year
// and id are kept as metadata, and the images are found by accession
// number.
func TestTateArtworkData(t *testing.T) {
	data, err := os.ReadFile("testdata/tate-artworks.csv")
	if err != nil {
		t.Fatal(err)
	}
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "A00017.jpg"))
	writeJPEG(t, filepath.Join(imgs, "n01422.JPG"))
	res, err := Import(data, Options{Title: "Works on paper", ImagesDir: imgs, OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("%v\nnotices:\n%s", err, notices(res))
	}
	p, ns := res.Exhibition.Plates, notices(res)
	checks := []struct{ name, got, want string }{
		{"number", p[0].Number, "A00017"},
		{"id kept", metaValue(p[0], "id"), "1204"},
		{"date as written", p[0].Date.Text, "?c.1790"},
		{"year kept", metaValue(p[0], "year"), "1790"},
		{"acquisition year kept", metaValue(p[0], "acquisitionYear"), "1931"},
		{"credit", p[0].Credit.Get("en"), "Presented by the Friends of the Gallery 1931"},
		{"creator", p[0].Creator, "Marlowe, Edith"},
		{"image by id", p[0].Images[0].Path, "images/A00017.jpg"},
		{"image by id, other case", p[2].Images[0].Path, "images/n01422.JPG"},
		{"undated", p[3].Date.Text, "date not known"},
		{"thumbnail url kept", metaValue(p[0], "thumbnailUrl"), "http://images.example.org/art/A00017_8.jpg"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if p[0].Date.Normalized == "1790" {
		t.Error(`"?c.1790" became a plain 1790`)
	}
	for _, want := range []string{
		`number <- "accession_number" (over "id" kept as metadata)`,
		`date <- "dateText" (over "year" kept as metadata)`,
		`column "accession_number": columns: no file column: each row's files are found in`,
		`line 3: column "accession_number": file: no file named after "A00018"`,
	} {
		if !strings.Contains(ns, want) {
			t.Errorf("notices lack %q:\n%s", want, ns)
		}
	}
}

// TestWaxSheet: a Wax-style sheet (pid, label, _date, no file column)
// finds obj0.jpg by pid, the pages of the folder obj2/ in order, and
// leaves obj3 without an image, with notices.
func TestWaxSheet(t *testing.T) {
	data, err := os.ReadFile("testdata/wax-qatar-style.csv")
	if err != nil {
		t.Fatal(err)
	}
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "obj0.jpg"))
	writeJPEG(t, filepath.Join(imgs, "obj1.tif.jpg")) // not obj1
	writeJPEG(t, filepath.Join(imgs, "obj1.png"))
	writeJPEG(t, filepath.Join(imgs, "obj2", "10.jpg"))
	writeJPEG(t, filepath.Join(imgs, "obj2", "2.jpg"))
	res, err := Import(data, Options{Title: "Wax", ImagesDir: imgs, OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("%v\nnotices:\n%s", err, notices(res))
	}
	p, ns := res.Exhibition.Plates, notices(res)
	var got []string
	for _, pl := range p {
		var l []string
		for _, im := range pl.Images {
			l = append(l, im.Path)
		}
		got = append(got, pl.Number+"="+strings.Join(l, "+"))
	}
	want := "obj0=images/obj0.jpg obj1=images/obj1.png obj2=images/obj2/2.jpg+images/obj2/10.jpg obj3="
	if strings.Join(got, " ") != want {
		t.Errorf("images %q, want %q", strings.Join(got, " "), want)
	}
	if p[1].Date.Text != "c. 1935" || p[0].Caption.Get("en") != "Map of the pearl banks" {
		t.Errorf("date %q caption %q", p[1].Date.Text, p[0].Caption.Get("en"))
	}
	for _, w := range []string{`no file column: each row's files are found in`, `line 5: column "pid": file: no file named after "obj3"`} {
		if !strings.Contains(ns, w) {
			t.Errorf("notices lack %q:\n%s", w, ns)
		}
	}
	// The folder is found, its copies keep the folder.
	// (The PNG named obj1.png is a JPEG: validate warns, as it would.)
	if !strings.Contains(ns, `"obj1.png" is a JPEG file but its name ends in .png`) {
		t.Errorf("the misnamed file was not reported:\n%s", ns)
	}
}
