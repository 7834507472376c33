package model

import (
	"errors"
	"strings"
	"testing"
)

// normalizeForms is the table of the date forms vitrine reads, as the
// README lists them: every form and every statement of dateforms.go is read
// by at least one text here (TestNormalizeForms checks it). note is a part
// of the note the reading must give ("" when not checked; TestNormalize
// checks the notes of the first forms exactly).
var normalizeForms = []struct{ in, want, note string }{
	// Years, months, days.
	{"1951", "1951", ""},
	{"1951-06-25", "1951-06-25", ""},
	{"1912-09-08", "1912-09-08", ""},
	{"June 25, 1950", "1950-06-25", ""},
	{"25 June 1950", "1950-06-25", ""},
	{"June 1950", "1950-06", ""},
	{"25.06.1950", "1950-06-25", ""},
	{"06/25/1950", "1950-06-25", ""},
	{"7/2008", "2008-07", ""},
	{"06.1950", "1950-06", ""},
	{"1953년 7월 27일", "1953-07-27", ""},
	{"January 12", "XXXX-01-12", "no year"},
	{"12 January", "XXXX-01-12", "no year"},
	{"January", "XXXX-01", "no year"},
	{"the year 1897", "1897", ""},
	{"in 1950", "1950", ""},
	// Dates with a time: EXIF and ISO 8601.
	{"2014:06:16 10:11:12", "2014-06-16", "the time of day, 10:11:12, is kept in the text"},
	{"2014:06:16", "2014-06-16", ""},
	{"2014-06-16T10:11:12", "2014-06-16", "10:11:12"},
	{"2014-06-16T10:11:12.5+02:00", "2014-06-16", "10:11:12.5+02:00"},
	{"2014-06-16 10:11", "2014-06-16", "10:11"},
	// Approximate, uncertain, both.
	{"c. 1950", "1950~", ""},
	{"c1860", "1860~", ""},
	{"ca.1860", "1860~", ""},
	{"Around 1628", "1628~", ""},
	{"1860 approx.", "1860~", ""},
	{"1860 ca.", "1860~", ""},
	{"~ Feb 1812", "1812-02~", ""},
	{"about Spring 1849", "1849-21~", ""},
	{"1950?", "1950?", ""},
	{"1862 (uncertain)", "1862?", ""},
	{"maybe 1862", "1862?", ""},
	{"uncertain: Jan 18 1862", "1862-01-18?", ""},
	{"?c.1785", "1785%", ""},
	{"c.1785?", "1785%", ""},
	// Seasons.
	{"Spring 1951", "1951-21", ""},
	{"Fall, 1950", "1950-23", ""},
	// Decades and centuries; the 1800s.
	{"1950s", "195X", ""},
	{"the 1950's", "195X", ""},
	{"c. 1890s", "189X~", ""},
	{"ca. 1860s?", "186X%", ""},
	{"1800s", "18XX", "the 1800s read as the century 1800-1899, as English usage has it"},
	{"c. 1900s", "190X~", "the 1900s read as the decade 1900-1909, as an approximate date usually is"},
	{"14th century", "13XX", ""},
	{"19th c.", "18XX", ""},
	{"19c", "18XX", ""},
	{"15c.", "14XX", ""},
	{"ca. 19c", "18XX~", ""},
	{"c.19c?", "18XX%", ""},
	// Parts of a year, a decade, a century.
	{"early 1950s", "1950~/1952~", "the first third of the decade"},
	{"mid-1950s", "1953~/1955~", "the middle third of the decade"},
	{"late 19th century", "1866~/1899~", "the last third of the century"},
	{"early 1950", "1950-01~/1950-04~", "about January-April 1950, the first third of the year"},
	{"1915 late", "1915-09~/1915-12~", "about September-December 1915"},
	// Eras: astronomical numbering (1 BC = 0000, 64 BC = -0063).
	{"127 CE", "0127", ""},
	{"1 AD", "0001", ""},
	{"AD 1066", "1066", ""},
	{"c64 BCE", "-0063~", ""},
	{"1 BC", "0000", ""},
	{"2nd century BCE", "-01XX", ""},
	{"2nd century ad", "01XX", ""},
	{"64-60 BC", "-0063/-0059", ""},
	{"5th-4th century BC", "-04XX/-03XX", ""},
	// Ranges.
	{"1525 - 1535", "1525/1535", ""},
	{"1826-7", "1826/1827", ""},
	{"1628-58", "1628/1658", ""},
	{"1953/54", "1953/1954", ""},
	{"c.1786-9", "1786~/1789~", ""},
	{"?1824-7", "1824?/1827?", ""},
	{"Around 1628 - 1658", "1628~/1658~", ""},
	{"1856-ca. 1865", "1856/1865~", ""},
	{"1868-1871?", "1868/1871?", ""},
	{"1860s-1870s", "186X/187X", ""},
	{"1800s-1850s", "180X/185X", "the 1800s read as the decade 1800-1809, as the other end of the range is a decade"},
	{"17-19th Centuries", "16XX/18XX", ""},
	{"1920s -early 1930s", "192X/193X", "the end of the range, about 1930-1932, is written 193X"},
	{"1950-06/1951", "1950-06/1951", ""},
	{"June 25, 1950-July 27, 1953", "1950-06-25/1953-07-27", ""},
	{"1850 to 1860", "1850/1860", ""},
	{"between 1850 and 1860", "1850/1860", ""},
	{"from 1850 to 1860", "1850/1860", ""},
	// Open ranges.
	{"before 1900", "../1900", "the source gives no earliest date"},
	{"earlier than 1928", "../1928", ""},
	{"before approx January 1928", "../1928-01~", ""},
	{"before c. 1900", "../1900~", ""},
	{"before the 1900s", "../19XX", ""},
	{"before 19th century", "../18XX", ""},
	{"after June 1945", "1945-06/..", "the source gives no latest date"},
	{"later than 1928", "1928/..", ""},
	{"after 1950s", "195X/..", ""},
	{"not before 1900", "1900/..", ""},
	{"1900 or later", "1900/..", ""},
	{"c. 1950, or later", "1950~/..", ""},
	{"1900 or earlier", "../1900", ""},
	// One of two: an EDTF set.
	{"1864 or 1866", "[1864,1866]", ""},
	{"1866 or 1864", "[1864,1866]", ""},
	{"June 1950 or July 1950", "[1950-06,1950-07]", ""},
	// A date and more text: the rest is kept in the note.
	{"1863, printed 1870", "1863", `the date is read from "1863"; the rest, "printed 1870", is kept as written`},
	{"1826-7, reprinted 1892", "1826/1827", `"reprinted 1892"`},
	{"1900-1903, cast before 1929", "1900/1903", `"cast before 1929"`},
	{"1851-1852; printed 1853-1854", "1851/1852", `"printed 1853-1854"`},
	{"1861-67 (later print)", "1861/1867", `"later print"`},
	{"June 25, 1950, printed 1960", "1950-06-25", `"printed 1960"`},
	{"1915, from Camerawork, October 1916", "1915", `"from Camerawork, October 1916"`},
	{"?1824-7, ?c.1800-10", "1824?/1827?", `"?c.1800-10"`},
	// Labels.
	{"active 1910-30", "1910/1930", `"active": the years the maker was active`},
	{"active late 17th-19th centuries", "16XX/18XX", "the start of the range, about 1666-1699, is written 16XX"},
	{"fl. 1850-60", "1850/1860", "floruit"},
	{"year in the 1860s", "186X", ""},
	{"month in 1872", "1872-XX", ""},
	{"day in January 1872", "1872-01-XX", ""},
	{"day in 1872", "1872-XX-XX", ""},
	// Undated, supplied by the cataloguer.
	{"undated", "XXXX", ""},
	{"n.d.", "XXXX", ""},
	{"[1950]", "1950", "supplied by the cataloguer"},
	{"[ca. 1950-1955]", "1950~/1955~", "supplied by the cataloguer"},
	// French.
	{"vers 1850", "1850~", ""},
	{"env. 1850", "1850~", ""},
	{"avant 1900", "../1900", ""},
	{"après 1900", "1900/..", ""},
	{"XIXe siècle", "18XX", ""},
	{"19e siècle", "18XX", ""},
	{"fin du XIXe siècle", "1866~/1899~", ""},
	{"début du XXe siècle", "1900~/1932~", ""},
	{"années 1950", "195X", ""},
	{"1er juin 1950", "1950-06-01", ""},
	{"printemps 1950", "1950-21", ""},
	{"1850 ou 1852", "[1850,1852]", ""},
	{"sans date", "XXXX", ""},
	// German.
	{"um 1850", "1850~", ""},
	{"ca. 1850", "1850~", ""},
	{"vor 1900", "../1900", ""},
	{"nach 1900", "1900/..", ""},
	{"19. Jh.", "18XX", ""},
	{"19. Jahrhundert", "18XX", ""},
	{"Ende des 19. Jh.", "1866~/1899~", ""},
	{"Anfang des 19. Jahrhunderts", "1800~/1832~", ""},
	{"1950er Jahre", "195X", ""},
	{"5. Juni 1950", "1950-06-05", ""},
	{"1850 bis 1860", "1850/1860", ""},
	{"1850 oder 1852", "[1850,1852]", ""},
	{"o.J.", "XXXX", ""},
	// Spanish.
	{"hacia 1850", "1850~", ""},
	{"h. 1850", "1850~", ""},
	{"antes de 1900", "../1900", ""},
	{"después de 1900", "1900/..", ""},
	{"siglo XIX", "18XX", ""},
	{"s. XIX", "18XX", ""},
	{"finales del siglo XIX", "1866~/1899~", ""},
	{"década de 1950", "195X", ""},
	{"5 de junio de 1950", "1950-06-05", ""},
	{"1850 o 1852", "[1850,1852]", ""},
	{"de 1850 a 1860", "1850/1860", ""},
	{"s.f.", "XXXX", ""},
	// Korean.
	{"1950년경", "1950~", ""},
	{"1950년 전후", "1950~", ""},
	{"약 1950년", "1950~", ""},
	{"1950년대", "195X", ""},
	{"1900년대", "19XX", "the century 1900-1999"},
	{"19세기", "18XX", ""},
	{"19세기 말", "1866~/1899~", ""},
	{"19세기말", "1866~/1899~", "the last third of the century"},
	{"1950년대 초", "1950~/1952~", ""},
	{"1950년 이전", "../1950", ""},
	{"1950년 이후", "1950/..", ""},
	// The Juche calendar of the sample exhibition.
	{"in June Juche 41", "1952-06", "Juche 41 = 1952"},
	// The other examples of the README's table.
	{"1953年7月", "1953-07", ""},
	{"25/06/1950", "1950-06-25", ""},
	{"2014-06-16T10:11:12Z", "2014-06-16", "10:11:12Z"},
	{"c1950", "1950~", ""},
	{"uncertain: 1862", "1862?", ""},
	{"1862 guess", "1862?", ""},
	{"summer of 1950", "1950-22", ""},
	{"the 1900s", "19XX", "the century 1900-1999"},
	{"2nd century BC", "-01XX", ""},
	{"1960-65", "1960/1965", ""},
	{"17th-19th centuries", "16XX/18XX", ""},
	{"1920s-early 1930s", "192X/193X", "about 1930-1932"},
	{"1857-mid 1860s", "1857/186X", "about 1863-1865"},
	{"earlier than 1900", "../1900", ""},
	{"the year 1800", "1800", ""},
	{"s.d.", "XXXX", ""},
	{"sine dato", "XXXX", ""},
	{"[ca. 1950]", "1950~", "supplied by the cataloguer"},
	{"July 27, Juche 42 (1953)", "1953-07-27", ""},
}

