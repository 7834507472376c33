package model

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want, note string
		navDate        string
	}{
		{"in June Juche 39 (1950)", "1950-06", "", "1950-06-01T00:00:00Z"},
		{"in February Juche 40 (1951)", "1951-02", "", "1951-02-01T00:00:00Z"},
		{"in June Juche 41", "1952-06", "the source gives no Gregorian year; Juche 41 = 1952 (Juche + 1911)", "1952-06-01T00:00:00Z"},
		{"on July 27, Juche 42 (1953)", "1953-07-27", "", "1953-07-27T00:00:00Z"},
		{"on July 27, Juche 42", "1953-07-27", "the source gives no Gregorian year; Juche 42 = 1953 (Juche + 1911)", "1953-07-27T00:00:00Z"},
		{"July 27, Juche 112 (2023)", "2023-07-27", "", "2023-07-27T00:00:00Z"},
		{"June 25, 1950-July 27, 1953", "1950-06-25/1953-07-27", "", "1950-06-25T00:00:00Z"},
		{"1951", "1951", "", "1951-01-01T00:00:00Z"},
		{"1951-06", "1951-06", "", "1951-06-01T00:00:00Z"},
		{"1951-06-25", "1951-06-25", "", "1951-06-25T00:00:00Z"},
		{"c. 1950", "1950~", "", ""},
		{"circa 1950", "1950~", "", ""},
		{"1525 - 1535", "1525/1535", "", "1525-01-01T00:00:00Z"},
		{"1525–1535", "1525/1535", "", "1525-01-01T00:00:00Z"},
		{"14th century", "13XX", "", ""},
		{"1st century", "00XX", "", ""},
		{"1950s", "195X", "", ""},
		{"undated", "XXXX", "", ""},
		{"n.d.", "XXXX", "", ""},
		{"June 1950", "1950-06", "", "1950-06-01T00:00:00Z"},
		{"25 June 1950", "1950-06-25", "", "1950-06-25T00:00:00Z"},
		{"Sept. 3, 1951", "1951-09-03", "", "1951-09-03T00:00:00Z"},
		// Forms found in catalogue records and donors' spreadsheets.
		{"1960-65", "1960/1965", "", "1960-01-01T00:00:00Z"},
		{"1953/54", "1953/1954", "", "1953-01-01T00:00:00Z"},
		{"ca. 1960-1965", "1960~/1965~", "", ""},
		{"ca. 1960-65", "1960~/1965~", "", ""},
		{"c1950", "1950~", "", ""},
		{"ca 1950", "1950~", "", ""},
		{"1950?", "1950?", "", ""},
		{"[1950]", "1950", "the brackets mark a date supplied by the cataloguer, not given by the source", "1950-01-01T00:00:00Z"},
		{"[ca. 1950]", "1950~", "the brackets mark a date supplied by the cataloguer, not given by the source", ""},
		{"25.06.1950", "1950-06-25", "", "1950-06-25T00:00:00Z"},
		{"1953년 7월 27일", "1953-07-27", "", "1953-07-27T00:00:00Z"},
		{"1953年7月", "1953-07", "", "1953-07-01T00:00:00Z"},
		{"06/25/1950", "1950-06-25", "", "1950-06-25T00:00:00Z"},
		{"25/06/1950", "1950-06-25", "", "1950-06-25T00:00:00Z"},
		{"7/7/1950", "1950-07-07", "", "1950-07-07T00:00:00Z"},
		{"s.d.", "XXXX", "", ""},
		{"s. d.", "XXXX", "", ""},
		{"sine dato", "XXXX", "", ""},
		{"o.J.", "XXXX", "", ""},
		{"19th c.", "18XX", "", ""},
		{"19th cent.", "18XX", "", ""},
		{"19th-century", "18XX", "", ""},
		// Seasons (EDTF 21-24), open ranges, parts of a decade or century.
		{"Spring 1951", "1951-21", "", "1951-03-01T00:00:00Z"},
		{"summer of 1950", "1950-22", "", "1950-06-01T00:00:00Z"},
		{"Fall, 1950", "1950-23", "", "1950-09-01T00:00:00Z"},
		{"winter 1950", "1950-24", "", "1950-12-01T00:00:00Z"},
		{"before 1900", "../1900", "read as an open range ending in 1900 (EDTF ../1900): the source gives no earliest date", ""},
		{"after June 1945", "1945-06/..", "read as an open range starting in 1945-06 (EDTF 1945-06/..): the source gives no latest date", "1945-06-01T00:00:00Z"},
		{"early 1950s", "1950~/1952~", "read as about 1950-1952, the first third of the decade", ""},
		{"mid-1950s", "1953~/1955~", "read as about 1953-1955, the middle third of the decade", ""},
		{"late 1950s", "1956~/1959~", "read as about 1956-1959, the last third of the decade", ""},
		{"late 19th century", "1866~/1899~", "read as about 1866-1899, the last third of the century", ""},
		{"early 1st century", "0001~/0032~", "read as about 1-32, the first third of the century", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, note, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.in, err)
			}
			if got != tt.want || note != tt.note {
				t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tt.in, got, note, tt.want, tt.note)
			}
			nav, ok := Date{Text: tt.in, Normalized: got}.NavDate()
			if nav != tt.navDate || ok != (tt.navDate != "") {
				t.Errorf("NavDate(%q) = %q, %v; want %q", got, nav, ok, tt.navDate)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{
		"", "whenever", "in June Juche 39 (1951)", // Juche 39 is 1950, not 1951
		"1953-02-30", "1951-13", "1960-55", "1960 - 1950", "[whenever]", "c. whenever", "July 27, 1953-June 25, 1950", "99th century",
		"C. 0000", "0000?", "c. 0000-0001", "[0000]", // year 0 is outside what vitrine writes (found by FuzzImport)
		"05/06/1950", "13/13/1950", "02/30/1950", // ambiguous day and month, no such month, no such day
		"0000-17",                                // year 0 again, as a short range (found by FuzzNormalize in CI)
		strings.Repeat("before ", 3000) + "1900", // each level normalized the rest again: quadratic (FuzzNormalize stalled)
		// ("before c. 1900", "after 1950s" and "early 1950" were refused here
		// until issue 14: they are read now, see TestNormalizeForms.)
		"before 1950-1960", "mid-c. 1950s", "early early 1950s", "spring 0000", "before", "late",
		"in June Juche 39 (1951), printed 1960", // a form that reads the text and refuses it is not cut at the comma
		"June 30, 19500",                        // no year before the comma: the rest is not kept as a note
		"90", "127", "0 BC", "1900s-64 BC", "[[1950]]", "c. c. 1950", "c. early 1950s", "1850 or 1860s",
		"notcirca 1860", "attica 1802", "birthday in 1872", "day in Spring 1849", // words vitrine does not know are not dropped
		"10/7/2008", "0000:00:00 00:00:00", "2014:06:16 25:11:12", "1950-06-25T10:61", "1826-5", "XLe siècle", "siglo IIII",
	} {
		got, note, err := Normalize(in)
		if err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", in, got)
		}
		if got != "" || note != "" {
			t.Errorf("Normalize(%q) failed but still gave %q, %q: half a date must not be kept", in, got, note)
		}
	}
}

