package bagit

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrUnusable is returned by Verify when the input cannot be checked at all:
// unreadable, not a bag, or holding an unsafe entry.
var ErrUnusable = errors.New("not a usable bag")

// ErrUnsafeEntry is returned (wrapped in ErrUnusable) for an archive entry
// or folder item that could write or point outside the bag when unpacked: an
// absolute path, "..", a backslash, a symbolic or hard link, a device.
var ErrUnsafeEntry = errors.New("unsafe entry")

// entry is one file of a bag, by its path relative to the bag's root.
type entry struct {
	name string // relative to the bag root, slash-separated
	full string // as stored in the archive or folder
	size int64
}

// source is a bag to read: a ZIP, a TAR or a folder.
type source interface {
	// files lists the regular files under the bag root, sorted by name.
	files() []entry
	// read calls fn for each entry of want, in storage order, with its bytes.
	read(want []entry, fn func(e entry, r io.Reader) error) error
	// kind is "zip", "tar" or "folder".
	kind() string
	// root is the bag's folder name.
	bagName() string
	// hasData reports whether the bag has a data/ folder (perhaps empty).
	hasData() bool
	close() error
}

func unusable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnusable, fmt.Sprintf(format, args...))
}

func unsafeEntry(name, why string) error {
	return fmt.Errorf("%w: %w: %q %s; refusing to read this archive (unpacking it could write outside its folder)", ErrUnusable, ErrUnsafeEntry, truncate(name, 200), why)
}

