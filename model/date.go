package model

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// Date is a date kept twice: as the source wrote it (Text) and normalized as
// an Extended Date/Time Format (EDTF, ISO 8601-2:2019) string such as
// "1950-06", "1950~" (approximate), "1950?" (uncertain), "1525/1535"
// (range), "../1900" (before 1900), "[1864,1866]" (one of them), "13XX"
// (14th century), "195X" (1950s), "-0063" (64 BC) or "XXXX" (undated). Text
// is never altered; when it cannot be normalized, Normalized stays empty and
// Validate warns.
type Date struct {
	Text       string `yaml:"text,omitempty" json:"text,omitempty"`
	Normalized string `yaml:"normalized,omitempty" json:"normalized,omitempty"`
	// Note explains a normalization that needed a choice (a Juche year with
	// no Gregorian year beside it, the 1800s read as a century) and keeps
	// what the EDTF leaves out (the rest of "1863, printed 1870").
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
	// OneOf marks a set ("[1863,1864]"): one of its dates is meant; Start
	// and End are those of the earliest and the latest.
	OneOf bool
}

// JucheOffset converts a Juche year to the Gregorian year: Gregorian = Juche + 1911.
const JucheOffset = 1911

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
	edtf, note, err = readText(text)
	if err == nil {
		// Whatever Normalize writes, ParseEDTF (navDate, ranges) must
		// read: a form that slipped past its builder's checks is refused
		// here, once for every form.
		if _, perr := ParseEDTF(edtf); perr != nil && !errors.Is(perr, ErrNoYear) {
			err = perr
		}
	}
	if err != nil {
		if errors.Is(err, errUnknownForm) {
			err = fmt.Errorf("%q is not a date form vitrine knows (see the forms in the README)", text)
		}
		return "", "", err
	}
	return edtf, note, nil
}

// maxDateText is the longest date text Normalize reads, in bytes.
const maxDateText = 120

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

// NavDate returns the start of a known, not approximate date as an
// xsd:dateTime with timezone ("1951-06-01T00:00:00Z") for IIIF navDate, and
// false when the date is unknown, approximate, one of a set, or before the
// year 1.
func (d Date) NavDate() (string, bool) {
	iv, err := ParseEDTF(d.Normalized)
	if err != nil || iv.Approximate || iv.OpenStart || iv.OneOf || iv.Precision < PrecisionYear || iv.Start.Year() < 1 {
		return "", false
	}
	return iv.Start.Format(time.RFC3339), true
}