// TestNormalizeForms runs the table of forms: each text gives its EDTF and
// note, and every form and statement of the tables is used.
func TestNormalizeForms(t *testing.T) {
	used := map[string]bool{}
	traceForm = func(name string) { used[name] = true }
	defer func() { traceForm = nil }()
	for _, tt := range normalizeForms {
		got, note, err := Normalize(tt.in)
		if err != nil {
			t.Errorf("Normalize(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !strings.Contains(note, tt.note) {
			t.Errorf("Normalize(%q) note = %q, want %q", tt.in, note, tt.note)
		}
		if _, err := ParseEDTF(got); err != nil && !errors.Is(err, ErrNoYear) {
			t.Errorf("ParseEDTF(%q) of %q: %v", got, tt.in, err)
		}
	}
	for _, f := range forms {
		if !used[f.name] {
			t.Errorf("form %q is read by no text of the table", f.name)
		}
	}
	for _, s := range statements {
		if !used[s.name] {
			t.Errorf("statement %q reads no text of the table", s.name)
		}
	}
}

// TestParseEDTFForms: the EDTF that the new forms write reads as the span
// it stands for.
func TestParseEDTFForms(t *testing.T) {
	for _, tt := range []struct {
		edtf             string
		from, to         string // first and last day
		oneOf, approx    bool
		navDate          string
		wantNoYear, fail bool
	}{
		{edtf: "-0063", from: "-0063-01-01", to: "-0063-12-31"},
		{edtf: "0000", from: "0000-01-01", to: "0000-12-31"},
		{edtf: "-01XX", from: "-0199-01-01", to: "-0100-12-31"},
		{edtf: "-00XX", from: "-0099-01-01", to: "0000-12-31"},
		{edtf: "[1863,1864]", from: "1863-01-01", to: "1864-12-31", oneOf: true},
		{edtf: "[1864-05,1863]", from: "1863-01-01", to: "1864-05-31", oneOf: true},
		{edtf: "1872-XX", from: "1872-01-01", to: "1872-12-31", navDate: "1872-01-01T00:00:00Z"},
		{edtf: "1872-XX-XX", from: "1872-01-01", to: "1872-12-31", navDate: "1872-01-01T00:00:00Z"},
		{edtf: "1872-02-XX", from: "1872-02-01", to: "1872-02-29", navDate: "1872-02-01T00:00:00Z"},
		{edtf: "186X%", from: "1860-01-01", to: "1869-12-31", approx: true},
		{edtf: "1666~/18XX", from: "1666-01-01", to: "1899-12-31", approx: true},
		{edtf: "XXXX", wantNoYear: true},
		{edtf: "XXXX-01-12", wantNoYear: true},
		{edtf: "XXXX-02-29", wantNoYear: true},
		{edtf: "XXXX-02-30", fail: true},
		{edtf: "XXXX-XX", fail: true},
		{edtf: "1872-XX-05", fail: true},
		{edtf: "195X-06", fail: true},
		{edtf: "[]", fail: true},
		{edtf: "[1863,]", fail: true},
		{edtf: "[1863,1864/1865]", fail: true},
		{edtf: "1950?~", fail: true},
		{edtf: "-195X", fail: true},
	} {
		iv, err := ParseEDTF(tt.edtf)
		switch {
		case tt.wantNoYear:
			if !errors.Is(err, ErrNoYear) {
				t.Errorf("ParseEDTF(%q) = %v, want ErrNoYear", tt.edtf, err)
			}
			continue
		case tt.fail:
			if err == nil {
				t.Errorf("ParseEDTF(%q) = %+v, want an error", tt.edtf, iv)
			}
			continue
		case err != nil:
			t.Errorf("ParseEDTF(%q): %v", tt.edtf, err)
			continue
		}
		if from, to := iv.Start.Format("2006-01-02"), iv.End.Format("2006-01-02"); from != tt.from || to != tt.to || iv.OneOf != tt.oneOf || iv.Approximate != tt.approx {
			t.Errorf("ParseEDTF(%q) = %s..%s oneOf %v approx %v; want %s..%s %v %v", tt.edtf, from, to, iv.OneOf, iv.Approximate, tt.from, tt.to, tt.oneOf, tt.approx)
		}
		if nav, _ := (Date{Normalized: tt.edtf}).NavDate(); nav != tt.navDate {
			t.Errorf("NavDate(%q) = %q, want %q", tt.edtf, nav, tt.navDate)
		}
	}
}

// TestNormalizeWorkIsBounded: however a text repeats a separator or a word,
// Normalize reads a bounded number of dates (each a linear regular
// expression match over at most maxDateText bytes), so no form is
// quadratic. The bound follows from the tables: at most 4 heads and the
// whole text, each read by at most 11 statements, a range cut at most 8
// ways into 2 ends, a bracket or a part reading one date more.
func TestNormalizeWorkIsBounded(t *testing.T) {
	const bound = 5 * 2 * (1 + 4 + 2 + 2 + 2 + 8*2 + 1) * 2
	n := 0
	traceForm = func(name string) {
		if name == "" {
			n++
		}
	}
	defer func() { traceForm = nil }()
	for _, unit := range []string{"1-", "c. ", "1950, ", "early ", "1 or ", "[", "- ", "1950-", "1950 - ", "(1950)", "before ", "1950/", "1950 to ", "?c.1800-10, ", "mid-1950s-", "[1950] or "} {
		for _, size := range []int{30, 60, maxDateText} {
			s := strings.Repeat(unit, maxDateText)[:size]
			n = 0
			Normalize(s)
			if n > bound {
				t.Errorf("Normalize(%q) read %d dates, more than %d", s, n, bound)
			}
		}
	}
}
