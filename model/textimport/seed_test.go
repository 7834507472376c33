package textimport

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

const seedFile = "testdata/000_ce2d1c9345427dbd.txt"

func importSeed(t *testing.T) (*model.Exhibition, []importer.Notice) {
	t.Helper()
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	ex, notes, err := Import(data, Options{SourceFile: filepath.Base(seedFile), Slug: "victory-70", Title: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return ex, notes
}

// TestSeedReproducesSample imports the seed and compares the introduction,
// every caption and every date with samples/victory-70, which is this
// importer's output plus what a curator added by hand.
func TestSeedReproducesSample(t *testing.T) {
	ex, _ := importSeed(t)
	sample, err := model.Load("../../samples/victory-70")
	if err != nil {
		t.Fatal(err)
	}
	if ex.ID != sample.ID {
		t.Errorf("id: import %s, sample %s", ex.ID, sample.ID)
	}
	got, want := ex.Introduction["en"], sample.Introduction["en"]
	if len(got) != 8 || len(want) != 8 {
		t.Fatalf("introduction: import has %d paragraphs, sample %d; want 8", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("introduction[%d]:\n import %q\n sample %q", i, got[i], want[i])
		}
	}
	if len(ex.Plates) != 46 || len(sample.Plates) != 46 {
		t.Fatalf("plates: import %d, sample %d; want 46", len(ex.Plates), len(sample.Plates))
	}
	for i, p := range ex.Plates {
		s := sample.Plates[i]
		if p.Number != s.Number {
			t.Errorf("plate %d: number import %q, sample %q", i, p.Number, s.Number)
		}
		if p.Caption["en"] != s.Caption["en"] {
			t.Errorf("plate %s caption:\n import %q\n sample %q", p.Number, p.Caption["en"], s.Caption["en"])
		}
		if p.Date != s.Date {
			t.Errorf("plate %s date: import %+v, sample %+v", p.Number, p.Date, s.Date)
		}
		// The importer's notes come first, unchanged; the curator's follow.
		if len(s.Notes) < len(p.Notes) {
			t.Errorf("plate %s: sample lacks the importer's notes %q", p.Number, p.Notes)
			continue
		}
		for j := range p.Notes {
			if p.Notes[j] != s.Notes[j] {
				t.Errorf("plate %s note %d:\n import %q\n sample %q", p.Number, j, p.Notes[j], s.Notes[j])
			}
		}
	}
	if sample.Source == nil || sample.Source.File != ex.Source.File {
		t.Errorf("sample source.file should be %q", ex.Source.File)
	}
}

// TestSeedFacts pins what the seed is known to hold.
func TestSeedFacts(t *testing.T) {
	ex, notes := importSeed(t)
	data, _ := os.ReadFile(seedFile)
	// Every word of the source is kept, except the dropped navigation link.
	var kept []string
	kept = append(kept, ex.Introduction["en"]...)
	for _, p := range ex.Plates {
		kept = append(kept, p.Number+". "+p.Caption["en"])
	}
	src := strings.Fields(strings.Replace(string(data), "<< Previous Exhibition", "", 1))
	if out := strings.Fields(strings.Join(kept, " ")); strings.Join(out, " ") != strings.Join(src, " ") {
		t.Errorf("the words kept differ from the source's words")
	}
	cut := map[string]bool{}
	for _, n := range notes {
		if n.Kind == importer.CutShort {
			cut[strings.Fields(n.Msg)[1]] = true
		}
	}
	want := []string{"13:", "14:", "17:", "26:", "45:", "46:"}
	for _, w := range want {
		if !cut[w] {
			t.Errorf("caption %s not reported as cut short; got %v", w, cut)
		}
	}
	if len(cut) != len(want) {
		t.Errorf("cut short: got %v, want %v", cut, want)
	}
	dates := map[string]string{"1": "", "2": "1950-06", "12": "1952-05", "13": "1952-06", "20": "1953-08", "28": "", "45": "1953-07-27", "46": ""}
	for num, norm := range dates {
		if got := ex.PlateByNumber(num).Date.Normalized; got != norm {
			t.Errorf("plate %s date %q, want %q", num, got, norm)
		}
	}
	if n := ex.PlateByNumber("13").Date.Note; !strings.Contains(n, "1952") {
		t.Errorf("plate 13 date note %q should explain the computed year", n)
	}
	var dropped []importer.Notice
	for _, n := range notes {
		if n.Kind == importer.Dropped {
			dropped = append(dropped, n)
		}
	}
	if len(dropped) != 1 || dropped[0].Line != 145 || !strings.Contains(dropped[0].Msg, "<< Previous Exhibition") {
		t.Errorf("dropped: %v", dropped)
	}
}

// TestReimportSameBytes checks that two imports give the same bytes and
// that the bytes read back to the same exhibition.
func TestReimportSameBytes(t *testing.T) {
	a, _ := importSeed(t)
	b, _ := importSeed(t)
	ba, err := model.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	bb, _ := model.Marshal(b)
	if !bytes.Equal(ba, bb) {
		t.Fatal("two imports of the seed differ")
	}
	back, err := model.Parse("exhibition.yaml", ba)
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := model.Marshal(back)
	if !bytes.Equal(ba, bc) {
		t.Fatalf("Marshal(Parse(Marshal(x))) differs from Marshal(x):\n%s", bc)
	}
	if back.Plates[0].ID != model.PlateID(a.ID, "1").String() {
		t.Errorf("plate id %s not derived from exhibition id", back.Plates[0].ID)
	}
}
