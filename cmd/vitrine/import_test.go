package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seed = "../../model/textimport/testdata/000_ce2d1c9345427dbd.txt"

func TestImportTextCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "victory-70")
	code, out, errs := runCLI(t, "import", "text", seed, "-o", dir, "--title", "Sample")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	for _, w := range []string{
		"000_ce2d1c9345427dbd.txt:55: cut short: caption 13",
		"000_ce2d1c9345427dbd.txt:145: dropped:",
		"000_ce2d1c9345427dbd.txt:17: no final punctuation: caption 1",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	first, err := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "validate", dir); code != 0 {
		t.Fatalf("validate exit %d: %s", code, errs)
	}
	// No overwrite without --force; the file is untouched.
	code, _, errs = runCLI(t, "import", "text", seed, "-o", dir, "--title", "Other")
	if code != 1 || !strings.Contains(errs, "--force") {
		t.Fatalf("second import: exit %d, %s", code, errs)
	}
	// The refusal comes first, not after the import's notices.
	if strings.Contains(errs, "cut short") {
		t.Errorf("the refused import printed its notices:\n%s", errs)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	if !bytes.Equal(first, again) {
		t.Fatal("file changed without --force")
	}
	// With --force, the same input gives the same bytes.
	if code, _, errs := runCLI(t, "import", "text", seed, "-o", dir, "--title", "Sample", "--force"); code != 0 {
		t.Fatalf("--force: exit %d %s", code, errs)
	}
	again, _ = os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	if !bytes.Equal(first, again) {
		t.Fatal("a second import gave other bytes")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestImportCSVCLI(t *testing.T) {
	tmp := t.TempDir()
	imgs := filepath.Join(tmp, "scans")
	os.MkdirAll(imgs, 0o755)
	jpg, err := os.ReadFile("../../model/folderimport/testdata/folder/1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(imgs, "a.jpg"), jpg, 0o644)
	sheet := filepath.Join(tmp, "sheet.csv")
	out := filepath.Join(tmp, "ex")

	// Errors: every one reported, exit 1, nothing written.
	os.WriteFile(sheet, []byte("number,title,image\n1,A,a.jpg\n2,,b.jpg\n"), 0o644)
	code, _, errs := runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs)
	if code != 1 || !strings.Contains(errs, `line 3, column "title"`) || !strings.Contains(errs, `line 3, column "image"`) {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("something was written: %v", err)
	}

	os.WriteFile(sheet, []byte("number,title,image\n1,A,a.jpg\n"), 0o644)
	code, stdout, errs := runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "1 plates") {
		t.Errorf("stdout: %s", stdout)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "images", "a.jpg")); !bytes.Equal(got, jpg) {
		t.Error("image not copied")
	}
	if code, _, errs := runCLI(t, "validate", out); code != 0 {
		t.Fatalf("validate: %s", errs)
	}
}

func TestInitCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-scans")
	os.MkdirAll(dir, 0o755)
	for _, n := range []string{"1.jpg", "10.jpg", "2.jpg"} {
		b, err := os.ReadFile(filepath.Join("../../model/folderimport/testdata/folder", n))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("x"), 0o644)
	code, _, errs := runCLI(t, "init", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	s := string(raw)
	i1, i2, i10 := strings.Index(s, "path: 1.jpg"), strings.Index(s, "path: 2.jpg"), strings.Index(s, "path: 10.jpg")
	if !(i1 >= 0 && i1 < i2 && i2 < i10) || !strings.Contains(s, "slug: my-scans") {
		t.Errorf("order or slug wrong:\n%s", s)
	}
	if code, _, errs := runCLI(t, "validate", dir); code != 0 {
		t.Fatalf("validate: %s", errs)
	}
	if code, _, errs := runCLI(t, "init", dir); code != 1 || strings.Contains(errs, "guess:") {
		t.Fatalf("second init without --force: exit %d; the refusal must come before the notices:\n%s", code, errs)
	}
}

// TestSampleValidatesClean: the sample must validate with no warnings.
func TestSampleValidatesClean(t *testing.T) {
	code, _, errs := runCLI(t, "validate", "../../samples/victory-70")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
}

