package model

import (
	"fmt"
	"strconv"
	"strings"
)

// The builders of the forms of dateforms.go: each turns the submatches of a
// form into a reading, or says why the text is no date.

func month(name string) string {
	return strconv.Itoa(monthNames[strings.ToLower(strings.TrimSuffix(name, "."))])
}

// yearReading reads a year as written: four digits, or fewer with an era
// ("127 CE"); before Christ in astronomical numbering (64 BC = -0063).
func yearReading(digits string, c ctx) (reading, error) {
	y := atoi(digits)
	switch {
	case c.era == 0 && len(digits) != 4:
		return reading{}, fmt.Errorf("%q: a year is written with four digits (or with an era: 127 CE); a short year such as 90 may be 1890 or 1990", digits)
	case y < 1:
		return reading{}, fmt.Errorf("year %d out of range (the first year is 1, and 1 BC is written 1 BC)", y)
	case c.era < 0:
		y = 1 - y
	}
	return reading{edtf: fmtYear(y), kind: kYear, year: y}, nil
}

// dayReading reads a year, a month (maybe empty) and a day (maybe empty).
func dayReading(y, mo, d string) (reading, error) {
	edtf, _, err := ymd(atoi(y), atoi(mo), atoi(d))
	k := kYear
	switch {
	case d != "" && d != "0":
		k = kDay
	case mo != "" && mo != "0":
		k = kMonth
	}
	return reading{edtf: edtf, kind: k, year: atoi(y)}, err
}

// noYear reads a month or a day of an unknown year: "January 12".
func noYear(mo, d string) (reading, error) {
	edtf, _, err := ymd(2000, atoi(mo), atoi(d)) // a leap year: February 29 is a day
	if err != nil {
		return reading{}, err
	}
	return reading{edtf: "XXXX" + edtf[4:], kind: kNoYear, note: "the source gives no year"}, nil
}

// dateTime reads ISO 8601 and EXIF dates with a time: the date is the day,
// and the note says that the time is in the text only.
func dateTime(m []string, c ctx) (reading, error) {
	r, err := dayReading(m[1], m[2], m[3])
	if err != nil || m[4] == "" {
		return r, err
	}
	hms := strings.Split(strings.NewReplacer(",", ".").Replace(m[4]), ":")
	if atoi(hms[0]) > 23 || atoi(hms[1]) > 59 || len(hms) == 3 && atoi(strings.Split(hms[2], ".")[0]) > 60 {
		return reading{}, fmt.Errorf("%q is not a time of day", m[4])
	}
	r.note = fmt.Sprintf("the time of day, %s, is kept in the text only: the date is the day", m[4]+m[5])
	return r, nil
}

// slashDate: "06/25/1950" (month first, as in the United States) or
// "25/06/1950" (day first, most other places); when both numbers could be
// the month, the date is ambiguous and refused.
func slashDate(m []string, c ctx) (reading, error) {
	a, b, y := m[1], m[2], m[3]
	switch {
	case atoi(a) > 12 && atoi(b) <= 12: // day first
		return dayReading(y, b, a)
	case atoi(b) > 12 && atoi(a) <= 12, atoi(a) == atoi(b): // month first, or the same either way
		return dayReading(y, a, b)
	}
	return reading{}, fmt.Errorf("%s/%s/%s may be day/month or month/day: write it as YYYY-MM-DD", a, b, y)
}

// decade reads "1950s" (195X). A year ending in 00 ("the 1800s") is read as
// its century when n00Century is set (the English and Korean forms), as
// English usage has it, and as its decade when an approximation word comes
// with it ("c. 1900s"): the note says which.
func decade(n00Century bool) func(m []string, c ctx) (reading, error) {
	return func(m []string, c ctx) (reading, error) {
		d := atoi(m[1]) * 10
		switch {
		case d == 0:
			return reading{}, fmt.Errorf("the decade 0-9 includes year 0, which is no year")
		case n00Century && d%100 == 0 && c.approx:
			return reading{edtf: m[1] + "X", kind: kDecade, note: fmt.Sprintf("the %ds read as the decade %d-%d, as an approximate date usually is; for the century write c. %s century", d, d, d+9, ordinal(d/100+1))}, nil
		case n00Century && d%100 == 0:
			return reading{edtf: m[1][:2] + "XX", kind: kCentury, note: fmt.Sprintf("the %ds read as the century %d-%d, as English usage has it; for the decade write %d-%d", d, d, d+99, d, d+9),
				decade: &reading{edtf: m[1] + "X", kind: kDecade, note: fmt.Sprintf("the %ds read as the decade %d-%d, as the other end of the range is a decade", d, d, d+9)}}, nil
		}
		return reading{edtf: m[1] + "X", kind: kDecade}, nil
	}
}

