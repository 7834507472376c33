package importer

import (
	"errors"
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
