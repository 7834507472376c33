package iiif

import "testing"

// TestWordsComplete: every label vitrine writes exists in every language
// any label has, so a manifest never mixes its own languages.
func TestWordsComplete(t *testing.T) {
	langs := map[string]bool{}
	for _, byLang := range words {
		for l := range byLang {
			langs[l] = true
		}
	}
	for key, byLang := range words {
		for l := range langs {
			if byLang[l] == "" {
				t.Errorf("label %q has no %s word", key, l)
			}
		}
	}
	if m := word("plate", []string{"de-AT", "pt"}); len(m) != 1 || m["de-AT"][0] != "Tafel" {
		t.Errorf("word(plate, de-AT pt) = %v", m)
	}
	if m := word("plate", []string{"pt"}); m["en"][0] != "Plate" {
		t.Errorf("word(plate, pt) = %v, want the English word under en", m)
	}
}