// century reads "19th century", "19c", "XIXe siècle", "siglo XIX",
// "19. Jh.", "19세기" (18XX), and "2nd century BC" (-01XX: the years -199
// to -100 in astronomical numbering, 200 to 101 BC).
func century(m []string, c ctx) (reading, error) {
	n, err := strconv.Atoi(m[1])
	if err != nil {
		n = roman(m[1])
	}
	if n < 1 || n > 30 {
		return reading{}, fmt.Errorf("century %s out of range", m[1])
	}
	if c.era < 0 {
		return reading{edtf: fmt.Sprintf("-%02dXX", n-1), kind: kCentury}, nil
	}
	return reading{edtf: fmt.Sprintf("%02dXX", n-1), kind: kCentury}, nil
}

// part reads the first, middle or last third of a year (early 1950 =
// January-April), a decade (early 1950s = 1950-1952) or a century (late 19th
// century = 1866-1899), each end approximate. word and date are the
// submatches of the part word and of the date.
func part(word, date int) func(m []string, c ctx) (reading, error) {
	return func(m []string, c ctx) (reading, error) {
		if c.inPart {
			return reading{}, fmt.Errorf("%q: a part of a part", m[0])
		}
		inner, err := core(strings.TrimSpace(m[date]), ctx{inPart: true})
		if err != nil || (inner.kind != kYear && inner.kind != kDecade && inner.kind != kCentury) {
			return reading{}, fmt.Errorf("%q: write \"early\", \"mid\" or \"late\" with a year, a decade such as 1950s or a century", m[0])
		}
		p := parts[strings.ToLower(m[word])]
		third := [3]string{"first", "middle", "last"}[p]
		iv, err := ParseEDTF(inner.edtf)
		if err != nil {
			return reading{}, err
		}
		if inner.kind == kYear {
			y := inner.edtf
			a, b := 1+4*p, 4+4*p
			return reading{
				edtf: fmt.Sprintf("%s-%02d~/%s-%02d~", y, a, y, b), kind: kPart, whole: y,
				span: fmt.Sprintf("%s-%s %d", monthName(a), monthName(b), inner.year),
				note: join(inner.note, fmt.Sprintf("read as about %s-%s %d, the %s third of the year", monthName(a), monthName(b), inner.year, third)),
			}, nil
		}
		from, span := iv.Start.Year(), iv.End.Year()-iv.Start.Year()+1
		a, b := from+p*span/3, from+(p+1)*span/3-1
		if p == 2 {
			b = from + span - 1
		}
		if a == 0 && from == 0 {
			a = 1 // the first century starts in year 1
		}
		unit := map[int]string{10: "decade", 100: "century"}[span]
		return reading{
			edtf: fmtYear(a) + "~/" + fmtYear(b) + "~", kind: kPart, whole: inner.edtf,
			span: fmt.Sprintf("%d-%d", a, b),
			note: join(inner.note, fmt.Sprintf("read as about %d-%d, the %s third of the %s", a, b, third, unit)),
		}, nil
	}
}

// Juche dates: "June Juche 39 (1950)", "July 27, Juche 42 (1953)", "June
// Juche 41" (no Gregorian year), "Juche 112 (2023)".
var reJuche = re(`(?i)^(?:` + monthRe + `\s+(?:(\d{1,2}),?\s+)?)?Juche\s+(\d{1,3})(?:\s*\((\d{4})\))?$`)

func juche(m []string, c ctx) (reading, error) {
	j := atoi(m[3])
	greg := j + JucheOffset
	var note string
	if m[4] != "" {
		if g := atoi(m[4]); g != greg {
			//lint:ignore ST1005 "Juche" is a proper noun (the calendar's name)
			return reading{}, fmt.Errorf("Juche %d is %d, but the text gives (%d)", j, greg, g)
		}
	} else {
		note = fmt.Sprintf("the source gives no Gregorian year; Juche %d = %d (Juche + %d)", j, greg, JucheOffset)
	}
	mo := ""
	if m[1] != "" {
		mo = month(m[1])
	}
	r, err := dayReading(strconv.Itoa(greg), mo, m[2])
	r.note = note
	return r, err
}

func fmtYear(y int) string {
	if y < 0 {
		return fmt.Sprintf("-%04d", -y)
	}
	return fmt.Sprintf("%04d", y)
}

func monthName(m int) string {
	return [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}[m-1]
}

func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return fmt.Sprintf("%dth", n)
	case n%10 == 1:
		return fmt.Sprintf("%dst", n)
	case n%10 == 2:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

// roman reads a Roman numeral up to L (50); 0 when s is none.
func roman(s string) int {
	val := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50}
	s = strings.ToUpper(s)
	n := 0
	for i := 0; i < len(s); i++ {
		v := val[s[i]]
		if v == 0 {
			return 0
		}
		if i+1 < len(s) && val[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	if ordinalRoman(n) != s {
		return 0 // "IIII", "VX": not a numeral
	}
	return n
}

// ordinalRoman writes n (1-50) as a Roman numeral.
func ordinalRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}
