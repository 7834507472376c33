package csvimport

import (
	"fmt"
	"os"
	pathpkg "path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// imageExts are the extensions of the image files a sheet's id may name
// (Wax-style sheets without a file column).
var imageExts = []string{".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".webp"}

// found is a file a cell names, found on disk.
type found struct {
	// path is the path to write in the exhibition file.
	path string
	// dir and rel locate the file for its check: dir/rel.
	dir, rel string
	// attachment: a PDF, audio or video file, not an image.
	attachment bool
}

// resolver finds the files a sheet names under the images folder, and
// says where they go in the exhibition folder.
type resolver struct {
	dir, out string
	inOut    bool   // dir is inside out: refer to files in place
	prefix   string // dir relative to out, when inOut
	listings map[string]*listing
	copies   []importer.Copy
	dsts     map[string]string // copy destination -> source
	fetch    *fetcher          // nil: URLs are not downloaded
}

func newResolver(dir, out string, f *fetcher) *resolver {
	rv := &resolver{dir: dir, out: out, listings: map[string]*listing{}, dsts: map[string]string{}, fetch: f}
	ad, err1 := filepath.Abs(dir)
	ao, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(ao, ad); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			rv.inOut = true
			rv.prefix = filepath.ToSlash(rel)
		}
	}
	return rv
}

// isURL reports whether a cell names a file by URL.
func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "ftp://")
}

// cellResult is what one cell of the file column gave.
type cellResult struct {
	files []found
	// urls not downloaded (no --fetch): kept as metadata.
	urls []string
}

// cell resolves one cell of the file column: names separated by ";" (or,
// when the whole cell names no file, by ","), each a path under the images
// folder or a URL. note and fail report on the cell.
func (rv *resolver) cell(v string, note, fail func(format string, args ...any)) cellResult {
	var res cellResult
	for _, name := range strings.Split(v, ";") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if isURL(name) {
			rv.url(name, &res, note, fail)
			continue
		}
		f, notes, err := rv.find(name)
		if err != nil && strings.Contains(name, ",") {
			// "a.jpg, b.pdf": a list separated by commas, if its parts
			// name files.
			parts := strings.Split(name, ",")
			var fs []found
			var pn []string
			var perrs []error
			for _, p := range parts {
				p = strings.TrimSpace(p)
				if p == "" {
					continue
				}
				if isURL(p) {
					rv.url(p, &res, note, fail)
					continue
				}
				pf, n, perr := rv.find(p)
				if perr != nil {
					perrs = append(perrs, perr)
					continue
				}
				fs, pn = append(fs, pf), append(pn, n...)
			}
			if len(fs) > 0 || len(perrs) < len(parts) {
				note("%q read as a list of %d files separated by commas (separate several files with \";\")", name, len(parts))
				for _, n := range pn {
					note("%s", n)
				}
				for _, e := range perrs {
					fail("%v", e)
				}
				res.files = append(res.files, fs...)
				continue
			}
		}
		if err != nil {
			fail("%v", err)
			continue
		}
		for _, n := range notes {
			note("%s", n)
		}
		res.files = append(res.files, f)
	}
	return res
}

// url downloads a file named by URL when asked (--fetch), else reports it.
func (rv *resolver) url(u string, res *cellResult, note, fail func(format string, args ...any)) {
	if rv.fetch == nil {
		note("%s is a URL, not a file under the images folder: it was not downloaded (give --fetch to download files named by URL); kept as metadata", u)
		res.urls = append(res.urls, u)
		return
	}
	dir, name, err := rv.fetch.get(u)
	if err != nil {
		fail("%v", err)
		return
	}
	note("downloaded %s (%s)", u, name)
	res.files = append(res.files, rv.place(dir, name, name, true))
}

// find finds name (slash-separated, relative to the images folder): each
// path element exactly, else regardless of letter case and Unicode
// normalization (with a notice), else a name without an extension that
// names one image, PDF, audio or video file; otherwise the error lists the
// closest names ("did you mean").
func (rv *resolver) find(name string) (found, []string, error) {
	orig := name
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimPrefix(name, "./")
	switch {
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) }):
		return found{}, nil, fmt.Errorf("file %q holds a control character; rename the file", orig)
	case filepath.IsAbs(name) || strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return found{}, nil, fmt.Errorf("file %q is an absolute path; name files relative to the images folder %s (--images)", orig, rv.dir)
	}
	if err := model.CheckRelPath(name); err != nil {
		return found{}, nil, fmt.Errorf("file %q leaves the images folder %s or is not a clean path (no .., no ./, no //); name files relative to it", orig, rv.dir)
	}
	var notes []string
	parts := strings.Split(name, "/")
	names := make([]string, 0, len(parts))
	cur := rv.dir
	for k, part := range parts {
		ls, err := rv.list(cur)
		if err != nil {
			return found{}, nil, fmt.Errorf("file %q: cannot read the folder %s: %v", orig, cur, err)
		}
		entries := ls.names
		match := ""
		if ls.exact[part] {
			match = part
		}
		if match == "" {
			cands := ls.fold[foldKey(part)]
			switch len(cands) {
			case 1:
				match = cands[0]
				how := "in letter case"
				if strings.EqualFold(norm.NFC.String(cands[0]), norm.NFC.String(part)) && !strings.EqualFold(cands[0], part) {
					how = "in Unicode normalization (accents stored decomposed, as macOS writes them, or the other way round)"
					if norm.NFC.String(cands[0]) != norm.NFC.String(part) {
						how = "in letter case and Unicode normalization"
					}
				}
				notes = append(notes, fmt.Sprintf("%q matched the file %q, whose name differs %s", part, cands[0], how))
			case 0:
				if k == len(parts)-1 && pathpkg.Ext(part) == "" {
					if stem := ls.stem[foldKey(part)]; len(stem) == 1 {
						match = stem[0]
						notes = append(notes, fmt.Sprintf("%q has no extension: matched the file %q", part, stem[0]))
						break
					}
				}
				return found{}, nil, fmt.Errorf("file %q not found in %s%s", orig, cur, didYouMean(entries, part))
			default:
				return found{}, nil, fmt.Errorf("file %q matches %d files in %s that differ only in letter case or Unicode normalization (%s); rename all but one", orig, len(cands), cur, strings.Join(cands, ", "))
			}
		}
		names = append(names, match)
		cur = filepath.Join(cur, match)
	}
	st, err := os.Stat(cur)
	if err != nil {
		return found{}, nil, fmt.Errorf("file %q: %v", orig, err)
	}
	if st.IsDir() {
		return found{}, nil, fmt.Errorf("file %q is a folder, not a file; name the files in it", orig)
	}
	rel := strings.Join(names, "/")
	return rv.place(rv.dir, rel, rel, false), notes, nil
}

