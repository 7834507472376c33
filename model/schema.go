package model

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
)

// SchemaID is the $id of the exhibition file's JSON Schema.
const SchemaID = "urn:vitrine:schema:exhibition:1"

// Schema returns the JSON Schema (draft 2020-12) of the exhibition file,
// generated from the Go types so the two cannot drift apart. srcDir, when not
// empty, is the folder of this package's source; field descriptions are then
// taken from the doc comments. The file model/exhibition.schema.json is this
// output; a test keeps it in sync (UPDATE_GOLDEN=1 rewrites it).
func Schema(srcDir string) ([]byte, error) {
	g := &schemaGen{docs: map[string]string{}, defs: map[string]any{}}
	if srcDir != "" {
		if err := g.readDocs(srcDir); err != nil {
			return nil, err
		}
	}
	root := g.object(reflect.TypeOf(Exhibition{}))
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "vitrine exhibition file (exhibition.yaml or exhibition.json)"
	root["$defs"] = g.defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type schemaGen struct {
	docs map[string]string // "Type.Field" or "Type" -> doc
	defs map[string]any
}

func (g *schemaGen) readDocs(dir string) error {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	var astFiles []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		astFiles = append(astFiles, af)
	}
	p, err := doc.NewFromFiles(fset, astFiles, "github.com/vitrine-tools/vitrine/model")
	if err != nil {
		return err
	}
	for _, t := range p.Types {
		g.docs[t.Name] = clean(t.Doc)
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					d := f.Doc.Text()
					if d == "" {
						d = f.Comment.Text()
					}
					g.docs[t.Name+"."+n.Name] = clean(d)
				}
			}
		}
	}
	return nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

var (
	textType  = reflect.TypeOf(Text{})
	parasType = reflect.TypeOf(Paragraphs{})
	dateType  = reflect.TypeOf(Date{})
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case textType:
		g.defs["text"] = map[string]any{
			"description": "A string in the exhibition's first language, or a map of BCP 47 language tag to string.",
			"oneOf": []any{
				map[string]any{"type": "string"},
				map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			},
		}
		return map[string]any{"$ref": "#/$defs/text"}
	case parasType:
		g.defs["paragraphs"] = map[string]any{
			"description": "Paragraphs in the exhibition's first language, or a map of BCP 47 language tag to paragraphs.",
			"oneOf": []any{
				map[string]any{"type": "string"},
				map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				map[string]any{"type": "object", "additionalProperties": map[string]any{
					"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}}},
			},
		}
		return map[string]any{"$ref": "#/$defs/paragraphs"}
	case dateType:
		obj := g.object(t)
		g.defs["date"] = map[string]any{
			"description": g.docs["Date"],
			"oneOf":       []any{map[string]any{"type": "string", "description": "the date as written; normalized on load"}, obj},
		}
		return map[string]any{"$ref": "#/$defs/date"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Struct:
		name := strings.ToLower(t.Name())
		if _, done := g.defs[name]; !done {
			g.defs[name] = nil // reserve against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		s := g.schema(f.Type)
		if d := g.docs[t.Name()+"."+f.Name]; d != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": d}
			} else {
				s["description"] = d
			}
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	if d := g.docs[t.Name()]; d != "" {
		o["description"] = d
	}
	return o
}
