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

	"golang.org/x/text/language"
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
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w: there is no such folder or file (give the exhibition folder, the one that holds exhibition.yaml)", path, ErrNoExhibition)
	}
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
// ErrInvalid) listing every problem it found with its position. When the
// document could still be read whole (unknown fields, escaped control
// characters), the exhibition is returned along with the error, for a
// caller that wants to validate it and report every problem together.
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
		msg := lineRe.ReplaceAllString(err.Error(), "")
		pos, hint := yamlErrPos(err), "fix the syntax at this line"
		if strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token") {
			// yaml.v3 places these one line early or late; a tab in an
			// indentation is what they nearly always mean.
			if tp, ok := indentTab(raw); ok {
				pos, hint = tp, "YAML indents with spaces only: replace the tab at the start of this line with spaces"
			}
		}
		add(pos, "", msg, hint)
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
	checkEscapes(root, func(pos Pos, msg string) {
		add(pos, "", msg, "remove the escape; captions and titles cannot hold control characters")
	})
	checkFields(root, reflect.TypeOf(Exhibition{}), "", ex.Positions, func(pos Pos, path, msg, hint string) { add(pos, path, msg, hint) })
	decoded := true
	if err := root.Decode(ex); err != nil {
		decoded = false
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				hint := "check the value's type against the schema (model/exhibition.schema.json)"
				if strings.Contains(e, "already defined") {
					hint = "a field may appear only once in the same place: keep one of the two and delete the other"
				}
				add(yamlErrPos(errors.New(e)), "", lineRe.ReplaceAllString(e, ""), hint)
			}
		} else {
			add(Pos{}, "", err.Error(), "")
		}
	}
	if len(ps) > 0 {
		if !decoded {
			return nil, &ps
		}
		// The document was read whole (the problems are unknown fields
		// or escaped control characters): return it too, so that the
		// caller can run Validate and report every problem in one run.
		ex.fill()
		return ex, &ps
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

// indentTab finds the first tab among the spaces that start a line.
func indentTab(raw []byte) (Pos, bool) {
	for i, l := range strings.Split(string(raw), "\n") {
		for j, c := range l {
			if c == '\t' {
				return Pos{Line: i + 1, Col: j + 1}, true
			}
			if c != ' ' {
				break
			}
		}
	}
	return Pos{}, false
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

// fileKind names the type of a file that is neither regular nor a folder.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// checkEscapes reports control characters that reach a value through an
// escape in a double-quoted string ("\0", "\u0007", "\x1b"), which
// checkText cannot see in the raw bytes: one problem per value, at its
// position.
func checkEscapes(n *yaml.Node, add func(Pos, string)) {
	if n.Kind == yaml.ScalarNode {
		for i, r := range n.Value {
			if isControl(r) {
				add(Pos{n.Line, n.Column}, fmt.Sprintf("control character U+%04X in this value (character %d)", r, utf8.RuneCountInString(n.Value[:i])+1))
				break
			}
		}
	}
	for _, c := range n.Content {
		checkEscapes(c, add)
	}
}

// isControl reports the control characters refused in text: C0 except tab,
// line feed and carriage return, DEL, and C1.
func isControl(r rune) bool {
	return r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0))
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
	for i, l := range e.Languages {
		e.Languages[i] = canonicalTag(l)
	}
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
			texts = append(texts, &p.Images[j].Label, &p.Images[j].Alt)
		}
		for j := range p.Attachments {
			texts = append(texts, &p.Attachments[j].Label)
		}
	}
	for _, t := range texts {
		for k, v := range *t {
			if c := canonicalTag(k); c != k {
				if _, has := (*t)[c]; !has {
					delete(*t, k)
					(*t)[c] = v
				}
			}
		}
		if v, ok := (*t)[""]; ok {
			delete(*t, "")
			if _, has := (*t)[lang]; !has {
				(*t)[lang] = v
			}
		}
	}
	for _, p := range paras {
		for k, v := range *p {
			if c := canonicalTag(k); c != k {
				if _, has := (*p)[c]; !has {
					delete(*p, k)
					(*p)[c] = v
				}
			}
		}
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
//
// An image path may not hold control characters (NUL, line breaks, escape
// sequences): they would reach every output that names the file.
func (e *Exhibition) OpenImage(rel string) (*os.File, error) {
	if err := CheckRelPath(rel); err != nil {
		return nil, err
	}
	if strings.ContainsFunc(rel, func(r rune) bool { return r == '\t' || r == '\n' || r == '\r' || isControl(r) }) {
		return nil, fmt.Errorf("%w: %q contains a control character; rename the file", ErrUnsafePath, rel)
	}
	root, err := os.OpenRoot(e.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	// A named pipe would block the open or the read for ever, and a device
	// could be read without end: only regular files (and folders, which
	// the caller reports) are opened.
	if st, err := root.Stat(filepath.FromSlash(rel)); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		return nil, fmt.Errorf("%w: %q is not a regular file (%s); give an image file", ErrUnsafePath, rel, fileKind(st.Mode()))
	}
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

// canonicalTag writes a BCP 47 tag in its canonical case ("EN" -> "en",
// "zh-hant" -> "zh-Hant", "en-gb" -> "en-GB"); a tag that does not parse is
// returned as it is, for Validate to report.
func canonicalTag(tag string) string {
	if tag == "" {
		return tag
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if c := t.String(); strings.EqualFold(c, tag) {
		return c
	}
	return tag
}
