package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// TestCheckRelPathControl: a NUL or other control character in an image
// path is refused as unsafe before any file is opened.
func TestCheckRelPathControl(t *testing.T) {
	for _, p := range []string{"a\x00b.jpg", "a\nb.jpg", "a\x1b[31m.jpg", "a\u0085.jpg"} {
		if err := CheckRelPath(p); !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), "control character") {
			t.Errorf("CheckRelPath(%q) = %v", p, err)
		}
	}
	if err := CheckRelPath("dir/é ü.jpg"); err != nil {
		t.Errorf("a plain name was refused: %v", err)
	}
}
