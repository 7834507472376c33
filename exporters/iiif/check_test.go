package iiif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaFile finds the official Presentation 3.0 schema: $VITRINE_IIIF_SCHEMA,
// else shared/iiif/presentation-3.0.schema.json in this folder or an
// ancestor (the repository is checked out next to ../shared). It is never
// copied into the repository.
func schemaFile(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("VITRINE_IIIF_SCHEMA"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("VITRINE_IIIF_SCHEMA: %v", err)
		}
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "iiif", "presentation-3.0.schema.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	msg := "IIIF Presentation 3.0 schema not found: set VITRINE_IIIF_SCHEMA or check out the repository next to shared/iiif/presentation-3.0.schema.json"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// validateSchema validates the JSON document data against the class of the
// schema chosen by its "type" (Manifest or Collection), with "uri" and
// "date-time" formats asserted.
func validateSchema(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := schemaErrors(t, name, data); err != nil {
		t.Fatal(err)
	}
}

// schemaErrors is validateSchema returning the validation error.
func schemaErrors(t testing.TB, name string, data []byte) error {
	t.Helper()
	file := schemaFile(t)
	schemaOnce.Do(func() {
		f, err := os.Open(file)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		const id = "http://iiif.io/api/presentation/3/schema.json"
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		c.DefaultDraft(jsonschema.Draft7)
		if err := c.AddResource(id, doc); err != nil {
			schemaErr = err
			return
		}
		schemas = map[string]*jsonschema.Schema{}
		for typ, class := range map[string]string{"Manifest": "manifest", "Collection": "collection"} {
			s, err := c.Compile(id + "#/classes/" + class)
			if err != nil {
				schemaErr = err
				return
			}
			schemas[typ] = s
		}
	})
	if schemaErr != nil {
		t.Fatalf("compiling %s: %v", file, schemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	typ, _ := inst.(map[string]any)["type"].(string)
	s := schemas[typ]
	if s == nil {
		return fmt.Errorf("%s: type %q is neither Manifest nor Collection", name, typ)
	}
	if err := s.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("%s does not validate against %s:\n%s", name, file, ve.LocalizedError(message.NewPrinter(language.English)))
		}
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// conflicting behavior values (Presentation 3.0, behavior).
var disjoint = [][]string{
	{"auto-advance", "no-auto-advance"},
	{"repeat", "no-repeat"},
	{"unordered", "individuals", "continuous", "paged"},
	{"facing-pages", "non-paged"},
	{"multi-part", "together"},
	{"sequence", "thumbnail-nav", "no-nav"},
}

// checkPresentation checks what the schema does not: @context only at the
// top and the presentation context last; Canvas ids unique and without '#';
// each painting annotation targets its own Canvas and paints an image of
// the Canvas's size; AnnotationPage and Annotation ids present and unique;
// Ranges non-empty and pointing at Canvases of the Manifest; start pointing
// at a Canvas; thumbnails complete; references in a Collection labelled; no
// conflicting behavior values; language map keys valid BCP 47 or "none".
func checkPresentation(name string, data []byte) []string {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return []string{name + ": " + err.Error()}
	}
	var probs []string
	bad := func(f string, a ...any) { probs = append(probs, name+": "+fmt.Sprintf(f, a...)) }
	switch ctx := doc["@context"].(type) {
	case string:
		if ctx != presentationContext {
			bad("@context %q is not the Presentation 3 context", ctx)
		}
	case []any:
		if len(ctx) == 0 || ctx[len(ctx)-1] != presentationContext {
			bad("@context must end with the Presentation 3 context")
		}
	default:
		bad("no @context")
	}
	if doc["type"] == "Manifest" && len(asList(doc["items"])) == 0 {
		// §3.3.1 items: "A Manifest must have the items property with at
		// least one item"; the schema does not say so.
		bad("a Manifest without a Canvas")
	}
	ids := map[string]string{}
	canvasIDs := map[string]bool{}
	var walk func(v any, path string, top bool)
	walk = func(v any, path string, top bool) {
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i), false)
			}
		case map[string]any:
			if _, ok := x["@context"]; ok && !top {
				bad("%s: @context on an embedded resource", path)
			}
			typ, _ := x["type"].(string)
			id, _ := x["id"].(string)
			embedded := x["items"] != nil
			switch typ {
			case "Canvas", "AnnotationPage", "Annotation", "Range", "Manifest", "Collection":
				if id == "" {
					bad("%s: %s without id", path, typ)
				}
				if embedded || typ == "Annotation" {
					if prev, dup := ids[id]; dup {
						bad("%s: id %s also used at %s", path, id, prev)
					}
					ids[id] = path
				}
			}
			if typ == "Canvas" && embedded {
				canvasIDs[id] = true
				if strings.Contains(id, "#") {
					bad("%s: Canvas id %s contains '#'", path, id)
				}
				w, _ := x["width"].(float64)
				h, _ := x["height"].(float64)
				if w <= 0 || h <= 0 || w != math.Trunc(w) || h != math.Trunc(h) {
					bad("%s: Canvas size %vx%v is not two positive integers", path, x["width"], x["height"])
				}
				for _, pg := range asList(x["items"]) {
					for _, a := range asList(pg.(map[string]any)["items"]) {
						am := a.(map[string]any)
						if am["motivation"] != "painting" {
							continue
						}
						if am["target"] != id {
							bad("%s: painting annotation %v targets %v, not its Canvas", path, am["id"], am["target"])
						}
						body, _ := am["body"].(map[string]any)
						if body == nil || body["width"] != x["width"] || body["height"] != x["height"] {
							bad("%s: painted image is not the Canvas's size", path)
						}
					}
				}
				if len(asList(x["thumbnail"])) == 0 {
					bad("%s: Canvas without thumbnail", path)
				}
			}
			if typ == "Range" && len(asList(x["items"])) == 0 {
				bad("%s: Range without items", path)
			}
			if (typ == "Manifest" || typ == "Collection") && !top {
				if _, ok := x["label"]; !ok {
					bad("%s: reference to %s %s without label", path, typ, id)
				}
			}
			for _, th := range asList(x["thumbnail"]) {
				tm := th.(map[string]any)
				for _, k := range []string{"id", "type", "format", "width", "height"} {
					if tm[k] == nil {
						bad("%s.thumbnail: no %s", path, k)
					}
				}
			}
			if bs := asList(x["behavior"]); len(bs) > 0 {
				have := map[string]bool{}
				for _, b := range bs {
					have[b.(string)] = true
				}
				for _, set := range disjoint {
					n := 0
					for _, s := range set {
						if have[s] {
							n++
						}
					}
					if n > 1 {
						bad("%s: conflicting behavior values %v", path, bs)
					}
				}
			}
			for k, e := range x {
				switch k {
				case "label", "summary", "value":
					if lm, ok := e.(map[string]any); ok {
						for tag := range lm {
							if _, err := language.Parse(tag); err != nil && tag != "none" {
								bad("%s.%s: %q is not a BCP 47 tag", path, k, tag)
							}
						}
					}
				}
				walk(e, path+"."+k, false)
			}
		}
	}
	walk(doc, "$", true)
	// references to canvases: start and range items
	if doc["type"] == "Manifest" {
		if st, ok := doc["start"].(map[string]any); ok && !canvasIDs[st["id"].(string)] {
			bad("start %v is not a Canvas of the Manifest", st["id"])
		}
		var ranges func(v any)
		ranges = func(v any) {
			for _, r := range asList(v) {
				rm := r.(map[string]any)
				if rm["type"] == "Canvas" && !canvasIDs[rm["id"].(string)] {
					bad("a Range points at %v, not a Canvas of the Manifest", rm["id"])
				}
				ranges(rm["items"])
			}
		}
		ranges(doc["structures"])
	}
	return probs
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// resolvable reports whether a resource of this type is a document or file
// that must exist at its id, rather than a name (Canvas, Range, annotations).
func resolvable(typ string) bool {
	switch typ {
	case "Canvas", "Range", "AnnotationPage", "Annotation", "SpecificResource",
		"sc:Canvas", "sc:Range", "sc:Sequence", "oa:Annotation":
		return false
	}
	return true
}