func TestParseEDTFInterval(t *testing.T) {
	iv, err := ParseEDTF("13XX")
	if err != nil || iv.Start.Year() != 1300 || iv.End.Year() != 1399 || iv.Precision != PrecisionCentury {
		t.Errorf("13XX = %+v, %v", iv, err)
	}
	iv, err = ParseEDTF("1952-02")
	if err != nil || iv.End.Day() != 29 {
		t.Errorf("1952-02 should end on the 29th (leap year): %+v, %v", iv, err)
	}
	iv, err = ParseEDTF("1950-06-25/1953-07-27")
	if err != nil || !iv.Range || iv.End.Year() != 1953 {
		t.Errorf("range: %+v, %v", iv, err)
	}
	if _, err := ParseEDTF("1953/1950"); err == nil {
		t.Error("backwards range accepted")
	}
	iv, err = ParseEDTF("1950-24")
	if err != nil || iv.Start != day(1950, 12, 1) || iv.End != day(1951, 2, 28) || iv.Precision != PrecisionSeason {
		t.Errorf("winter 1950 should run from December 1950 to February 1951: %+v, %v", iv, err)
	}
	iv, err = ParseEDTF("../1900")
	if err != nil || !iv.OpenStart || iv.OpenEnd || iv.End != day(1900, 12, 31) {
		t.Errorf("../1900 = %+v, %v", iv, err)
	}
	iv, err = ParseEDTF("1945-06/..")
	if err != nil || iv.OpenStart || !iv.OpenEnd || iv.Start != day(1945, 6, 1) {
		t.Errorf("1945-06/.. = %+v, %v", iv, err)
	}
	for _, bad := range []string{"../..", "1950/1951/1952", "1950-25", "1950-21-01", "../1950/..", "../"} {
		if iv, err := ParseEDTF(bad); err == nil {
			t.Errorf("ParseEDTF(%q) = %+v, want an error", bad, iv)
		}
	}
}

func TestFindDate(t *testing.T) {
	tests := []struct{ caption, phrase, norm string }{
		{"Kim Il Sung makes a radio address, titled, Go All Out for Victory in the War, to all the Korean people in June Juche 39 (1950).", "in June Juche 39 (1950)", "1950-06"},
		{"Kim Il Sung gives instructions on intensifying combat training in June Juche 41", "in June Juche 41", "1952-06"},
		{"Armistice Agreement signing ceremony held at Panmunjom on July 27, Juche 42", "on July 27, Juche 42", "1953-07-27"},
		{"Kim Il Sung gives on-site guidance at the place of digging a tunnel in October Juche 40 (1951).", "in October Juche 40 (1951)", "1951-10"},
	}
	for _, tt := range tests {
		phrase, d, ok := FindDate(tt.caption)
		if !ok || phrase != tt.phrase || d.Normalized != tt.norm || d.Text != tt.phrase {
			t.Errorf("FindDate(%q) = %q, %+v, %v; want %q %q", tt.caption, phrase, d, ok, tt.phrase, tt.norm)
		}
	}
	if _, _, ok := FindDate("KPA pilots make a sortie."); ok {
		t.Error("found a date in a caption without one")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"in June Juche 39 (1950)", "June 25, 1950-July 27, 1953", "c. 1950", "14th century", "1950s", "1525 - 1535", "undated", "1951-06-31", "06/25/1950", "19th c.", "s.d.",
		"?c.1786-9, printed 1870", "1864 or 1866", "c64 BCE", "late 17th-19th centuries", "2014:06:16 10:11:12", "before approx January 1928", "XIXe siècle", "Ende des 19. Jh.", "1950년경", "day in January 1872", "1800s-1850s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		edtf, note, err := Normalize(s)
		if err != nil {
			if edtf != "" || note != "" {
				t.Fatalf("Normalize(%q) failed (%v) but gave %q, %q", s, err, edtf, note)
			}
			return
		}
		// Whatever Normalize writes, ParseEDTF must read.
		if _, err := ParseEDTF(edtf); err != nil && !errors.Is(err, ErrNoYear) {
			t.Fatalf("Normalize(%q) = %q, which ParseEDTF refuses: %v", s, edtf, err)
		}
		FindDate(s)
	})
}
