package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Date is a date kept twice: as the source wrote it (Text) and normalized as
// an Extended Date/Time Format (EDTF, ISO 8601-2) string such as "1950-06",
// "1950~" (approximate), "1525/1535" (range), "13XX" (14th century), "195X"
// (1950s) or "XXXX" (undated). Text is never altered; when it cannot be
// normalized, Normalized stays empty and Validate warns.
type Date struct {
	Text       string `yaml:"text,omitempty" json:"text,omitempty"`
	Normalized string `yaml:"normalized,omitempty" json:"normalized,omitempty"`
	// Note explains a normalization that needed a guess, e.g. a Juche year
	// with no Gregorian year beside it.
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
}

// UnmarshalYAML accepts a plain string (the text as written, normalized on
// load) or a mapping with text, normalized and note.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Tag != "!!null" {
			d.Text = n.Value
		}
		return nil
	}
	type plain Date
	return n.Decode((*plain)(d))
}

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d.Text == "" && d.Normalized == "" }

// Precision of a normalized date.
type Precision int

const (
	PrecisionNone Precision = iota
	PrecisionCentury
	PrecisionDecade
	PrecisionYear
	PrecisionSeason
	PrecisionMonth
	PrecisionDay
)

// Interval is the span a normalized date covers.
type Interval struct {
	Start, End  time.Time // End is inclusive (the last day)
	Precision   Precision // of Start
	Approximate bool
	Range       bool
	// OpenStart and OpenEnd mark a range with no known start ("../1900",
	// before 1900) or end ("1945/..", after 1945); Start is then the year
	// 1 and End the year 9999.
	OpenStart, OpenEnd bool
}

