package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestNaturalLess(t *testing.T) {
	names := []string{"10.jpg", "b.jpg", "2.jpg", "A.jpg", "1.jpg", "plate 10.tif", "plate 9.tif", "01.jpg"}
	sort.Slice(names, func(i, j int) bool { return NaturalLess(names[i], names[j]) })
	want := "1.jpg 01.jpg 2.jpg 10.jpg A.jpg b.jpg plate 9.tif plate 10.tif"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Victory-70":                "victory-70",
		"  Café  de  Flore — 1950 ": "cafe-de-flore-1950",
		"서울":                        "",
		"my_scans (2023)":           "my-scans-2023",
		"Ünïcödé":                   "unicode",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckText(t *testing.T) {
	if b, err := CheckText([]byte("\xef\xbb\xbfabc")); err != nil || string(b) != "abc" {
		t.Errorf("BOM: %q %v", b, err)
	}
	for in, want := range map[string]string{
		"\xff\xfea\x00":         "UTF-16",
		"\xfe\xff\x00a":         "UTF-16",
		"a\x00b\x00c\x00":       "UTF-16",
		"ok\nCaf\xe9":           "line 2",
		"\xff\xfe\x00\x00a\x00": "UTF-32",
	} {
		_, err := CheckText([]byte(in))
		if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckText(%q) = %v, want %q", in, err, want)
		}
	}
}

// TestCheckTextControl: a control character other than tab and line ends is
// refused with its line and column (model.Load would refuse it later).
func TestCheckTextControl(t *testing.T) {
	for in, want := range map[string]string{
		"a\nb\x01c":      "line 2, column 2 holds U+0001",
		"ok\tok\r\n\x1b": "line 2, column 1 holds U+001B",
		"é\u0085":        "line 1, column 2 holds U+0085",
		"x\x7f":          "line 1, column 2 holds U+007F",
	} {
		_, err := CheckText([]byte(in))
		if !errors.Is(err, ErrControl) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckText(%q) = %v, want %q", in, err, want)
		}
	}
	if _, err := CheckText([]byte("tab\there\r\nnext line\n")); err != nil {
		t.Errorf("tabs and line ends refused: %v", err)
	}
}

// TestCopyFilesCancelled: Ctrl-C during an import stops the copying and
// leaves none of the copies made.
func TestCopyFilesCancelled(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	var copies []Copy
	for _, n := range []string{"a.jpg", "b.jpg"} {
		os.WriteFile(filepath.Join(src, n), []byte(n), 0o644)
		copies = append(copies, Copy{Src: filepath.Join(src, n), Dst: "images/" + n})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CopyFiles(ctx, dst, copies, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled copy: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dst, "images", "*")); len(left) != 0 {
		t.Errorf("a cancelled import left %v", left)
	}
	created, err := CopyFiles(context.Background(), dst, copies, false)
	if err != nil || len(created) != 2 {
		t.Fatalf("copy: %v %v", created, err)
	}
}
