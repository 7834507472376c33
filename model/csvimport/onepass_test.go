package csvimport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hugePNG is a PNG header claiming w x h pixels, with no pixel data.
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// tenBad is a sheet whose rows 3 to 14 each have a different problem that
// 'vitrine validate' (or the import) would find; row 2 is good.
const tenBad = "number,title,file,rights,date\n" +
	"1,Good,good.jpg,http://creativecommons.org/licenses/by/4.0/,1950\n" +
	"2,Missing,missing.jpg,,\n" +
	"3,Not an image,text.jpg,,\n" +
	"4,Unsafe,../good.jpg,,\n" +
	"1,Duplicate number,,,\n" +
	"6,,good.jpg,,\n" +
	"7,Bad rights,,All rights reserved,\n" +
	"8,Empty file,empty.jpg,,\n" +
	"9,A folder,sub,,\n" +
	"10,Too many pixels,huge.png,,\n" +
	"11,Extra cell,,,,surplus\n" +
	"12,Not a PDF,report.pdf,,\n" +
	"13,Absolute,/etc/hosts.jpg,,\n" +
	"14,Odd date,good.jpg,,the year of the flood\n"

func tenBadImages(t *testing.T) string {
	imgs := t.TempDir()
	writeJPEG(t, filepath.Join(imgs, "good.jpg"))
	writeFile(t, filepath.Join(imgs, "text.jpg"), []byte("this is a note, not a picture"))
	writeFile(t, filepath.Join(imgs, "empty.jpg"), nil)
	writeFile(t, filepath.Join(imgs, "huge.png"), hugePNG(100000, 100000))
	writeFile(t, filepath.Join(imgs, "report.pdf"), []byte("<html>404</html>"))
	os.MkdirAll(filepath.Join(imgs, "sub"), 0o755)
	return imgs
}

// TestOnePassTenBadRows: every bad row is named in one run, with its line
// and column; nothing is returned to write. A date that cannot be
// normalized is a notice at its cell.
func TestOnePassTenBadRows(t *testing.T) {
	imgs := tenBadImages(t)
	res, err := Import([]byte(tenBad), Options{Title: "T", ImagesDir: imgs, OutDir: t.TempDir()})
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrInvalid) || res.Exhibition != nil || res.Copies != nil {
		t.Fatalf("error %v; result %+v", err, res)
	}
	for _, want := range []string{
		`line 3, column "file": file "missing.jpg" not found`,
		`line 4, column "file": "text.jpg" is not a readable image`,
		`line 5, column "file": file "../good.jpg" leaves the images folder`,
		`line 6, column "number": number "1" is also the number of the row at line 2`,
		`line 7, column "title": empty`,
		`line 8, column "rights": "All rights reserved" is not a Creative Commons`,
		`line 9, column "file": "empty.jpg" is empty (0 bytes)`,
		`line 10, column "file": file "sub" is a folder`,
		`line 11, column "file": "huge.png" is 100000x100000`,
		`line 12, column "Column 6": the row has 6 cells`,
		`line 13, column "file": "report.pdf" is not a PDF file`,
		`line 14, column "file": file "/etc/hosts.jpg" is an absolute path`,
		"(12 errors in 12 rows)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "line 2,") || strings.Contains(err.Error(), "line 15") {
		t.Errorf("a good row was named:\n%v", err)
	}
	if ns := notices(res); !strings.Contains(ns, `line 15: column "date": date: date "the year of the flood" kept as written`) {
		t.Errorf("the odd date is not reported at its cell:\n%s", ns)
	}
}

