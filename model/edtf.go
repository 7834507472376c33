package model

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ErrNoYear is returned (wrapped) by ParseEDTF for a well-formed EDTF date
// that has no year and so covers no interval: "XXXX" (undated), "XXXX-06"
// (June of an unknown year), "XXXX-06-25".
var ErrNoYear = errors.New("no known year")

// edtfDate is one EDTF date of the subset vitrine writes: a year (astronomical
// numbering, "-0063" is 64 BC), a century "18XX" or "-01XX", a decade "195X",
// each followed by a month, a season (21-24) or an unspecified month "XX",
// then a day or an unspecified day "XX"; or "XXXX" with a month and day.
var edtfDate = regexp.MustCompile(`^(-?\d{4}|-?\d{2}XX|\d{3}X|XXXX)(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?$`)

// ParseEDTF reads the subset of EDTF that Normalize writes and returns the
// interval it covers: a date (1950, 1950-06, 1950-06-25, 1951-21 (a season),
// 1950-XX (a month of 1950), 195X, 18XX, -0063 (64 BC), -01XX), each with an
// optional qualifier ~ ? %, an interval of two of them (1950/1960) with ".."
// for an open end, or a set of dates of which one is meant ([1863,1864]). A
// date without a year ("XXXX", "XXXX-06") gives an error wrapping ErrNoYear.
// The interval never ends before it starts.
func ParseEDTF(s string) (Interval, error) {
	var iv Interval
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") && len(s) > 2 {
		// One of a set: the interval runs from the earliest to the latest.
		for i, e := range strings.Split(s[1:len(s)-1], ",") {
			x, err := parseEDTFDate(e)
			if err != nil {
				return Interval{}, fmt.Errorf("set %q: %w", s, err)
			}
			if i == 0 || x.Start.Before(iv.Start) {
				iv.Start, iv.Precision = x.Start, x.Precision
			}
			if i == 0 || x.End.After(iv.End) {
				iv.End = x.End
			}
			iv.Approximate = iv.Approximate || x.Approximate
		}
		iv.OneOf = true
		return iv, nil
	}
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return parseEDTFDate(s)
	}
	if a == ".." && b == ".." {
		return iv, fmt.Errorf("%q has neither start nor end", s)
	}
	var x, y Interval
	var err error
	if a == ".." {
		x = Interval{Start: day(1, 1, 1), Precision: PrecisionNone, OpenStart: true}
	} else if x, err = parseEDTFDate(a); err != nil {
		return iv, fmt.Errorf("start of %q: %w", s, err)
	}
	if b == ".." {
		y = Interval{End: day(9999, 12, 31), OpenEnd: true}
	} else if y, err = parseEDTFDate(b); err != nil {
		return iv, fmt.Errorf("end of %q: %w", s, err)
	}
	if y.End.Before(x.Start) {
		return iv, fmt.Errorf("range %q ends before it starts", s)
	}
	return Interval{Start: x.Start, End: y.End, Precision: x.Precision, Range: true, Approximate: x.Approximate || y.Approximate, OpenStart: x.OpenStart, OpenEnd: y.OpenEnd}, nil
}

// parseEDTFDate reads one date with its qualifier: no interval, no set.
func parseEDTFDate(s string) (Interval, error) {
	var iv Interval
	if q := strings.TrimRight(s, "~?%"); len(s)-len(q) == 1 {
		iv, err := parseEDTFDate(q)
		iv.Approximate = true
		return iv, err
	}
	m := edtfDate.FindStringSubmatch(s)
	if m == nil {
		return iv, fmt.Errorf("%q is not an EDTF date vitrine reads (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 (seasons), YYYY-XX, YYXX, YYYX, -YYYY, each with ~ ? or %%; YYYY/YYYY, ../YYYY, YYYY/..; [YYYY,YYYY])", s)
	}
	y, mo, d := m[1], m[2], m[3]
	if y == "XXXX" {
		switch {
		case mo == "":
			return iv, fmt.Errorf("%q: %w", s, ErrNoYear)
		case mo == "XX" || d == "XX":
			return iv, fmt.Errorf("%q is not an EDTF date vitrine reads (an unknown year takes a month and maybe a day: XXXX-06, XXXX-06-25)", s)
		}
		// The month and the day are checked against a leap year.
		if _, _, err := ymd(2000, atoi(mo), atoi(d)); err != nil {
			return iv, fmt.Errorf("%q: %w", s, err)
		}
		return iv, fmt.Errorf("%q: %w", s, ErrNoYear)
	}
	var from, to int // the years the first part covers
	switch {
	case strings.HasSuffix(y, "XX"):
		c := atoi(strings.TrimSuffix(y, "XX")) // "-01" is -1
		from, to = c*100, c*100+99
		if strings.HasPrefix(y, "-") {
			from, to = c*100-99, c*100
		}
		iv.Precision = PrecisionCentury
	case strings.HasSuffix(y, "X"):
		from = atoi(y[:3]) * 10
		to = from + 9
		iv.Precision = PrecisionDecade
	default:
		from = atoi(y)
		to = from
		iv.Precision = PrecisionYear
	}
	if mo == "" || mo == "XX" {
		if mo == "XX" && (iv.Precision != PrecisionYear || d != "" && d != "XX") {
			return iv, fmt.Errorf("%q: an unspecified month takes a year and no day but an unspecified one (YYYY-XX, YYYY-XX-XX)", s)
		}
		iv.Start, iv.End = day(from, 1, 1), day(to, 12, 31)
		return iv, nil
	}
	if iv.Precision != PrecisionYear {
		return iv, fmt.Errorf("%q: a decade or a century takes no month", s)
	}
	if se := atoi(mo); se >= 21 && se <= 24 && d == "" {
		// Spring March-May, summer June-August, autumn September-November,
		// winter December-February.
		first := 3 + 3*(se-21)
		return Interval{Start: day(from, first, 1), End: day(from, first+3, 0), Precision: PrecisionSeason}, nil
	}
	if d == "XX" {
		d = ""
	}
	if _, _, err := ymd(2000, atoi(mo), atoi(d)); err != nil {
		return iv, fmt.Errorf("%q: %w", s, err)
	}
	if d == "" {
		return Interval{Start: day(from, atoi(mo), 1), End: day(from, atoi(mo)+1, 0), Precision: PrecisionMonth}, nil
	}
	t := day(from, atoi(mo), atoi(d))
	if t.Day() != atoi(d) {
		return iv, fmt.Errorf("%q: %s-%s has no day %s", s, y, mo, d)
	}
	return Interval{Start: t, End: t, Precision: PrecisionDay}, nil
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
