package model

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// EditionTime parses an edition date (YYYY-MM-DD or RFC 3339) as UTC.
func EditionTime(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("edition %q is not a date YYYY-MM-DD or an RFC 3339 time", s)
}

// BuildTime is the one timestamp every output uses (dcterms:modified, archive
// entry times, Bagging-Date): SOURCE_DATE_EPOCH when set, else the
// exhibition's edition date, else its opening date, else 2000-01-01. The
// wall clock is never used, so builds are reproducible.
func (e *Exhibition) BuildTime() (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, s := range []string{e.Edition, e.Opening} {
		if s != "" {
			if t, err := EditionTime(s); err == nil {
				return t, nil
			}
		}
	}
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), nil
}