// checkURLs checks that every URL under base in the JSON file rel of OUT
// exists as a file in OUT: ids of documents and images, links, logos and
// image services (their info.json). It returns the info.json files found
// and the problems.
func checkURLs(out, base, rel string) (infos []string, probs []string) {
	data, err := os.ReadFile(filepath.Join(out, rel))
	if err != nil {
		return nil, []string{err.Error()}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, []string{rel + ": " + err.Error()}
	}
	seen := map[string]bool{}
	check := func(u, path string) {
		if !strings.HasPrefix(u, base) {
			return
		}
		u, _, _ = strings.Cut(u, "#")
		if seen[u] {
			return
		}
		seen[u] = true
		local := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(u, base)))
		if st, err := os.Stat(local); err != nil || st.IsDir() {
			probs = append(probs, fmt.Sprintf("%s: %s: %s does not exist in OUT", rel, path, u))
		}
	}
	var walk func(v any, path, key string)
	walk = func(v any, path, key string) {
		switch x := v.(type) {
		case string:
			switch key {
			case "target", "on", "startCanvas", "canvases", "ranges":
				// names of canvases and ranges, not files
			default:
				check(x, path)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i), key)
			}
		case map[string]any:
			typ, _ := x["type"].(string)
			if typ == "" {
				typ, _ = x["@type"].(string)
			}
			if x["@context"] == imageContext2 {
				typ = "ImageService2"
			}
			for k, e := range x {
				switch {
				case (k == "id" || k == "@id") && strings.HasPrefix(typ, "ImageService"):
					s := e.(string)
					check(s+"/info.json", path+".id")
					if strings.HasPrefix(s, base) {
						infos = append(infos, strings.TrimPrefix(s, base)+"/info.json")
					}
				case (k == "id" || k == "@id") && !resolvable(typ):
				case k == "start":
				default:
					walk(e, path+"."+k, k)
				}
			}
		}
	}
	walk(doc, "$", "")
	sort.Strings(infos)
	return infos, probs
}

