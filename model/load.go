package model

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// FileNames are the exhibition file names Load looks for in a folder, in order.
var FileNames = []string{"exhibition.yaml", "exhibition.yml", "exhibition.json"}

// ErrNoExhibition is returned when a folder holds no exhibition file.
var ErrNoExhibition = errors.New("no exhibition file")

// Find returns the exhibition file for path, which may be the file itself or
// its folder.
func Find(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return path, nil
	}
	for _, n := range FileNames {
		f := filepath.Join(path, n)
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("%s: %w (expected one of %s; `vitrine init` or `vitrine import` makes one)", path, ErrNoExhibition, strings.Join(FileNames, ", "))
}

// Load reads the exhibition at path (a folder or an exhibition file), checks
// its syntax and field names, and fills what can be derived: default
// languages of untagged text, identifiers and normalized dates. It does not
// look at images; call Validate for the full check.
//
// On a syntax or field error it returns a *Problems error (errors.Is
// ErrInvalid) listing every problem it found with its position.
func Load(path string) (*Exhibition, error) {
	file, err := Find(path)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, raw)
}

// Parse is Load for bytes already read; file names them in messages and
// its folder is the exhibition folder.
func Parse(file string, raw []byte) (*Exhibition, error) {
	ex := &Exhibition{File: file, Dir: filepath.Dir(file), Raw: raw, Positions: map[string]Pos{}}
	var ps Problems
	add := func(pos Pos, path, msg, hint string) {
		ps = append(ps, Problem{File: file, Pos: pos, Severity: Error, Path: path, Msg: msg, Hint: hint})
	}
	for _, p := range checkText(raw) {
		add(p.pos, "", p.msg, "save the file as UTF-8 text without control characters")
	}
	if len(ps) > 0 {
		return nil, &ps
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		add(yamlErrPos(err), "", strings.TrimPrefix(err.Error(), "yaml: "), "fix the syntax at this line")
		return nil, &ps
	}
	if len(doc.Content) == 0 {
		add(Pos{1, 1}, "", "the file is empty", "start from `vitrine init` or the sample in samples/")
		return nil, &ps
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		add(Pos{root.Line, root.Column}, "", "the file must be a mapping of fields (slug, title, plates, ...)", "see samples/ for an example")
		return nil, &ps
	}
	checkFields(root, reflect.TypeOf(Exhibition{}), "", ex.Positions, func(pos Pos, path, msg, hint string) { add(pos, path, msg, hint) })
	if err := root.Decode(ex); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				add(yamlErrPos(errors.New(e)), "", lineRe.ReplaceAllString(e, ""), "check the value's type against the schema (schema/exhibition.schema.json)")
			}
		} else {
			add(Pos{}, "", err.Error(), "")
		}
	}
	if len(ps) > 0 {
		return nil, &ps
	}
	ex.fill()
	return ex, nil
}

var lineRe = regexp.MustCompile(`^(yaml: )?line (\d+): `)

func yamlErrPos(err error) Pos {
	m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(err.Error())
	if m == nil {
		return Pos{}
	}
	n, _ := strconv.Atoi(m[1])
	// yaml.v3 reports parser errors with a 0-based line and scanner errors
	// with a 1-based one; parser errors are the "did not find expected" ones.
	if strings.Contains(err.Error(), "did not find expected") {
		n++
	}
	return Pos{Line: n, Col: 1}
}

type textProblem struct {
	pos Pos
	msg string
}

// checkText reports invalid UTF-8 and control characters with their position.
func checkText(raw []byte) []textProblem {
	var out []textProblem
	line, col := 1, 1
	if bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
		raw = raw[3:]
	}
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, textProblem{Pos{line, col}, fmt.Sprintf("invalid UTF-8 byte 0x%02X", raw[i])})
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r':
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			out = append(out, textProblem{Pos{line, col}, fmt.Sprintf("control character U+%04X", r)})
		}
		if len(out) >= 20 {
			break
		}
		i += size
		col++
	}
	return out
}