// checkEntryName refuses names that could escape the folder they are
// unpacked into.
func checkEntryName(name string) error {
	switch {
	case name == "":
		return unsafeEntry(name, "has an empty name")
	case strings.ContainsRune(name, 0):
		return unsafeEntry(name, "contains a NUL character")
	case strings.Contains(name, `\`):
		return unsafeEntry(name, "contains a backslash (a Windows path separator)")
	case strings.HasPrefix(name, "/"):
		return unsafeEntry(name, "is an absolute path")
	case len(name) >= 2 && name[1] == ':':
		return unsafeEntry(name, "starts with a drive letter")
	case !utf8.ValidString(name):
		return unsafeEntry(name, "is not valid UTF-8")
	}
	for _, part := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if part == ".." {
			return unsafeEntry(name, "contains \"..\"")
		}
	}
	return nil
}

// rootOf splits the archive's entries into the single top-level folder and
// the bag's files; an archive with several top-level items is not a
// serialized bag.
func rootOf(names []string) (string, error) {
	top := ""
	for _, n := range names {
		clean := strings.TrimPrefix(n, "./")
		first, _, _ := strings.Cut(clean, "/")
		if first == "" || first == "." {
			continue
		}
		if top == "" {
			top = first
		} else if first != top {
			return "", unusable("the archive holds %q and %q at its top level; a serialized bag holds exactly one folder, the bag", top, first)
		}
	}
	if top == "" {
		return "", unusable("the archive is empty")
	}
	return top, nil
}

// collect turns an archive's regular files into entries under the root.
// data reports a data/ folder, given as a folder entry or holding files.
func collect(names []string, sizes []int64) (out []entry, top string, data bool, err error) {
	top, err = rootOf(names)
	if err != nil {
		return nil, "", false, err
	}
	seen := map[string]bool{}
	for i, n := range names {
		clean := strings.TrimPrefix(n, "./")
		rel, ok := strings.CutPrefix(clean, top+"/")
		if !ok {
			if clean == top && sizes[i] >= 0 {
				return nil, "", false, unusable("%q at the archive's top level is a file; a serialized bag is one folder", top)
			}
			continue
		}
		rel = path.Clean(rel)
		if rel == "data" || strings.HasPrefix(rel, "data/") {
			data = true
		}
		if sizes[i] < 0 {
			continue // a folder
		}
		if seen[rel] {
			return nil, "", false, unusable("%q appears twice in the archive; which copy is the bag's is ambiguous", n)
		}
		seen[rel] = true
		out = append(out, entry{name: rel, full: n, size: sizes[i]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, top, data, nil
}

// zipSource reads a ZIP through its central directory, without unpacking.
type zipSource struct {
	zr      *zip.Reader
	c       io.Closer
	entries []entry
	byName  map[string]*zip.File
	top     string
	data    bool
}

func openZip(r io.ReaderAt, size int64, c io.Closer) (*zipSource, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, unusable("not a readable ZIP: %v", err)
	}
	z := &zipSource{zr: zr, c: c, byName: map[string]*zip.File{}}
	var names []string
	var sizes []int64
	for _, f := range zr.File {
		if err := checkEntryName(f.Name); err != nil {
			return nil, err
		}
		m := f.Mode()
		switch {
		case m&fs.ModeSymlink != 0:
			return nil, unsafeEntry(f.Name, "is a symbolic link")
		case m.IsDir() || strings.HasSuffix(f.Name, "/"):
			names = append(names, f.Name)
			sizes = append(sizes, -1)
			continue
		case m&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice|fs.ModeIrregular) != 0:
			return nil, unsafeEntry(f.Name, "is not a regular file")
		}
		if f.UncompressedSize64 > 1<<62 {
			return nil, unusable("%q claims an impossible size", f.Name)
		}
		names = append(names, f.Name)
		sizes = append(sizes, int64(f.UncompressedSize64))
		z.byName[f.Name] = f
	}
	all, top, data, err := collect(names, sizes)
	if err != nil {
		return nil, err
	}
	z.entries, z.top, z.data = all, top, data
	return z, nil
}

func (z *zipSource) files() []entry  { return z.entries }
func (z *zipSource) kind() string    { return "zip" }
func (z *zipSource) bagName() string { return z.top }
func (z *zipSource) hasData() bool   { return z.data }
func (z *zipSource) close() error {
	if z.c != nil {
		return z.c.Close()
	}
	return nil
}

func (z *zipSource) read(want []entry, fn func(entry, io.Reader) error) error {
	for _, e := range want {
		f := z.byName[e.full]
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		err = fn(e, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// tarSource reads a TAR file, or a gzip-compressed one, sequentially: once
// to list it (skipping the data), then once more for the bytes wanted.
type tarSource struct {
	open    func() (io.Reader, error) // the stream from its start
	c       io.Closer
	gz      bool
	entries []entry
	top     string
	data    bool
}

// openTar reads a TAR from r.
func openTar(r io.ReadSeeker, c io.Closer) (*tarSource, error) {
	return openTarStream(func() (io.Reader, error) {
		_, err := r.Seek(0, io.SeekStart)
		return r, err
	}, c, false)
}

// openTarGz reads a gzip-compressed TAR from r, decompressing it on the fly
// (twice: to list it, then to read it).
func openTarGz(r io.ReadSeeker, c io.Closer) (*tarSource, error) {
	return openTarStream(func() (io.Reader, error) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return gzip.NewReader(r)
	}, c, true)
}

func openTarStream(open func() (io.Reader, error), c io.Closer, gz bool) (*tarSource, error) {
	t := &tarSource{open: open, c: c, gz: gz}
	r, err := open()
	if err != nil {
		return nil, unusable("not a readable gzip stream: %v", err)
	}
	tr := tar.NewReader(r)
	var names []string
	var sizes []int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, unusable("not a readable TAR: %v", err)
		}
		if err := checkEntryName(h.Name); err != nil {
			return nil, err
		}
		switch h.Typeflag {
		//lint:ignore SA1019 bags written by other tools may use the old type '\x00'
		case tar.TypeReg, tar.TypeRegA:
			if h.Size < 0 {
				return nil, unusable("%q has a negative size", h.Name)
			}
			names = append(names, h.Name)
			sizes = append(sizes, h.Size)
		case tar.TypeDir:
			names = append(names, h.Name)
			sizes = append(sizes, -1)
		case tar.TypeSymlink:
			return nil, unsafeEntry(h.Name, "is a symbolic link (to "+truncate(h.Linkname, 100)+")")
		case tar.TypeLink:
			return nil, unsafeEntry(h.Name, "is a hard link (to "+truncate(h.Linkname, 100)+")")
		default:
			return nil, unsafeEntry(h.Name, fmt.Sprintf("is not a regular file or folder (TAR type %q)", h.Typeflag))
		}
	}
	all, top, data, err := collect(names, sizes)
	if err != nil {
		return nil, err
	}
	t.entries, t.top, t.data = all, top, data
	return t, nil
}

func (t *tarSource) files() []entry { return t.entries }
func (t *tarSource) kind() string {
	if t.gz {
		return "tar.gz"
	}
	return "tar"
}
func (t *tarSource) bagName() string { return t.top }
func (t *tarSource) hasData() bool   { return t.data }
func (t *tarSource) close() error {
	if t.c != nil {
		return t.c.Close()
	}
	return nil
}

func (t *tarSource) read(want []entry, fn func(entry, io.Reader) error) error {
	byFull := map[string]entry{}
	for _, e := range want {
		byFull[e.full] = e
	}
	if len(byFull) == 0 {
		return nil
	}
	r, err := t.open()
	if err != nil {
		return err
	}
	tr := tar.NewReader(r)
	for len(byFull) > 0 {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		e, ok := byFull[h.Name]
		//lint:ignore SA1019 bags written by other tools may use the old type '\x00'
		if !ok || (h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA) {
			continue
		}
		delete(byFull, h.Name)
		if err := fn(e, tr); err != nil {
			return err
		}
	}
	return nil
}

// dirSource reads a bag folder through an os.Root; symbolic links and
// other special files are refused.
type dirSource struct {
	root    *os.Root
	entries []entry
	top     string
	data    bool
}

// ignoredFile reports files that operating systems leave in folders, which
// are left out of a bag built from a folder. When a bag is verified they
// are payload like any other file (a bag folder holding them is checked as
// its ZIP or TAR would be).
func ignoredFile(name string) bool {
	b := path.Base(name)
	return b == ".DS_Store" || b == "Thumbs.db" || strings.HasPrefix(b, "._")
}

func openDir(dir string) (*dirSource, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, unusable("cannot open folder %s: %v", dir, err)
	}
	top := filepath.Clean(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		top = abs // "." is named by its folder
	}
	d := &dirSource{root: root, top: filepath.Base(top)}
	err = fs.WalkDir(root.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		t := de.Type()
		switch {
		case t&fs.ModeSymlink != 0:
			return unsafeEntry(p, "is a symbolic link")
		case t.IsDir():
			d.data = d.data || p == "data"
			return nil
		case !t.IsRegular():
			return unsafeEntry(p, "is not a regular file")
		}
		info, err := de.Info()
		if err != nil {
			return err
		}
		d.entries = append(d.entries, entry{name: p, full: p, size: info.Size()})
		return nil
	})
	if err != nil {
		root.Close()
		if errors.Is(err, ErrUnusable) {
			return nil, err
		}
		return nil, unusable("reading folder %s: %v", dir, err)
	}
	sort.Slice(d.entries, func(i, j int) bool { return d.entries[i].name < d.entries[j].name })
	return d, nil
}

func (d *dirSource) files() []entry  { return d.entries }
func (d *dirSource) kind() string    { return "folder" }
func (d *dirSource) bagName() string { return d.top }
func (d *dirSource) hasData() bool   { return d.data }
func (d *dirSource) close() error    { return d.root.Close() }

func (d *dirSource) read(want []entry, fn func(entry, io.Reader) error) error {
	for _, e := range want {
		f, err := d.root.Open(filepath.FromSlash(e.full))
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		err = fn(e, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// openSource opens a ZIP, a TAR or a folder at p, by content rather than
// by extension.
func openSource(p string) (source, string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, "", unusable("%v", err)
	}
	if st.IsDir() {
		s, err := openDir(p)
		return s, filepath.Base(filepath.Clean(p)), err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, "", unusable("%v", err)
	}
	var magic [512]byte
	n, _ := io.ReadFull(f, magic[:])
	base := filepath.Base(p)
	switch {
	case n >= 4 && string(magic[:4]) == "PK\x03\x04" || n >= 4 && string(magic[:4]) == "PK\x05\x06":
		s, err := openZip(f, st.Size(), f)
		if err != nil {
			f.Close()
		}
		return s, base, err
	case n >= 262 && (string(magic[257:262]) == "ustar"):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, "", unusable("%v", err)
		}
		s, err := openTar(f, f)
		if err != nil {
			f.Close()
		}
		return s, base, err
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		s, err := openTarGz(f, f)
		if err != nil {
			f.Close()
		}
		return s, base, err
	}
	f.Close()
	return nil, "", unusable("%s is neither a ZIP, a TAR nor a folder", p)
}