// TestFileMatching: names matched exactly, then regardless of case, then
// without an extension; comma lists; folders under --images; "did you
// mean" with the closest names.
func TestFileMatching(t *testing.T) {
	imgs := t.TempDir()
	for _, n := range []string{"Harbour-East.jpg", "harbour-west.jpg", "box 1/letter p1.jpg", "box 1/letter p2.jpg", "quay.jpg", "a, b.jpg"} {
		writeJPEG(t, filepath.Join(imgs, n))
	}
	tests := []struct {
		cell, images, notice, err string
	}{
		{cell: "Harbour-East.jpg", images: "images/Harbour-East.jpg"},
		{cell: "HARBOUR-EAST.JPG", images: "images/Harbour-East.jpg", notice: `"HARBOUR-EAST.JPG" matched the file "Harbour-East.jpg", whose name differs in letter case`},
		{cell: "Box 1/Letter P1.jpg", images: "images/box 1/letter p1.jpg", notice: "differs in letter case"},
		{cell: `box 1\letter p2.jpg`, images: "images/box 1/letter p2.jpg"},
		{cell: "quay", images: "images/quay.jpg", notice: `"quay" has no extension: matched the file "quay.jpg"`},
		{cell: "quay.jpg, harbour-west.jpg", images: "images/quay.jpg images/harbour-west.jpg", notice: "read as a list of 2 files separated by commas"},
		{cell: "a, b.jpg", images: "images/a, b.jpg"},
		{cell: "quay.jpg; harbour-west.jpg", images: "images/quay.jpg images/harbour-west.jpg"},
		{cell: "harbour-wset.jpg", err: `file "harbour-wset.jpg" not found in ` + imgs + `; did you mean "harbour-west.jpg"`},
		{cell: "harbor east.jpg", err: `did you mean "Harbour-East.jpg"`},
		{cell: "zzz.jpg", err: "nor any name close to it"},
	}
	for _, tc := range tests {
		t.Run(tc.cell, func(t *testing.T) {
			in := "title,image\nA,\"" + strings.ReplaceAll(tc.cell, `"`, `""`) + "\"\n"
			res, err := Import([]byte(in), Options{Title: "T", ImagesDir: imgs, OutDir: t.TempDir()})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, im := range res.Exhibition.Plates[0].Images {
				got = append(got, im.Path)
			}
			if strings.Join(got, " ") != tc.images {
				t.Errorf("images %q, want %q", got, tc.images)
			}
			if ns := notices(res); tc.notice != "" && !strings.Contains(ns, tc.notice) {
				t.Errorf("notices lack %q:\n%s", tc.notice, ns)
			}
		})
	}
}

// TestFetch: URLs are downloaded only with Fetch, from a local server:
// a JPEG and a PDF (named from the Content-Type when the URL has no
// extension) are kept; a 404, a file over the size limit and a server
// slower than the timeout are errors at their cells.
func TestFetch(t *testing.T) {
	var jpg bytes.Buffer
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "x.jpg"))
	b, _ := os.ReadFile(filepath.Join(dir, "x.jpg"))
	jpg.Write(b)
	mux := http.NewServeMux()
	mux.HandleFunc("/iiif/obj1/full/max/0/default.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(jpg.Bytes()) })
	mux.HandleFunc("/iiif/obj2/full/max/0/default.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(jpg.Bytes()) })
	mux.HandleFunc("/docs/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(minimalPDF)
	})
	mux.HandleFunc("/big.jpg", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 5000)) })
	mux.HandleFunc("/slow.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush()
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	sheet := "number,title,file\n" +
		"1,A,URL/iiif/obj1/full/max/0/default.jpg\n" +
		"2,B,URL/iiif/obj2/full/max/0/default.jpg\n" +
		"3,C,URL/docs/report\n"
	sheet = strings.ReplaceAll(sheet, "URL", srv.URL)

	// Without Fetch: notices, no download, no "unsafe path".
	res, err := Import([]byte(sheet), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if ns := notices(res); strings.Count(ns, "is a URL") != 3 || strings.Contains(ns, "unsafe") || len(res.Copies) != 0 {
		t.Errorf("without --fetch:\n%s\ncopies %v", ns, res.Copies)
	}

	fetch := &Fetch{Dir: t.TempDir(), MaxBytes: 4000, Timeout: 300 * time.Millisecond}
	res, err = Import([]byte(sheet), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir(), Fetch: fetch})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Exhibition.Plates
	if p[0].Images[0].Path != "images/default.jpg" || p[1].Images[0].Path != "images/default-2.jpg" || p[2].Attachments[0].Path != "files/report.pdf" {
		t.Errorf("paths %v %v %v", p[0].Images, p[1].Images, p[2].Attachments)
	}
	if len(res.Copies) != 3 {
		t.Fatalf("copies %v", res.Copies)
	}
	got, _ := os.ReadFile(res.Copies[0].Src)
	if !bytes.Equal(got, jpg.Bytes()) {
		t.Error("downloaded bytes differ")
	}

	bad := "number,title,file\n1,A,URL/missing.jpg\n2,B,URL/big.jpg\n3,C,URL/slow.jpg\n"
	bad = strings.ReplaceAll(bad, "URL", srv.URL)
	_, err = Import([]byte(bad), Options{Title: "T", ImagesDir: t.TempDir(), OutDir: t.TempDir(), Fetch: fetch})
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{`line 2, column "file": download ` + srv.URL + `/missing.jpg: the server answered 404`,
		`line 3, column "file": download ` + srv.URL + `/big.jpg: the file is over the limit of 4000 bytes`,
		`line 4, column "file": download ` + srv.URL + `/slow.jpg:`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