// TestImportCSVOnePassCLI: a sheet with many bad rows names every one of
// them in one run, with its line and column, exits 1 and writes nothing;
// the fixed sheet imports with --edition and --publisher and validates
// with no warning about the edition.
func TestImportCSVOnePassCLI(t *testing.T) {
	tmp := t.TempDir()
	imgs := filepath.Join(tmp, "scans")
	os.MkdirAll(filepath.Join(imgs, "a folder"), 0o755)
	jpg, err := os.ReadFile("../../model/folderimport/testdata/folder/1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(imgs, "good.jpg"), jpg, 0o644)
	os.WriteFile(filepath.Join(imgs, "Other.JPG"), jpg, 0o644)
	os.WriteFile(filepath.Join(imgs, "note.jpg"), []byte("a note"), 0o644)
	os.WriteFile(filepath.Join(imgs, "empty.jpg"), nil, 0o644)
	os.WriteFile(filepath.Join(imgs, "minutes.pdf"), []byte("%PDF-1.4\n%%EOF\n"), 0o644)
	os.WriteFile(filepath.Join(imgs, "fake.pdf"), []byte("<html>"), 0o644)
	sheet := filepath.Join(tmp, "sheet.csv")
	out := filepath.Join(tmp, "ex")
	bad := "number,title,file,rights\n" +
		"1,Good,good.jpg,http://creativecommons.org/licenses/by/4.0/\n" +
		"2,Missing,goood.jpg,\n" +
		"3,Unreadable,note.jpg,\n" +
		"4,Empty,empty.jpg,\n" +
		"5,Outside,../x.jpg,\n" +
		"6,Folder,a folder,\n" +
		"1,Twice,,\n" +
		"8,,good.jpg,\n" +
		"9,Rights,,All rights reserved\n" +
		"10,Fake PDF,fake.pdf,\n" +
		"11,Absolute,/tmp/x.jpg,\n"
	os.WriteFile(sheet, []byte(bad), 0o644)
	code, _, errs := runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs)
	if code != 1 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	for line := 3; line <= 12; line++ {
		if !strings.Contains(errs, fmt.Sprintf("line %d, column ", line)) {
			t.Errorf("row at line %d not named:\n%s", line, errs)
		}
	}
	if !strings.Contains(errs, `did you mean "good.jpg"`) || !strings.Contains(errs, "(10 errors in 10 rows)") {
		t.Errorf("stderr:\n%s", errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("something was written: %v", err)
	}

	good := "number,title,file,rights\n" +
		"1,Good,good.jpg,http://creativecommons.org/licenses/by/4.0/\n" +
		"2,Other case,other.jpg,\n" +
		"3,Minutes,minutes.pdf,\n" +
		"4,No file,,\n"
	os.WriteFile(sheet, []byte(good), 0o644)
	code, _, errs = runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs, "--edition", "2026-12-01", "--publisher", "Town Museum")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{`"other.jpg" matched the file "Other.JPG"`, "no file: the plate has no image"} {
		if !strings.Contains(errs, w) {
			t.Errorf("notices lack %q:\n%s", w, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "files", "minutes.pdf")); err != nil {
		t.Errorf("the PDF was not copied: %v", err)
	}
	code, _, errs = runCLI(t, "validate", out)
	if code != 0 || strings.Contains(errs, "edition") {
		t.Fatalf("validate: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "import", "csv", sheet, "-o", filepath.Join(tmp, "ex2"), "--edition", "1 Dec 2026"); code != 2 || !strings.Contains(errs, "--edition") {
		t.Errorf("bad --edition: exit %d\n%s", code, errs)
	}
}

// TestInitDigitisedCLI: init keeps an EXIF capture date as the
// digitisation date unless --born-digital, and takes --edition and
// --publisher.
func TestInitDigitisedCLI(t *testing.T) {
	for _, born := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "scans")
		os.MkdirAll(dir, 0o755)
		b, err := os.ReadFile("../../model/folderimport/testdata/folder/1.jpg") // EXIF DateTimeOriginal 1951:06:25
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "1.jpg"), b, 0o644)
		args := []string{"init", dir, "--edition", "2026-12-01", "--publisher", "Town Museum"}
		if born {
			args = append(args, "--born-digital")
		}
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
		s := string(raw)
		hasDate := strings.Contains(s, `text: "1951-06-25"`)
		hasDigitised := strings.Contains(s, "label: Digitised")
		if hasDate != born || hasDigitised == born || !strings.Contains(s, "edition: \"2026-12-01\"") && !strings.Contains(s, "edition: 2026-12-01") || !strings.Contains(s, "Town Museum") {
			t.Errorf("born digital %v:\n%s", born, s)
		}
	}
}