// place says where a found file goes: referred to in place when the images
// folder is inside the exhibition folder, else copied into images/ (or
// files/ for a PDF, audio or video file) under its name in NFC.
func (rv *resolver) place(dir, rel, name string, fetched bool) found {
	att := model.IsAttachmentName(name)
	if rv.inOut && !fetched {
		p := rel
		if rv.prefix != "." && rv.prefix != "" {
			p = rv.prefix + "/" + rel
		}
		return found{path: p, dir: rv.out, rel: p, attachment: att}
	}
	folder := "images/"
	if att {
		folder = "files/"
	}
	src := filepath.Join(dir, filepath.FromSlash(rel))
	dst := folder + norm.NFC.String(name)
	ext := pathpkg.Ext(dst)
	for k := 2; ; k++ {
		prev, taken := rv.dsts[dst]
		if !taken {
			rv.dsts[dst] = src
			rv.copies = append(rv.copies, importer.Copy{Src: src, Dst: dst})
			break
		}
		if prev == src {
			break
		}
		dst = fmt.Sprintf("%s%s-%d%s", folder, strings.TrimSuffix(norm.NFC.String(name), ext), k, ext)
	}
	return found{path: dst, dir: dir, rel: rel, attachment: att}
}

// byID finds the files named after a row's id (Wax: obj1.jpg for pid
// obj1), regardless of case and normalization: image, PDF, audio and video
// files whose name without its extension is the id, or the images of a
// folder named after the id, in natural order.
func (rv *resolver) byID(id string) []found {
	ls, err := rv.list(rv.dir)
	if err != nil || id == "" || strings.ContainsAny(id, `/\`) {
		return nil
	}
	var out []found
	for _, e := range ls.stem[foldKey(id)] {
		out = append(out, rv.place(rv.dir, e, e, false))
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range ls.fold[foldKey(id)] {
		sub := filepath.Join(rv.dir, e)
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			continue
		}
		sl, err := rv.list(sub)
		if err != nil {
			continue
		}
		var keep []string
		for _, f := range sl.names {
			if strings.HasPrefix(f, ".") {
				continue
			}
			if ext := strings.ToLower(pathpkg.Ext(f)); contains(imageExts, ext) || model.IsAttachmentName(f) {
				keep = append(keep, f)
			}
		}
		sort.Slice(keep, func(i, j int) bool { return importer.NaturalLess(keep[i], keep[j]) })
		for _, f := range keep {
			rel := e + "/" + f
			out = append(out, rv.place(rv.dir, rel, rel, false))
		}
		break
	}
	return out
}

// foldKey compares names regardless of case and Unicode normalization. (A
// Caser is not safe for concurrent use: each call makes its own.)
func foldKey(s string) string { return cases.Fold().String(norm.NFC.String(s)) }

// didYouMean lists up to three entries closest to name (edit distance,
// ignoring case), or says how many files the folder holds.
func didYouMean(entries []string, name string) string {
	type cand struct {
		name string
		d    int
	}
	want := foldKey(name)
	limit := max(2, len([]rune(want))/4)
	var cs []cand
	for _, e := range entries {
		if strings.HasPrefix(e, ".") {
			continue
		}
		if d := distance(foldKey(e), want); d <= limit {
			cs = append(cs, cand{e, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	if len(cs) == 0 {
		return fmt.Sprintf(" (nor any name close to it among its %d entries); check the name, or give the folder that holds the files with --images", len(entries))
	}
	if len(cs) > 3 {
		cs = cs[:3]
	}
	var l []string
	for _, c := range cs {
		l = append(l, fmt.Sprintf("%q", c.name))
	}
	return "; did you mean " + strings.Join(l, " or ") + "?"
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// listing is a folder's entries, indexed for the lookups of a sheet with
// many rows: by exact name, by name regardless of case and normalization,
// and (for image, PDF, audio and video files) by name without extension.
type listing struct {
	names []string
	exact map[string]bool
	fold  map[string][]string
	stem  map[string][]string
}

func (rv *resolver) list(dir string) (*listing, error) {
	if l, ok := rv.listings[dir]; ok {
		return l, nil
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	l := &listing{exact: map[string]bool{}, fold: map[string][]string{}, stem: map[string][]string{}}
	for _, e := range es {
		n := e.Name()
		l.names = append(l.names, n)
		l.exact[n] = true
		k := foldKey(n)
		l.fold[k] = append(l.fold[k], n)
		if ext := strings.ToLower(pathpkg.Ext(n)); contains(imageExts, ext) || model.IsAttachmentName(n) {
			sk := foldKey(strings.TrimSuffix(n, pathpkg.Ext(n)))
			l.stem[sk] = append(l.stem[sk], n)
		}
	}
	rv.listings[dir] = l
	return l, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
