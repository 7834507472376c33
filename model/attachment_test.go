package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachments: a plate's PDF, audio and video files load, write back
// and validate; a missing file, an unknown kind, an empty file, a PDF that
// is not one and a path out of the folder are errors at their line.
func TestAttachments(t *testing.T) {
	const doc = base + `  - number: "3"
    caption: A pamphlet and an oral history
    attachments:
      - path: files/pamphlet.pdf
        label: The pamphlet
      - path: files/interview.mp3
`
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		edit  func(string) string
		want  string // "" for no error
	}{
		{name: "present", want: ""},
		{name: "missing", setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "files/interview.mp3")) },
			want: `audio file "files/interview.mp3" not found`},
		{name: "unknown kind", edit: func(s string) string { return strings.Replace(s, "interview.mp3", "interview.docx", 1) },
			want: `"files/interview.docx" is not a PDF, audio or video file name`},
		{name: "empty", setup: func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, "files/interview.mp3"), nil, 0o644) },
			want: "is empty (0 bytes)"},
		{name: "not a pdf", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "files/pamphlet.pdf"), []byte("<html>not found</html>"), 0o644)
		}, want: "is not a PDF file"},
		{name: "outside", edit: func(s string) string { return strings.Replace(s, "files/pamphlet.pdf", "../pamphlet.pdf", 1) },
			want: "unsafe path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := doc
			if tc.edit != nil {
				y = tc.edit(y)
			}
			dir := fixture(t, y)
			os.MkdirAll(filepath.Join(dir, "files"), 0o755)
			os.WriteFile(filepath.Join(dir, "files/pamphlet.pdf"), []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "files/interview.mp3"), []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), 0o644)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			ex, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			ps, _ := Validate(ex, ValidateOptions{})
			errs := ps.Errors()
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors:\n%v", errs.Error())
				}
				if ex.Plates[2].Attachments[0].Label.Get("en") != "The pamphlet" {
					t.Errorf("label not loaded: %+v", ex.Plates[2].Attachments)
				}
				for _, w := range ps.Warnings() {
					if w.Path == "plates[2].images" {
						t.Errorf("a plate with attachments was warned about as empty: %v", w)
					}
				}
				out, err := Marshal(ex)
				if err != nil {
					t.Fatal(err)
				}
				back, err := Parse(filepath.Join(dir, "exhibition.yaml"), out)
				if err != nil {
					t.Fatal(err)
				}
				if len(back.Plates[2].Attachments) != 2 || back.Plates[2].Attachments[1].Path != "files/interview.mp3" {
					t.Errorf("attachments do not write back: %+v\n%s", back.Plates[2].Attachments, out)
				}
				return
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Fatalf("want one error with %q, got:\n%v", tc.want, errs.Error())
			}
			if !strings.HasPrefix(errs[0].Path, "plates[2].attachments[") || errs[0].Pos.Line < 23 {
				t.Errorf("error not placed at the attachment: %s at %v", errs[0].Path, errs[0].Pos)
			}
		})
	}
}