// seasons are the EDTF season codes (21-24) and the months they span in
// the northern hemisphere (winter runs into the next year).
var seasons = map[string]int{"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

const monthRe = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`

// JucheOffset converts a Juche year to the Gregorian year: Gregorian = Juche + 1911.
const JucheOffset = 1911

var (
	reISO    = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)
	reApprox = regexp.MustCompile(`(?i)^(?:c\.|ca\.|circa|about|approx\.|approximately)\s*(\d{4})$`)
	// reApproxPrefix is the "c." of "c. 1950-1955", "ca 1950", "c1950".
	reApproxPrefix = regexp.MustCompile(`(?i)^(?:c\.?|ca\.?|circa|about|approx\.?|approximately)\s*(\d.*)$`)
	// reShortRange: "1953/54", "1960-65".
	reShortRange = regexp.MustCompile(`^(\d{4})\s*[-–—/]\s*(\d{2})$`)
	// reUncertain: "1950?".
	reUncertain = regexp.MustCompile(`^(\d{4})\s*\?$`)
	// reDotDMY: "25.06.1950", day first as written in most of Europe.
	reDotDMY = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	// reCJK: "1953년 7월 27일", "1953年7月27日".
	reCJK       = regexp.MustCompile(`^(\d{4})\s*[년年](?:\s*(\d{1,2})\s*[월月](?:\s*(\d{1,2})\s*[일日])?)?$`)
	reYearRange = regexp.MustCompile(`^(\d{4})\s*[-–—/]\s*(\d{4})$`)
	reCentury   = regexp.MustCompile(`(?i)^(\d{1,2})(?:st|nd|rd|th)[\s-]+(?:century|cent\.?|c\.?)$`)
	reDecade    = regexp.MustCompile(`^(\d{3})0s$`)
	// reUndated: English, Latin ("sine dato"), French and German catalogue
	// forms for "no date".
	reUndated = regexp.MustCompile(`(?i)^(?:undated|n\.\s?d\.?|no date|unknown|s\.\s?d\.?|sine dato|sans date|o\.\s?J\.?)$`)
	// reSlashDate: "06/25/1950" (month first, as in the United States) or
	// "25/06/1950" (day first, most other places).
	reSlashDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	// "June 25, 1950", "25 June 1950", "June 1950"
	reMDY = regexp.MustCompile(`(?i)^` + monthRe + `\s+(\d{1,2}),?\s+(\d{4})$`)
	reDMY = regexp.MustCompile(`(?i)^(\d{1,2})\s+` + monthRe + `,?\s+(\d{4})$`)
	reMY  = regexp.MustCompile(`(?i)^` + monthRe + `,?\s+(\d{4})$`)
	// "June 25, 1950-July 27, 1953"
	reMDYRange = regexp.MustCompile(`(?i)^` + monthRe + `\s+(\d{1,2}),?\s+(\d{4})\s*[-–—]\s*` + monthRe + `\s+(\d{1,2}),?\s+(\d{4})$`)
	// Juche dates: "June Juche 39 (1950)", "July 27, Juche 42 (1953)",
	// "June Juche 41" (no Gregorian year), "Juche 112 (2023)".
	// reSeason: "Spring 1951", "summer of 1950", "Fall, 1950".
	reSeason = regexp.MustCompile(`(?i)^(spring|summer|autumn|fall|winter)(?:\s+of)?,?\s+(\d{4})$`)
	// reBeforeAfter: "before 1900", "after June 1945".
	reBeforeAfter = regexp.MustCompile(`(?i)^(before|after)\s+(\S.*)$`)
	// rePart: "early 1950s", "mid-1950s", "late 19th century".
	rePart  = regexp.MustCompile(`(?i)^(early|mid|late)[\s-]+(\S.*)$`)
	reJuche = regexp.MustCompile(`(?i)^(?:` + monthRe + `\s+(?:(\d{1,2}),?\s+)?)?Juche\s+(\d{1,3})(?:\s*\((\d{4})\))?$`)
)

// jucheInText finds a Juche date phrase inside a longer text such as a caption.
var jucheInText = regexp.MustCompile(`(?i)\b(?:(?:in|on)\s+)?(?:` + monthRe + `\s+(?:\d{1,2},?\s+)?)?Juche\s+\d{1,3}(?:\s*\(\d{4}\))?`)

// FindDate looks for a date phrase in free text such as a caption and returns
// the phrase exactly as written (with a leading "in" or "on") and its
// normalized Date. It recognizes the Juche calendar forms of the seed
// exhibition; ok is false when no phrase is found.
func FindDate(s string) (phrase string, d Date, ok bool) {
	locs := jucheInText.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return "", Date{}, false
	}
	loc := locs[len(locs)-1] // the last date phrase is the date of the scene
	phrase = s[loc[0]:loc[1]]
	d = Date{Text: phrase}
	d.Normalized, d.Note, _ = Normalize(phrase)
	return phrase, d, true
}

// Normalize turns a date as written into EDTF. It returns a note when the
// result needed an inference the reader should know about, and an error when
// the text is not a date form it knows (the caller keeps the text verbatim).
//
// On error edtf is always empty: a caller may store the result without
// checking err and never keeps half a date (such as a bare "~").
func Normalize(text string) (edtf, note string, err error) {
	if len(text) > maxDateText {
		// No date form is this long; the limit also bounds the work of
		// the forms that normalize a part of the text again ("before
		// ...", "early ...", "[...]").
		return "", "", fmt.Errorf("%d characters is too long for a date form vitrine knows (at most %d)", len(text), maxDateText)
	}
	edtf, note, err = normalize(text)
	if err == nil && edtf != "XXXX" {
		// Whatever Normalize writes, ParseEDTF (navDate, ranges) must
		// read: a form that slipped past its branch's checks (such as
		// year 0 in "0000-17") is refused here, once for every branch.
		_, err = ParseEDTF(edtf)
	}
	if err != nil {
		return "", "", err
	}
	return edtf, note, nil
}

// maxDateText is the longest date text Normalize reads, in bytes.
const maxDateText = 120

func normalize(text string) (edtf, note string, err error) {
	s := strings.TrimSpace(text)
	s = strings.TrimSuffix(s, ".")
	low := strings.ToLower(s)
	for _, p := range []string{"in ", "on ", "dated "} {
		if strings.HasPrefix(low, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if s == "" {
		return "", "", fmt.Errorf("empty date")
	}
	if m := reISO.FindStringSubmatch(s); m != nil && (m[3] != "" || atoi(m[2]) <= 12) {
		y, _ := strconv.Atoi(m[1])
		mo, d := atoi(m[2]), atoi(m[3])
		return ymd(y, mo, d)
	}
	if m := reShortRange.FindStringSubmatch(s); m != nil {
		a := atoi(m[1])
		b := a/100*100 + atoi(m[2])
		if b <= a {
			return "", "", fmt.Errorf("%q is neither a month (%s is past 12) nor a range of years (%d is before %d)", s, m[2], b, a)
		}
		return fmt.Sprintf("%04d/%04d", a, b), "", nil
	}
	if m := reUncertain.FindStringSubmatch(s); m != nil {
		y, _, err := ymd(atoi(m[1]), 0, 0)
		if err != nil {
			return "", "", err
		}
		return y + "?", "", nil
	}
	if m := reDotDMY.FindStringSubmatch(s); m != nil {
		return ymd(atoi(m[3]), atoi(m[2]), atoi(m[1]))
	}
	if m := reSlashDate.FindStringSubmatch(s); m != nil {
		a, b, y := atoi(m[1]), atoi(m[2]), atoi(m[3])
		switch {
		case a > 12 && b <= 12: // day first
			return ymd(y, b, a)
		case b > 12 && a <= 12, a == b: // month first, or the same either way
			return ymd(y, a, b)
		}
		return "", "", fmt.Errorf("%q may be day/month or month/day: write it as YYYY-MM-DD", s)
	}
	if m := reCJK.FindStringSubmatch(s); m != nil {
		return ymd(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		// A date in brackets was supplied by a cataloguer.
		edtf, note, err := Normalize(s[1 : len(s)-1])
		if err != nil {
			return "", "", fmt.Errorf("%q is not a date form vitrine knows", text)
		}
		if note == "" {
			note = "the brackets mark a date supplied by the cataloguer, not given by the source"
		}
		return edtf, note, nil
	}
	if reUndated.MatchString(s) {
		return "XXXX", "", nil
	}
	if m := reApprox.FindStringSubmatch(s); m != nil {
		y, _, err := ymd(atoi(m[1]), 0, 0)
		if err != nil {
			return "", "", err
		}
		return y + "~", "", nil
	}
	if m := reApproxPrefix.FindStringSubmatch(s); m != nil && !reApprox.MatchString(s) {
		// "c. 1950-1955": both ends are approximate.
		edtf, note, err := Normalize(m[1])
		if err != nil {
			return "", "", fmt.Errorf("%q is not a date form vitrine knows", text)
		}
		if a, b, ok := strings.Cut(edtf, "/"); ok {
			return a + "~/" + b + "~", note, nil
		}
		if reISO.MatchString(edtf) {
			return edtf + "~", note, nil
		}
		return "", "", fmt.Errorf("%q is not a date form vitrine knows", text)
	}
	if m := reYearRange.FindStringSubmatch(s); m != nil {
		if _, _, err := ymd(atoi(m[1]), 0, 0); err != nil {
			return "", "", err
		}
		if m[1] > m[2] {
			return "", "", fmt.Errorf("range %q ends before it starts", s)
		}
		return m[1] + "/" + m[2], "", nil
	}
	if m := reCentury.FindStringSubmatch(s); m != nil {
		c := atoi(m[1])
		if c < 1 || c > 30 {
			return "", "", fmt.Errorf("century %d out of range", c)
		}
		return fmt.Sprintf("%02dXX", c-1), "", nil
	}
	if m := reDecade.FindStringSubmatch(s); m != nil {
		return m[1] + "X", "", nil
	}
	if m := reMDYRange.FindStringSubmatch(s); m != nil {
		a, _, err := ymd(atoi(m[3]), monthNames[strings.ToLower(m[1])], atoi(m[2]))
		if err != nil {
			return "", "", err
		}
		b, _, err := ymd(atoi(m[6]), monthNames[strings.ToLower(m[4])], atoi(m[5]))
		if err != nil {
			return "", "", err
		}
		if a > b {
			return "", "", fmt.Errorf("range %q ends before it starts", s)
		}
		return a + "/" + b, "", nil
	}
	if m := reMDY.FindStringSubmatch(s); m != nil {
		return ymd(atoi(m[3]), monthNames[strings.ToLower(m[1])], atoi(m[2]))
	}
	if m := reDMY.FindStringSubmatch(s); m != nil {
		return ymd(atoi(m[3]), monthNames[strings.ToLower(m[2])], atoi(m[1]))
	}
	if m := reMY.FindStringSubmatch(s); m != nil {
		return ymd(atoi(m[2]), monthNames[strings.ToLower(m[1])], 0)
	}
	if m := reSeason.FindStringSubmatch(s); m != nil {
		y, _, err := ymd(atoi(m[2]), 0, 0)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("%s-%d", y, seasons[strings.ToLower(m[1])]), "", nil
	}
	if m := reBeforeAfter.FindStringSubmatch(s); m != nil {
		// Only a plain year, month or day can be the end of an open range.
		inner, _, err := Normalize(m[2])
		if err != nil || !reISO.MatchString(inner) {
			return "", "", fmt.Errorf("%q is not a date form vitrine knows (write \"before\" or \"after\" with a year, a month or a day)", text)
		}
		if strings.EqualFold(m[1], "before") {
			return "../" + inner, fmt.Sprintf("read as an open range ending in %s (EDTF ../%s): the source gives no earliest date", inner, inner), nil
		}
		return inner + "/..", fmt.Sprintf("read as an open range starting in %s (EDTF %s/..): the source gives no latest date", inner, inner), nil
	}
	if m := rePart.FindStringSubmatch(s); m != nil {
		// A decade (195X) or a century (18XX), in thirds.
		inner, _, err := Normalize(m[2])
		iv, perr := ParseEDTF(inner)
		if err != nil || perr != nil || iv.Approximate || (iv.Precision != PrecisionDecade && iv.Precision != PrecisionCentury) {
			return "", "", fmt.Errorf("%q is not a date form vitrine knows (write \"early\", \"mid\" or \"late\" with a decade such as 1950s or a century)", text)
		}
		from, span := iv.Start.Year(), iv.End.Year()-iv.Start.Year()+1
		part := map[string]int{"early": 0, "mid": 1, "late": 2}[strings.ToLower(m[1])]
		a, b := from+part*span/3, from+(part+1)*span/3-1
		if part == 2 {
			b = from + span - 1
		}
		a = max(a, 1)
		unit := map[int]string{10: "decade", 100: "century"}[span]
		return fmt.Sprintf("%04d~/%04d~", a, b), fmt.Sprintf("read as about %d-%d, the %s third of the %s", a, b, [3]string{"first", "middle", "last"}[part], unit), nil
	}

	if m := reJuche.FindStringSubmatch(s); m != nil {
		juche := atoi(m[3])
		greg := juche + JucheOffset
		if m[4] != "" {
			if g := atoi(m[4]); g != greg {
				//lint:ignore ST1005 "Juche" is a proper noun (the calendar's name)
				return "", "", fmt.Errorf("Juche %d is %d, but the text gives (%d)", juche, greg, g)
			}
		} else {
			note = fmt.Sprintf("the source gives no Gregorian year; Juche %d = %d (Juche + %d)", juche, greg, JucheOffset)
		}
		mo := 0
		if m[1] != "" {
			mo = monthNames[strings.ToLower(m[1])]
		}
		edtf, _, err = ymd(greg, mo, atoi(m[2]))
		return edtf, note, err
	}
	return "", "", fmt.Errorf("%q is not a date form vitrine knows", text)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func ymd(y, m, d int) (string, string, error) {
	if y < 1 || y > 9999 {
		return "", "", fmt.Errorf("year %d out of range", y)
	}
	if m == 0 {
		return fmt.Sprintf("%04d", y), "", nil
	}
	if m < 1 || m > 12 {
		return "", "", fmt.Errorf("month %d out of range", m)
	}
	if d == 0 {
		return fmt.Sprintf("%04d-%02d", y, m), "", nil
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", "", fmt.Errorf("%04d-%02d has no day %d", y, m, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), "", nil
}

// ParseEDTF reads the subset of EDTF that Normalize writes and returns the
// interval it covers.
func ParseEDTF(s string) (Interval, error) {
	var iv Interval
	if s == "" || s == "XXXX" {
		return iv, fmt.Errorf("no known date")
	}
	if a, b, ok := strings.Cut(s, "/"); ok {
		if a == ".." && b == ".." {
			return iv, fmt.Errorf("%q has neither start nor end", s)
		}
		var x, y Interval
		var err error
		if a == ".." {
			x = Interval{Start: day(1, 1, 1), Precision: PrecisionNone, OpenStart: true}
		} else if x, err = ParseEDTF(a); err != nil {
			return iv, err
		}
		if b == ".." {
			y = Interval{End: day(9999, 12, 31), OpenEnd: true}
		} else if y, err = ParseEDTF(b); err != nil {
			return iv, err
		}
		if x.Range || y.Range {
			return iv, fmt.Errorf("%q has more than one \"/\"", s)
		}
		if y.End.Before(x.Start) {
			return iv, fmt.Errorf("range %q ends before it starts", s)
		}
		return Interval{Start: x.Start, End: y.End, Precision: x.Precision, Range: true, Approximate: x.Approximate || y.Approximate, OpenStart: x.OpenStart, OpenEnd: y.OpenEnd}, nil
	}
	if strings.HasSuffix(s, "~") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "%") {
		iv, err := ParseEDTF(s[:len(s)-1])
		iv.Approximate = true
		return iv, err
	}
	switch {
	case len(s) == 4 && strings.HasSuffix(s, "XX") && isDigits(s[:2]):
		c := atoi(s[:2])
		return Interval{Start: day(c*100, 1, 1), End: day(c*100+99, 12, 31), Precision: PrecisionCentury}, nil
	case len(s) == 4 && s[3] == 'X' && isDigits(s[:3]):
		d := atoi(s[:3]) * 10
		return Interval{Start: day(d, 1, 1), End: day(d+9, 12, 31), Precision: PrecisionDecade}, nil
	}
	m := reISO.FindStringSubmatch(s)
	if m == nil {
		return iv, fmt.Errorf("%q is not an EDTF date vitrine reads (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 (seasons), YYYY~, YYYY/YYYY, ../YYYY, YYYY/.., YYXX, YYYX)", s)
	}
	if se := atoi(m[2]); se >= 21 && se <= 24 && m[3] == "" {
		y := atoi(m[1])
		if _, _, err := ymd(y, 0, 0); err != nil {
			return iv, err
		}
		// Spring March-May, summer June-August, autumn September-November,
		// winter December-February.
		first := 3 + 3*(se-21)
		return Interval{Start: day(y, first, 1), End: day(y, first+3, 0), Precision: PrecisionSeason}, nil
	}
	norm, _, err := ymd(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	if err != nil {
		return iv, err
	}
	_ = norm
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	switch {
	case mo == 0:
		return Interval{Start: day(y, 1, 1), End: day(y, 12, 31), Precision: PrecisionYear}, nil
	case d == 0:
		return Interval{Start: day(y, mo, 1), End: day(y, mo+1, 0), Precision: PrecisionMonth}, nil
	}
	return Interval{Start: day(y, mo, d), End: day(y, mo, d), Precision: PrecisionDay}, nil
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// NavDate returns the start of a known, not approximate date as an
// xsd:dateTime with timezone ("1951-06-01T00:00:00Z") for IIIF navDate, and
// false when the date is unknown or approximate.
func (d Date) NavDate() (string, bool) {
	iv, err := ParseEDTF(d.Normalized)
	if err != nil || iv.Approximate || iv.OpenStart || iv.Precision < PrecisionYear {
		return "", false
	}
	return iv.Start.Format(time.RFC3339), true
}