// osdURLs lists every URL OpenSeadragon (6.x, IIIFTileSource) may request
// from an Image API 3 level-0 service with tiles, written here from its
// getTileUrl, getNumTiles and levelSizes logic in floating point, as
// JavaScript computes it, independently of tiles.go.
func osdURLs(info map[string]any) []string {
	version := 3
	if info["@context"] == imageContext2 {
		version = 2
	}
	W := info["width"].(float64)
	H := info["height"].(float64)
	tiles := info["tiles"].([]any)[0].(map[string]any)
	tw := tiles["width"].(float64)
	th := tw
	if h, ok := tiles["height"].(float64); ok {
		th = h
	}
	var sfs []float64
	maxSF := 0.0
	for _, s := range tiles["scaleFactors"].([]any) {
		sfs = append(sfs, s.(float64))
		maxSF = math.Max(maxSF, s.(float64))
	}
	maxLevel := int(math.Round(math.Log(maxSF) * math.Log2E))
	// levelSizes from "sizes" when they are exactly one per level
	type wh struct{ w, h float64 }
	var levelSizes []wh
	if sz, ok := info["sizes"].([]any); ok && len(sz) > 0 {
		var sorted []wh
		for _, s := range sz {
			m := s.(map[string]any)
			sorted = append(sorted, wh{m["width"].(float64), m["height"].(float64)})
		}
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].w < sorted[j].w })
		if last := sorted[len(sorted)-1]; last.w < W && last.h < H {
			sorted = append(sorted, wh{W, H})
		}
		if len(sorted) == maxLevel+1 {
			ok := true
			if len(sfs) == len(sorted) {
				for i := range sorted {
					f := sfs[len(sorted)-i-1]
					if math.Round(W/sorted[i].w) != f || math.Round(H/sorted[i].h) != f {
						ok = false
					}
				}
			}
			if ok {
				levelSizes = sorted
			}
		}
	}
	id, _ := info["id"].(string)
	if version == 2 {
		id, _ = info["@id"].(string)
	}
	var urls []string
	for level := 0; level <= maxLevel; level++ {
		scale := math.Pow(0.5, float64(maxLevel-level))
		var lw, lh float64
		if levelSizes != nil {
			lw, lh = levelSizes[level].w, levelSizes[level].h
		} else {
			lw, lh = math.Ceil(W*scale), math.Ceil(H*scale)
		}
		var nx, ny int
		if levelSizes != nil {
			nx, ny = int(math.Ceil(lw/tw)), int(math.Ceil(lh/th))
		} else {
			nx, ny = int(math.Ceil(scale*W/tw)), int(math.Ceil(scale*H/th))
		}
		sizeW := math.Round(tw / scale)
		sizeH := math.Round(th / scale)
		for y := 0; y < ny; y++ {
			for x := 0; x < nx; x++ {
				var region, size string
				if lw < tw && lh < th {
					region = "full"
					switch {
					case version == 2 && lw == W:
						size = "full"
					case version == 2:
						size = fmt.Sprintf("%v,", lw)
					case lw == W && lh == H:
						size = "max"
					default:
						size = fmt.Sprintf("%v,%v", lw, lh)
					}
				} else {
					rx, ry := float64(x)*sizeW, float64(y)*sizeH
					rw, rh := math.Min(sizeW, W-rx), math.Min(sizeH, H-ry)
					if x == 0 && y == 0 && rw == W && rh == H {
						region = "full"
					} else {
						region = fmt.Sprintf("%v,%v,%v,%v", rx, ry, rw, rh)
					}
					sw := math.Min(tw, lw-float64(x)*tw)
					sh := math.Min(th, lh-float64(y)*th)
					switch {
					case version == 2 && sw == W:
						size = "full"
					case version == 2: // level 0 below 3: width only
						size = fmt.Sprintf("%v,", sw)
					case sw == W && sh == H:
						size = "max"
					default:
						size = fmt.Sprintf("%v,%v", sw, sh)
					}
				}
				urls = append(urls, id+"/"+region+"/"+size+"/0/default.jpg")
			}
		}
	}
	return urls
}

