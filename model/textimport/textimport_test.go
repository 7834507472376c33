package textimport

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

type wantPlate struct {
	number, caption, date, dateText string
	cut                             bool
}

func TestImportTable(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opt     Options
		title   string
		intro   []string
		plates  []wantPlate
		notices []string // "line:kind" that must be reported
		notes   int      // exhibition notes (lines not understood)
	}{
		{
			name: "BOM, CRLF, wrapped without blank lines",
			in: "\ufeffPhotographs of the harbour\r\n\r\nA first paragraph that wraps\r\nover two lines.\r\n\r\nSecond paragraph.\r\n\r\n" +
				"1. The harbour at dawn, c. 1950.\r\n2. Fishermen mend\r\nnets on the quay in June 1951.\r\n3. The lighthouse, 1890-1910.\r\n",
			title: "Photographs of the harbour",
			intro: []string{"A first paragraph that wraps over two lines.", "Second paragraph."},
			plates: []wantPlate{
				{number: "1", caption: "The harbour at dawn, c. 1950.", date: "1950~", dateText: "c. 1950"},
				{number: "2", caption: "Fishermen mend nets on the quay in June 1951.", date: "1951-06", dateText: "in June 1951"},
				{number: "3", caption: "The lighthouse, 1890-1910.", date: "1890/1910", dateText: "1890-1910"},
			},
			notices: []string{"1:guess"},
		},
		{
			name: "gaps, repeats, sub-numbers, century",
			in:   "Intro.\n\n1. A church, 19th century.\n\n2. A bridge.\n\n2. Another bridge.\n\n2a. Its detail.\n\n5. A mill in the 1920s.\n",
			opt:  Options{Title: "T"},
			plates: []wantPlate{
				{number: "1", caption: "A church, 19th century.", date: "18XX", dateText: "19th century"},
				{number: "2", caption: "A bridge."},
				{number: "2-2", caption: "Another bridge."},
				{number: "2a", caption: "Its detail."},
				{number: "5", caption: "A mill in the 1920s.", date: "192X", dateText: "1920s"},
			},
			notices: []string{"7:numbering", "11:numbering"},
		},
		{
			name: "cut short: article, parenthesis, lost line; navigation dropped",
			in:   "Intro.\n\n1. Workers on the site of the\n\n2. A dam (seen from\n\n3. Children at school\n\n\n4. The end of it all\n\n5. A quiet street.\n\nBack to top\nNext Exhibition >>\n",
			opt:  Options{Title: "T"},
			plates: []wantPlate{
				{number: "1", caption: "Workers on the site of the", cut: true},
				{number: "2", caption: "A dam (seen from", cut: true},
				{number: "3", caption: "Children at school", cut: true},
				{number: "4", caption: "The end of it all"},
				{number: "5", caption: "A quiet street."},
			},
			notices: []string{"3:cut short", "5:cut short", "7:cut short", "10:no final punctuation", "14:dropped", "15:dropped"},
		},
		{
			name: "lines not understood are kept as notes",
			in:   "Intro.\n\n1. A street.\n\n\n\nPhoto archive, room 3\n\n2. A square.\n\n* * *\n\n3. A park.\n",
			opt:  Options{Title: "T"},
			plates: []wantPlate{
				{number: "1", caption: "A street."},
				{number: "2", caption: "A square."},
				{number: "3", caption: "A park."},
			},
			notices: []string{"7:not understood", "11:not understood"},
			notes:   2,
		},
		{
			name: "Korean",
			in:   "사진 전시회\n\n1. 평양의 거리, 1953년.\n\n2. 대동강\n다리.\n",
			opt:  Options{Lang: "ko", Title: "전시"},
			plates: []wantPlate{
				{number: "1", caption: "평양의 거리, 1953년."},
				{number: "2", caption: "대동강 다리."},
			},
		},
		{
			name: "Arabic",
			in:   "معرض الصور\n\n1. شارع في القاهرة.\n\n2. سوق\nقديم.\n",
			opt:  Options{Lang: "ar", Title: "معرض"},
			plates: []wantPlate{
				{number: "1", caption: "شارع في القاهرة."},
				{number: "2", caption: "سوق قديم."},
			},
		},
		{
			name: "Juche dates",
			in:   "Intro.\n\n1. A meeting in June Juche 39 (1950).\n\n2. A ceremony on July 27, Juche 42.\n",
			opt:  Options{Title: "T"},
			plates: []wantPlate{
				{number: "1", caption: "A meeting in June Juche 39 (1950).", date: "1950-06", dateText: "in June Juche 39 (1950)"},
				{number: "2", caption: "A ceremony on July 27, Juche 42.", date: "1953-07-27", dateText: "on July 27, Juche 42"},
			},
			notices: []string{"5:guess"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, notes, err := Import([]byte(tt.in), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tt.title != "" && ex.Title.Get("") != tt.title {
				t.Errorf("title %q, want %q", ex.Title.Get(""), tt.title)
			}
			if tt.intro != nil && strings.Join(ex.Introduction.Get(""), "|") != strings.Join(tt.intro, "|") {
				t.Errorf("introduction %q, want %q", ex.Introduction.Get(""), tt.intro)
			}
			if len(ex.Plates) != len(tt.plates) {
				t.Fatalf("%d plates, want %d", len(ex.Plates), len(tt.plates))
			}
			for i, w := range tt.plates {
				p := ex.Plates[i]
				if p.Number != w.number || p.Caption.Get("") != w.caption {
					t.Errorf("plate %d: %q %q, want %q %q", i, p.Number, p.Caption.Get(""), w.number, w.caption)
				}
				if p.Date.Normalized != w.date || p.Date.Text != w.dateText {
					t.Errorf("plate %s date %+v, want %q from %q", p.Number, p.Date, w.date, w.dateText)
				}
				if cut := len(p.Notes) > 0; cut != w.cut {
					t.Errorf("plate %s notes %q, cut short: want %v", p.Number, p.Notes, w.cut)
				}
			}
			have := map[string]bool{}
			for _, n := range notes {
				have[strconv.Itoa(n.Line)+":"+string(n.Kind)] = true
			}
			for _, w := range tt.notices {
				if !have[w] {
					t.Errorf("notice %s missing; got %v", w, notes)
				}
			}
			if len(ex.Notes) != tt.notes {
				t.Errorf("exhibition notes %q, want %d", ex.Notes, tt.notes)
			}
			checkValid(t, ex)
		})
	}
}