// TestImportedAttachmentsBuild: a sheet naming an image with a PDF, an MP3
// alone and no file builds into every format (EPUB, IIIF, bag, index
// pages): the PDF and MP3 are in the bag's payload (verified), published
// beside the manifest and linked from the EPUB's plate pages; the plate
// without a file is in the index page.
func TestImportedAttachmentsBuild(t *testing.T) {
	tmp := t.TempDir()
	imgs := filepath.Join(tmp, "scans")
	os.MkdirAll(imgs, 0o755)
	jpg, err := os.ReadFile("../../model/folderimport/testdata/folder/1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(imgs, "pier.jpg"), jpg, 0o644)
	os.WriteFile(filepath.Join(imgs, "minutes.pdf"), []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o644)
	os.WriteFile(filepath.Join(imgs, "talk.mp3"), []byte("ID3\x04\x00\x00\x00\x00\x00\x00frames"), 0o644)
	sheet := filepath.Join(tmp, "sheet.csv")
	os.WriteFile(sheet, []byte("objectid,title,filename\np1,The pier,pier.jpg; minutes.pdf\np2,A pilot remembers,talk.mp3\np3,Not yet scanned,\n"), 0o644)
	ex := filepath.Join(tmp, "attached")
	if code, _, errs := runCLI(t, "import", "csv", sheet, "-o", ex, "--images", imgs, "--edition", "2026-12-01", "--publisher", "Town Museum"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	out := filepath.Join(tmp, "out")
	if code, _, errs := runCLI(t, "build", ex, "-o", out); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, errs)
	}
	if idx, err := os.ReadFile(filepath.Join(out, "attached", "index.html")); err != nil || !strings.Contains(string(idx), "Not yet scanned") {
		t.Errorf("index page: %v, lacks the plate without a file", err)
	}
	if code, stdout, errs := runCLI(t, "verify", filepath.Join(out, "bags", "attached.zip")); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, errs)
	}
	zr, err := zip.OpenReader(filepath.Join(out, "bags", "attached.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, n := range []string{"attached/data/files/plate-p1-1.pdf", "attached/data/files/plate-p2-1.mp3"} {
		if !names[n] {
			t.Errorf("bag lacks %s", n)
		}
	}
	er, err := zip.OpenReader(filepath.Join(out, "epub", "attached.epub"))
	if err != nil {
		t.Fatal(err)
	}
	defer er.Close()
	var pages strings.Builder
	for _, f := range er.File {
		if strings.HasSuffix(f.Name, ".xhtml") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			pages.Write(b)
		}
	}
	for _, w := range []string{`>PDF</dt>`, `/iiif/attached/files/`, `>minutes.pdf</a>`, `>Audio</dt>`} {
		if !strings.Contains(pages.String(), w) {
			t.Errorf("EPUB pages lack %q", w)
		}
	}
}

// TestImportCSVDecodesImages: import csv decodes every image as build and
// validate do, in the same run: an image cut right after its headers
// (which passes the header check) is an error at its cell and nothing is
// written; one cut short in its data, which build repairs, is a warning.
func TestImportCSVDecodesImages(t *testing.T) {
	imgs := writeCameraFolder(t, false)
	tmp := t.TempDir()
	sheet := filepath.Join(tmp, "sheet.csv")
	out := filepath.Join(tmp, "ex")
	os.WriteFile(sheet, []byte("number,title,file\n1,Sound,DSC0001.JPG\n2,Cut short,DSC0002.JPG\n3,No pixels,DSC0003.JPG\n"), 0o644)
	code, _, errs := runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs, "--cache-dir", filepath.Join(tmp, "cache"))
	if code != 1 || !strings.Contains(errs, `line 4, column "file": `) || !strings.Contains(errs, "(1 images cannot be decoded)") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if !strings.Contains(errs, `:3: column "file": warning: "DSC0002.JPG" is damaged`) {
		t.Errorf("the repairable image is not a warning at its cell:\n%s", errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("something was written: %v", err)
	}
	os.WriteFile(sheet, []byte("number,title,file\n1,Sound,DSC0001.JPG\n2,Cut short,DSC0002.JPG\n"), 0o644)
	if code, _, errs := runCLI(t, "import", "csv", sheet, "-o", out, "--images", imgs, "--cache-dir", filepath.Join(tmp, "cache")); code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "validate", out, "--cache-dir", filepath.Join(tmp, "cache")); code != 0 {
		t.Fatalf("validate after import: exit %d\n%s", code, errs)
	}
}