// uvURLs lists the URLs Universal Viewer 4.4.0 requests from an image
// service whatever its info.json says, read from its source (manifesto.js's
// Canvas.getCanonicalImageUri, called by its Thumb with the widths of UV's
// default configuration, and by the download dialogue with the image's full
// width): {id}/full/{w},/0/default.jpg for w = 90 (twoColThumbWidth,
// bookmarkThumbWidth), 200 (galleryThumbWidth, oneColThumbWidth) and the
// full width ("whole image" download). Independent of tiles.go.
func uvURLs(info map[string]any) []string {
	id, _ := info["id"].(string)
	if info["@context"] == imageContext2 {
		id, _ = info["@id"].(string)
	}
	var urls []string
	for _, w := range []any{90, 200, info["width"]} {
		urls = append(urls, fmt.Sprintf("%s/full/%v,/0/default.jpg", id, w))
	}
	return urls
}

// checkImageService checks one info.json in OUT: its id is where it lives;
// every listed size, full/max and every URL OpenSeadragon requests exists as
// a JPEG of exactly the size its URL names.
func checkImageService(out, base, rel string) []string {
	var probs []string
	bad := func(f string, a ...any) { probs = append(probs, rel+": "+fmt.Sprintf(f, a...)) }
	data, err := os.ReadFile(filepath.Join(out, rel))
	if err != nil {
		return []string{err.Error()}
	}
	var info map[string]any
	if err := json.Unmarshal(data, &info); err != nil {
		return []string{rel + ": " + err.Error()}
	}
	v2 := info["@context"] == imageContext2
	id, _ := info["id"].(string)
	want := map[string]any{"@context": imageContext, "type": "ImageService3", "protocol": "http://iiif.io/api/image", "profile": "level0"}
	if v2 {
		id, _ = info["@id"].(string)
		want = map[string]any{"protocol": "http://iiif.io/api/image"}
		if p := asList(info["profile"]); len(p) == 0 || p[0] != level0v2 {
			bad("profile %v is not level 0 of Image API 2", info["profile"])
		}
	}
	if want := base + strings.TrimSuffix(rel, "/info.json"); id != want {
		bad("id %s, want %s", id, want)
	}
	for k, want := range want {
		if info[k] != want {
			bad("%s is %v, want %v", k, info[k], want)
		}
	}
	W, H := int(info["width"].(float64)), int(info["height"].(float64))
	urls := []string{id + "/full/max/0/default.jpg"}
	if v2 {
		urls = []string{id + "/full/full/0/default.jpg"}
	}
	sizes := asList(info["sizes"])
	if len(sizes) == 0 {
		bad("no sizes listed")
	}
	for _, s := range sizes {
		m := s.(map[string]any)
		if v2 {
			urls = append(urls, fmt.Sprintf("%s/full/%v,/0/default.jpg", id, m["width"]))
		} else {
			urls = append(urls, fmt.Sprintf("%s/full/%v,%v/0/default.jpg", id, m["width"], m["height"]))
		}
	}
	urls = append(urls, osdURLs(info)...)
	urls = append(urls, uvURLs(info)...)
	for _, u := range urls {
		rest := strings.TrimPrefix(u, id+"/")
		parts := strings.Split(rest, "/")
		file := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(u, base)))
		f, err := os.Open(file)
		if err != nil {
			bad("%s is missing", rest)
			continue
		}
		cfg, format, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || format != "jpeg" {
			bad("%s is not a JPEG: %v", rest, err)
			continue
		}
		ww, wh := W, H
		switch {
		case parts[1] == "max" || v2 && parts[1] == "full":
		case strings.HasSuffix(parts[1], ","):
			// "w,": the height follows from the region's aspect ratio
			// (for the whole image, rounded either way)
			fmt.Sscanf(parts[1], "%d,", &ww)
			wh = cfg.Height
			if exact := float64(H) * float64(ww) / float64(W); parts[0] == "full" && math.Abs(float64(cfg.Height)-exact) >= 1 {
				bad("%s is %dx%d, want a height of %.1f for the aspect ratio of %dx%d", rest, cfg.Width, cfg.Height, exact, W, H)
			}
		default:
			fmt.Sscanf(parts[1], "%d,%d", &ww, &wh)
		}
		if v2 && parts[1] == "full" && parts[0] != "full" {
			ww, wh = cfg.Width, cfg.Height // a full-width tile: its region says the rest
		}
		if cfg.Width != ww || cfg.Height != wh {
			bad("%s is %dx%d, its URL says %dx%d", rest, cfg.Width, cfg.Height, ww, wh)
		}
	}
	return probs
}

