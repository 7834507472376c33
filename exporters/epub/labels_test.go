package epub

import (
	"reflect"
	"testing"
)

// TestLabelsComplete: every language the catalogue has labels for has every
// label and every role; a missing one would print an empty heading.
func TestLabelsComplete(t *testing.T) {
	en := allLabels["en"]
	for lang, l := range allLabels {
		if l.Lang != lang {
			t.Errorf("labels %q say they are in %q", lang, l.Lang)
		}
		v := reflect.ValueOf(l)
		for i := 0; i < v.NumField(); i++ {
			name := v.Type().Field(i).Name
			if len(l.Months) == 0 && (name == "DayMonth" || name == "MonthYear") {
				continue // numeric dates
			}
			if f := v.Field(i); f.Kind() == reflect.String && f.String() == "" {
				t.Errorf("labels %q: %s is empty", lang, v.Type().Field(i).Name)
			}
		}
		if n := len(l.Months); n != 0 && n != 12 {
			t.Errorf("labels %q: %d month names", lang, n)
		}
		for role := range en.Roles {
			if l.Roles[role] == "" {
				t.Errorf("labels %q: no name for the role %s", lang, role)
			}
		}
	}
	if got := labelsFor("fr-CA").Plate; got != "Planche" {
		t.Errorf("fr-CA plate label %q", got)
	}
	if got := labelsFor("pt").Lang; got != "en" {
		t.Errorf("a language without labels falls back to %q, want en", got)
	}
}