// checkValid writes ex to a temporary folder, loads it back and validates
// it: no errors, and no warnings other than plates without images.
func checkValid(t *testing.T, ex *model.Exhibition) {
	t.Helper()
	dir := t.TempDir()
	if _, err := model.WriteExhibition(dir, ex, false); err != nil {
		t.Fatal(err)
	}
	back, err := model.Load(dir)
	if err != nil {
		t.Fatalf("written file does not load: %v", err)
	}
	ps, _ := model.Validate(back, model.ValidateOptions{})
	for _, p := range ps {
		if p.Severity == model.Error || !strings.Contains(p.Msg, "has no image") {
			t.Errorf("validate: %v", p)
		}
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		is   error
		msg  string
	}{
		{"no captions", []byte("Just a paragraph.\n\nAnother.\n"), ErrNoCaptions, "1. caption"},
		{"latin-1", []byte("Intro.\n\n1. Caf\xe9 on the corner.\n"), importer.ErrEncoding, "line 3"},
		{"utf-16", []byte("\xff\xfe1\x00.\x00 \x00A\x00"), importer.ErrEncoding, "UTF-16"},
		{"empty", []byte(""), ErrNoCaptions, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Import(tt.in, Options{Title: "T"})
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.is, tt.msg)
			}
		})
	}
}

func TestWriteRefusesOverwrite(t *testing.T) {
	ex, _, err := Import([]byte("1. A.\n"), Options{Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := model.WriteExhibition(dir, ex, false); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	ex.Title = model.Text{"en": "Other"}
	if _, err := model.WriteExhibition(dir, ex, false); !errors.Is(err, model.ErrExists) {
		t.Fatalf("second write without force: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "exhibition.yaml"))
	if string(before) != string(after) {
		t.Fatal("the file changed")
	}
	if _, err := model.WriteExhibition(dir, ex, true); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}
