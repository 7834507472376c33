package model

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaFile = "exhibition.schema.json"

// TestSchemaInSync regenerates the JSON Schema from the Go types and compares
// it with the file shipped in the repository. UPDATE_GOLDEN=1 rewrites it.
func TestSchemaInSync(t *testing.T) {
	got, err := Schema(".")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./model to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("model/%s is out of date with the Go types; run UPDATE_GOLDEN=1 go test ./model", schemaFile)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlToJSONValue converts YAML text to the value the schema validator reads.
func yamlToJSONValue(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaAgreesWithLoader checks that the schema accepts what the loader
// accepts and rejects the typos the loader rejects, so an editor using it
// tells a curator the same thing vitrine would.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileSchema(t)
	if err := s.Validate(yamlToJSONValue(t, base)); err != nil {
		t.Errorf("schema rejects the valid base fixture: %v", err)
	}
	multi := strings.Replace(base, "title: A test exhibition", "title: {en: A test, ko: 시험}\nintroduction: {en: [one, two]}", 1)
	if err := s.Validate(yamlToJSONValue(t, multi)); err != nil {
		t.Errorf("schema rejects language maps: %v", err)
	}
	typo := strings.Replace(base, "    caption: First plate", "    captoin: First plate", 1)
	if err := s.Validate(yamlToJSONValue(t, typo)); err == nil {
		t.Error("schema accepts an unknown field")
	}
	if err := s.Validate(yamlToJSONValue(t, strings.Replace(base, "slug: test-exhibition\n", "", 1))); err == nil {
		t.Error("schema accepts a missing slug")
	}
	samples, _ := filepath.Glob("../samples/*/exhibition.yaml")
	for _, f := range samples {
		b, _ := os.ReadFile(f)
		if err := s.Validate(yamlToJSONValue(t, string(b))); err != nil {
			t.Errorf("%s does not match the schema: %v", f, err)
		}
	}
}
