package model

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Text is a language map of one string per BCP 47 language tag, such as
// {"en": "Plate 1", "ko": "..."}. In the exhibition file a plain string is also
// accepted; it is stored under the key "" until Load assigns it to the
// exhibition's first language.
type Text map[string]string

// UnmarshalYAML accepts a plain string or a mapping of language tag to string.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		*t = Text{"": n.Value}
		return nil
	case yaml.MappingNode:
		m := map[string]string{}
		if err := n.Decode(&m); err != nil {
			return err
		}
		*t = m
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected a string or a map of language tag to string", n.Line)}}
}

// Get returns the string in lang, falling back to the untagged value, then to the
// first language in sorted order, so that a missing translation never shows an
// empty label. It is Lookup(lang) without the language found.
func (t Text) Get(lang string) string {
	v, _ := t.Lookup(lang)
	return v
}

// Lookup is the one language-fallback rule of vitrine's outputs: it returns
// the string in the first of langs that has a non-empty one, else the
// untagged string (key ""), else the string of the first language in sorted
// order; with the key it was found under ("" for untagged). It returns "",
// "" when t holds no non-empty string.
func (t Text) Lookup(langs ...string) (string, string) {
	return lookup(t, func(v string) bool { return v != "" }, langs)
}

// lookup applies Lookup's rule to any language map; has says whether a value
// counts as present.
func lookup[V any](m map[string]V, has func(V) bool, langs []string) (V, string) {
	for _, l := range langs {
		if v, ok := m[l]; ok && has(v) {
			return v, l
		}
	}
	if v, ok := m[""]; ok && has(v) {
		return v, ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if has(m[k]) {
			return m[k], k
		}
	}
	var zero V
	return zero, ""
}

// Langs returns the language keys in sorted order.
func (t Text) Langs() []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsZero reports whether t holds no non-empty string.
func (t Text) IsZero() bool {
	for _, v := range t {
		if v != "" {
			return false
		}
	}
	return true
}

// Paragraphs is a language map of ordered paragraphs. In the file it is a list
// of strings (in the exhibition's first language) or a mapping of language tag
// to a list of strings.
type Paragraphs map[string][]string

// UnmarshalYAML accepts a string, a list of strings or a mapping of language
// tag to a list of strings.
func (p *Paragraphs) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		*p = Paragraphs{"": {n.Value}}
		return nil
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		*p = Paragraphs{"": l}
		return nil
	case yaml.MappingNode:
		m := map[string][]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			var l []string
			if v.Kind == yaml.ScalarNode {
				l = []string{v.Value}
			} else if err := v.Decode(&l); err != nil {
				return err
			}
			m[k.Value] = l
		}
		*p = m
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected a list of paragraphs or a map of language tag to paragraphs", n.Line)}}
}

// Get returns the paragraphs in lang with the same fallbacks as Text.Get.
func (p Paragraphs) Get(lang string) []string {
	v, _ := p.Lookup(lang)
	return v
}

// Lookup is Text.Lookup for paragraphs: a language counts when it has at
// least one paragraph that is not blank.
func (p Paragraphs) Lookup(langs ...string) ([]string, string) {
	return lookup(p, func(ps []string) bool {
		for _, s := range ps {
			if strings.TrimSpace(s) != "" {
				return true
			}
		}
		return false
	}, langs)
}