// checkOut runs every check on the IIIF output in out: schema and Go checks
// of every manifest and the collection, URLs under base, image services.
func checkOut(t *testing.T, out, base string) {
	t.Helper()
	files := []string{"iiif/collection.json"}
	ms, _ := filepath.Glob(filepath.Join(out, "iiif", "*", "manifest.json"))
	for _, m := range ms {
		r, _ := filepath.Rel(out, m)
		files = append(files, filepath.ToSlash(r))
	}
	var probs []string
	var infos []string
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(presentationContext2)) {
			probs = append(probs, checkPresentation2(f, data)...)
		} else {
			validateSchema(t, f, data)
			probs = append(probs, checkPresentation(f, data)...)
		}
		in, p := checkURLs(out, base, f)
		probs = append(probs, p...)
		infos = append(infos, in...)
	}
	seen := map[string]bool{}
	for _, in := range infos {
		if seen[in] {
			continue
		}
		seen[in] = true
		probs = append(probs, checkImageService(out, base, in)...)
		_, p := checkURLs(out, base, in)
		probs = append(probs, p...)
	}
	if len(probs) > 0 {
		t.Fatalf("%d problems:\n%s", len(probs), strings.Join(probs, "\n"))
	}
}

// checkPresentation2 checks a Presentation 2.1 manifest or collection (no
// official schema is at hand for 2.1): context, ids and types, labels,
// canvases with positive sizes and unique ids without '#', painting
// annotations on their own canvas with a level-0 Image API 2 service,
// startCanvas and ranges pointing at what exists, labelled manifest
// references.
func checkPresentation2(name string, data []byte) []string {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return []string{name + ": " + err.Error()}
	}
	var probs []string
	bad := func(f string, a ...any) { probs = append(probs, name+": "+fmt.Sprintf(f, a...)) }
	if doc["@context"] != presentationContext2 {
		bad("@context %v", doc["@context"])
	}
	if id, _ := doc["@id"].(string); !strings.HasPrefix(id, "http") {
		bad("@id %v", doc["@id"])
	}
	if doc["label"] == nil {
		bad("no label")
	}
	if l, ok := doc["license"].(string); ok && !strings.HasPrefix(l, "http://") {
		bad("license %s is not an http URI", l)
	}
	switch doc["@type"] {
	case "sc:Collection":
		for i, m := range asList(doc["manifests"]) {
			mm := m.(map[string]any)
			if mm["@type"] != "sc:Manifest" || mm["label"] == nil || mm["@id"] == nil {
				bad("manifests[%d] %v", i, mm)
			}
		}
		return probs
	case "sc:Manifest":
	default:
		bad("@type %v", doc["@type"])
		return probs
	}
	canvases := map[string]bool{}
	seqs := asList(doc["sequences"])
	if len(seqs) == 0 {
		bad("no sequence")
		return probs
	}
	seq := seqs[0].(map[string]any)
	if len(asList(seq["canvases"])) == 0 {
		bad("a sequence without a canvas (2.1 §5.3: each sequence must have at least one)")
	}
	for i, c := range asList(seq["canvases"]) {
		cm := c.(map[string]any)
		id, _ := cm["@id"].(string)
		if cm["@type"] != "sc:Canvas" || id == "" || strings.Contains(id, "#") || canvases[id] {
			bad("canvas %d: @type %v, @id %q (must be unique, without '#')", i, cm["@type"], id)
		}
		canvases[id] = true
		if cm["label"] == nil {
			bad("canvas %s has no label", id)
		}
		w, _ := cm["width"].(float64)
		h, _ := cm["height"].(float64)
		if w <= 0 || h <= 0 {
			bad("canvas %s size %vx%v", id, cm["width"], cm["height"])
		}
		ims := asList(cm["images"])
		if len(ims) == 0 {
			bad("canvas %s has no image", id)
		}
		for _, im := range ims {
			am := im.(map[string]any)
			res, _ := am["resource"].(map[string]any)
			if am["@type"] != "oa:Annotation" || am["motivation"] != "sc:painting" || am["on"] != id || res == nil {
				bad("canvas %s: image annotation %v", id, am)
				continue
			}
			if res["width"] != cm["width"] || res["height"] != cm["height"] {
				bad("canvas %s: image is not the canvas's size", id)
			}
			if svc, ok := res["service"].(map[string]any); ok && (svc["@context"] != imageContext2 || svc["profile"] != level0v2) {
				bad("canvas %s: service %v", id, svc)
			}
		}
	}
	if st, ok := seq["startCanvas"].(string); ok && !canvases[st] {
		bad("startCanvas %s is not a canvas", st)
	}
	ranges := map[string]bool{}
	for _, r := range asList(doc["structures"]) {
		ranges[r.(map[string]any)["@id"].(string)] = true
	}
	for _, r := range asList(doc["structures"]) {
		rm := r.(map[string]any)
		if rm["@type"] != "sc:Range" || rm["label"] == nil {
			bad("range %v", rm["@id"])
		}
		if len(asList(rm["canvases"]))+len(asList(rm["ranges"])) == 0 {
			bad("range %v is empty", rm["@id"])
		}
		for _, c := range asList(rm["canvases"]) {
			if !canvases[c.(string)] {
				bad("range %v names %v, not a canvas", rm["@id"], c)
			}
		}
		for _, c := range asList(rm["ranges"]) {
			if !ranges[c.(string)] {
				bad("range %v names %v, not a range", rm["@id"], c)
			}
		}
	}
	return probs
}
