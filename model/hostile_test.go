package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEscapedControlCharacters: a control character written as an escape
// in a double-quoted string is reported at the value's position, like a raw
// one, and every such value is reported in the same run.
func TestEscapedControlCharacters(t *testing.T) {
	dir := t.TempDir()
	src := "slug: x\nlanguages: [en]\ntitle: \"bell\\athere\"\nrights: http://creativecommons.org/licenses/by/4.0/\nplates:\n  - number: \"1\"\n    caption: {en: \"nul \\0 here\"}\n    images: [{path: a.jpg}]\n  - number: \"2\"\n    caption: \"tab\\tand\\nnewline are fine\"\n    images: [{path: a.jpg}]\n"
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(src), 0o644)
	_, err := Load(dir)
	var ps *Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load: %v, want problems", err)
	}
	var got []string
	for _, p := range *ps {
		got = append(got, p.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"exhibition.yaml:3:8: error: control character U+0007 in this value (character 5)", "exhibition.yaml:7:19: error: control character U+0000 in this value (character 5)"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	if len(got) != 2 {
		t.Errorf("want 2 problems, got:\n%s", all)
	}
}

// TestOpenImageControl: a NUL or other control character in an image
// path is refused as unsafe, even when such a file exists.
func TestOpenImageControl(t *testing.T) {
	dir := t.TempDir()
	e := &Exhibition{Dir: dir}
	for _, p := range []string{"a\x00b.jpg", "a\nb.jpg", "a\x1b[31m.jpg", "a\u0085.jpg"} {
		if p[1] != 0 {
			os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644)
		}
		if f, err := e.OpenImage(p); !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), "control character") {
			if f != nil {
				f.Close()
			}
			t.Errorf("OpenImage(%q) = %v", p, err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "dir"), 0o755)
	os.WriteFile(filepath.Join(dir, "dir", "é ü.jpg"), []byte("x"), 0o644)
	f, err := e.OpenImage("dir/é ü.jpg")
	if err != nil {
		t.Errorf("a plain name was refused: %v", err)
	} else {
		f.Close()
	}
}

// FuzzParseEDTF: the EDTF reader never panics, never returns an interval
// that ends before it starts, and a date it reads as exact gives a navDate
// that parses back. The corpus in testdata/fuzz/FuzzParseEDTF runs in every
// `go test`.
func FuzzParseEDTF(f *testing.F) {
	for _, s := range []string{"1950", "1950-06", "1950-06-25", "1950~", "1950?", "1950/1953", "19XX", "195X", "1951-02-29", "1953/1950", "1950-06/", "/", "~", "00XX", "0000", "9999-12-31/9999-12-31~",
		"[1863,1864]", "-0063~", "-01XX", "1872-XX", "1872-01-XX", "XXXX-01-12", "1666~/18XX", "186X%", "[1950-06,1950-07]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseEDTF(s)
		if err != nil {
			return
		}
		if iv.End.Before(iv.Start) {
			t.Fatalf("ParseEDTF(%q) ends (%v) before it starts (%v)", s, iv.End, iv.Start)
		}
		if nav, ok := (Date{Normalized: s}).NavDate(); ok {
			if _, err := time.Parse(time.RFC3339, nav); err != nil {
				t.Fatalf("NavDate of %q = %q, not RFC 3339: %v", s, nav, err)
			}
		}
	})
}

// TestOpenImageRefusesSpecialFiles: a named pipe among the images is
// refused at once instead of blocking the open or the read for ever.
func TestOpenImageRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, "pipe.jpg")); err != nil {
		t.Skip("no named pipes here:", err)
	}
	e := &Exhibition{Dir: dir}
	done := make(chan error, 1)
	go func() {
		f, err := e.OpenImage("pipe.jpg")
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("OpenImage(pipe) = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OpenImage blocked on a named pipe")
	}
}
