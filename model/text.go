package model

import (
	"fmt"
	"sort"

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
// empty label.
func (t Text) Get(lang string) string {
	if v, ok := t[lang]; ok && v != "" {
		return v
	}
	if v, ok := t[""]; ok && v != "" {
		return v
	}
	for _, k := range t.Langs() {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
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
	if v, ok := p[lang]; ok && len(v) > 0 {
		return v
	}
	if v, ok := p[""]; ok && len(v) > 0 {
		return v
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(p[k]) > 0 {
			return p[k]
		}
	}
	return nil
}
