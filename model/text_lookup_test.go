package model

import (
	"slices"
	"testing"
)

func TestLookup(t *testing.T) {
	tx := Text{"": "untagged", "fr": "français", "de": "", "ar": "عربي"}
	for _, tc := range []struct {
		name      string
		t         Text
		langs     []string
		want, key string
	}{
		{"first asked", tx, []string{"fr", "ar"}, "français", "fr"},
		{"empty skipped", tx, []string{"de", "ar"}, "عربي", "ar"},
		{"untagged next", tx, []string{"ko"}, "untagged", ""},
		{"then sorted", Text{"fr": "f", "de": "d"}, []string{"ko"}, "d", "de"},
		{"nothing", Text{"fr": ""}, []string{"fr"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if v, k := tc.t.Lookup(tc.langs...); v != tc.want || k != tc.key {
				t.Errorf("Lookup(%v) = %q, %q; want %q, %q", tc.langs, v, k, tc.want, tc.key)
			}
			if len(tc.langs) == 1 && tc.t.Get(tc.langs[0]) != tc.want {
				t.Errorf("Get(%s) = %q, want %q", tc.langs[0], tc.t.Get(tc.langs[0]), tc.want)
			}
		})
	}
	p := Paragraphs{"en": {" ", ""}, "fr": {"un", "deux"}}
	if v, k := p.Lookup("en"); k != "fr" || !slices.Equal(v, []string{"un", "deux"}) {
		t.Errorf("blank paragraphs count as missing: got %v in %q", v, k)
	}
}