// checkFields walks the YAML tree against the Go type, reporting unknown
// field names (with a suggestion) and recording the position of every field.
func checkFields(n *yaml.Node, t reflect.Type, path string, pos map[string]Pos, add func(Pos, string, string, string)) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pos[path] = Pos{n.Line, n.Column}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a scalar form (Date as a string) or a type error Decode reports
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			ft, ok := fields[k.Value]
			if !ok {
				hint := "allowed here: " + strings.Join(names, ", ")
				if s := closest(k.Value, names); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				add(Pos{k.Line, k.Column}, p, fmt.Sprintf("unknown field %q", k.Value), hint)
				continue
			}
			checkFields(v, ft, p, pos, add)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			checkFields(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), pos, add)
		}
	}
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, cands []string) string {
	best, bestD := "", 3
	for _, c := range cands {
		if d := editDistance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev = cur
	}
	return prev[len(b)]
}

// fill derives what the file may leave out.
func (e *Exhibition) fill() {
	lang := e.Lang()
	texts := []*Text{&e.Title, &e.Subtitle, &e.Summary, &e.Credit}
	paras := []*Paragraphs{&e.Introduction}
	if e.Source != nil {
		texts = append(texts, &e.Source.Title)
	}
	for i := range e.Agents {
		texts = append(texts, &e.Agents[i].Name)
	}
	for i := range e.Sections {
		texts = append(texts, &e.Sections[i].Title)
		paras = append(paras, &e.Sections[i].Introduction)
	}
	for i := range e.Plates {
		p := &e.Plates[i]
		texts = append(texts, &p.Caption, &p.Credit, &p.Alt)
		paras = append(paras, &p.Description)
		for j := range p.Images {
			texts = append(texts, &p.Images[j].Label)
		}
	}
	for _, t := range texts {
		if v, ok := (*t)[""]; ok {
			delete(*t, "")
			if _, has := (*t)[lang]; !has {
				(*t)[lang] = v
			}
		}
	}
	for _, p := range paras {
		if v, ok := (*p)[""]; ok {
			delete(*p, "")
			if _, has := (*p)[lang]; !has {
				(*p)[lang] = v
			}
		}
	}
	if e.ID == "" && e.Slug != "" {
		e.ID = ExhibitionID(e.Slug).String()
	}
	for i := range e.Plates {
		p := &e.Plates[i]
		if p.ID == "" && e.ID != "" && p.Number != "" {
			p.ID = PlateID(e.ID, p.Number).String()
			p.idDerived = true
		}
		if p.Date.Normalized == "" && p.Date.Text != "" {
			p.Date.Normalized, p.Date.Note, _ = Normalize(p.Date.Text)
		}
	}
}

// ImagePath returns the image's path in the file system, refusing paths that
// are absolute or climb out of the exhibition folder. Symbolic links are
// checked when the file is opened (see OpenImage).
func (e *Exhibition) ImagePath(rel string) (string, error) {
	if err := CheckRelPath(rel); err != nil {
		return "", err
	}
	return filepath.Join(e.Dir, filepath.FromSlash(rel)), nil
}

// ErrUnsafePath is returned for a path that could reach outside its folder.
var ErrUnsafePath = errors.New("unsafe path")

// CheckRelPath refuses empty, absolute and ".." paths and backslashes.
func CheckRelPath(rel string) error {
	switch {
	case rel == "":
		return fmt.Errorf("%w: empty path", ErrUnsafePath)
	case strings.HasPrefix(rel, "/") || filepath.IsAbs(rel) || (len(rel) > 1 && rel[1] == ':'):
		return fmt.Errorf("%w: %q is absolute; give a path relative to the exhibition folder", ErrUnsafePath, rel)
	case strings.Contains(rel, `\`):
		return fmt.Errorf("%w: %q contains a backslash; use / between folders", ErrUnsafePath, rel)
	case !fs.ValidPath(rel):
		return fmt.Errorf("%w: %q leaves the exhibition folder or is not clean (no .., no ./, no //)", ErrUnsafePath, rel)
	}
	return nil
}

// OpenImage opens an image of the exhibition through an os.Root, so that
// neither ".." nor a symbolic link can reach outside the exhibition folder.
func (e *Exhibition) OpenImage(rel string) (*os.File, error) {
	if err := CheckRelPath(rel); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(e.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes") {
			return nil, fmt.Errorf("%w: %q is a symbolic link out of the exhibition folder", ErrUnsafePath, rel)
		}
		return nil, err
	}
	return f, nil
}
