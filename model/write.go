package model

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"gopkg.in/yaml.v3"
)

// Marshal writes the exhibition as YAML in the field order of Exhibition,
// for a curator to read and edit: texts in the exhibition's first language
// are written as plain strings, other languages as a map of tag to string,
// and empty fields are left out. Plate identifiers that Load derived are not
// written (Load derives them again from the exhibition id and the number);
// identifiers given in the file are. The
// same exhibition always gives the same bytes, and Parse reads them back to
// an equal exhibition.
func Marshal(e *Exhibition) ([]byte, error) {
	lang := e.Lang()
	m := newMap()
	m.str("id", e.ID)
	m.str("slug", e.Slug)
	m.strs("languages", e.Languages)
	m.text("title", e.Title, lang)
	m.text("subtitle", e.Subtitle, lang)
	m.text("summary", e.Summary, lang)
	m.paras("introduction", e.Introduction, lang)
	m.str("opening", e.Opening)
	m.str("closing", e.Closing)
	m.str("edition", e.Edition)
	if len(e.Agents) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, a := range e.Agents {
			am := newMap()
			am.str("id", a.ID)
			am.text("name", a.Name, lang)
			am.strs("roles", a.Roles)
			am.str("homepage", a.Homepage)
			am.str("logo", a.Logo)
			seq.Content = append(seq.Content, am.n)
		}
		m.add("agents", seq)
	}
	m.str("rights", e.Rights)
	m.text("credit", e.Credit, lang)
	m.str("homepage", e.Homepage)
	if s := e.Source; s != nil {
		sm := newMap()
		sm.text("title", s.Title, lang)
		sm.str("url", s.URL)
		sm.str("file", s.File)
		sm.str("retrieved", s.Retrieved)
		sm.str("note", s.Note)
		if len(sm.n.Content) > 0 {
			m.add("source", sm.n)
		}
	}
	m.strs("subjects", e.Subjects)
	m.str("cover", e.Cover)
	if len(e.Sections) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range e.Sections {
			sm := newMap()
			sm.str("id", s.ID)
			sm.text("title", s.Title, lang)
			sm.paras("introduction", s.Introduction, lang)
			seq.Content = append(seq.Content, sm.n)
		}
		m.add("sections", seq)
	}
	plates := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range e.Plates {
		pm := newMap()
		if !p.idDerived {
			pm.str("id", p.ID)
		}
		pm.str("number", p.Number)
		pm.str("section", p.Section)
		pm.text("caption", p.Caption, lang)
		pm.paras("description", p.Description, lang)
		if !p.Date.IsZero() || p.Date.Note != "" {
			dm := newMap()
			dm.str("text", p.Date.Text)
			dm.str("normalized", p.Date.Normalized)
			dm.str("note", p.Date.Note)
			pm.add("date", dm.n)
		}
		pm.str("creator", p.Creator)
		pm.str("place", p.Place)
		pm.str("medium", p.Medium)
		pm.str("dimensions", p.Dimensions)
		pm.text("credit", p.Credit, lang)
		pm.str("rights", p.Rights)
		pm.text("alt", p.Alt, lang)
		pm.strs("notes", p.Notes)
		imgs := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, im := range p.Images {
			imm := newMap()
			imm.str("path", im.Path)
			imm.text("label", im.Label, lang)
			imm.text("alt", im.Alt, lang)
			imgs.Content = append(imgs.Content, imm.n)
			if !im.Label.IsZero() || !im.Alt.IsZero() {
				imgs.Style = 0
			}
		}
		if len(p.Images) > 0 {
			imgs.Style = 0
		}
		pm.add("images", imgs)
		if len(p.Attachments) > 0 {
			seq := &yaml.Node{Kind: yaml.SequenceNode}
			for _, a := range p.Attachments {
				am := newMap()
				am.str("path", a.Path)
				am.text("label", a.Label, lang)
				seq.Content = append(seq.Content, am.n)
			}
			pm.add("attachments", seq)
		}
		if len(p.Metadata) > 0 {
			seq := &yaml.Node{Kind: yaml.SequenceNode}
			for _, f := range p.Metadata {
				fm := newMap()
				fm.add("label", scalar(f.Label))
				fm.add("value", scalar(f.Value))
				seq.Content = append(seq.Content, fm.n)
			}
			pm.add("metadata", seq)
		}
		plates.Content = append(plates.Content, pm.n)
	}
	m.add("plates", plates)
	m.strs("notes", e.Notes)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m.n}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type ymap struct{ n *yaml.Node }

func newMap() ymap { return ymap{&yaml.Node{Kind: yaml.MappingNode}} }

func (m ymap) add(k string, v *yaml.Node) {
	m.n.Content = append(m.n.Content, scalar(k), v)
}

func (m ymap) str(k, v string) {
	if v != "" {
		m.add(k, scalar(v))
	}
}

func (m ymap) strs(k string, l []string) {
	if len(l) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range l {
		seq.Content = append(seq.Content, scalar(s))
	}
	m.add(k, seq)
}

// text writes a language map: a plain string when it holds only the default
// language, else a map in sorted key order.
func (m ymap) text(k string, t Text, lang string) {
	if t.IsZero() {
		return
	}
	keys := nonEmptyKeys(t)
	if len(keys) == 1 && (keys[0] == lang || keys[0] == "") {
		m.add(k, scalar(t[keys[0]]))
		return
	}
	tm := newMap()
	for _, l := range keys {
		tm.add(l, scalar(t[l]))
	}
	m.add(k, tm.n)
}

func (m ymap) paras(k string, p Paragraphs, lang string) {
	var keys []string
	for l, v := range p {
		if len(v) > 0 {
			keys = append(keys, l)
		}
	}
	if len(keys) == 0 {
		return
	}
	sort.Strings(keys)
	list := func(l []string) *yaml.Node {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range l {
			seq.Content = append(seq.Content, scalar(s))
		}
		return seq
	}
	if len(keys) == 1 && (keys[0] == lang || keys[0] == "") {
		m.add(k, list(p[keys[0]]))
		return
	}
	pm := newMap()
	for _, l := range keys {
		pm.add(l, list(p[l]))
	}
	m.add(k, pm.n)
}

func nonEmptyKeys(t Text) []string {
	var keys []string
	for _, l := range t.Langs() {
		if t[l] != "" {
			keys = append(keys, l)
		}
	}
	return keys
}

// scalar is a string node; the encoder quotes it when it would otherwise
// read back as a number, boolean or null.
func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// ErrExists is returned by WriteExhibition when the folder already holds an
// exhibition file and force is false.
var ErrExists = errors.New("exhibition file exists")

// WriteExhibition writes e as dir/exhibition.yaml, creating dir if needed.
// It refuses to replace any existing exhibition file (see FileNames) unless
// force is set, and writes atomically: the bytes go to a temporary file in
// dir that is synced and renamed over the target, so a reader sees the old
// file or the new one, never a part.
func WriteExhibition(dir string, e *Exhibition, force bool) (string, error) {
	data, err := Marshal(e)
	if err != nil {
		return "", err
	}
	if !force {
		for _, n := range FileNames {
			if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
				return "", fmt.Errorf("%w: %s; use --force to replace it", ErrExists, filepath.Join(dir, n))
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	target := filepath.Join(dir, FileNames[0])
	return target, WriteFileAtomic(target, data, 0o644)
}

// WriteFileAtomic writes data to a temporary file beside name, syncs it and
// renames it to name, removing the temporary file on any failure.
func WriteFileAtomic(name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	ok = true
	return nil
}
