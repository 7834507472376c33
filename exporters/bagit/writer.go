package bagit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vitrine-tools/vitrine/model"
)

// Serialization is how a bag is written: one ZIP, one TAR, or a folder.
type Serialization string

// The serializations vitrine writes and reads.
const (
	Zip Serialization = "zip"
	Tar Serialization = "tar"
	Dir Serialization = "dir"
)

// ParseSerialization checks a --bag-format value.
func ParseSerialization(s string) (Serialization, error) {
	switch Serialization(strings.ToLower(s)) {
	case Zip:
		return Zip, nil
	case Tar:
		return Tar, nil
	case Dir, "folder":
		return Dir, nil
	}
	return "", fmt.Errorf("bag format %q is not zip, tar or dir", s)
}

// File is one payload file of a bag.
type File struct {
	// Path is the file's path in the bag, slash-separated, starting with
	// "data/".
	Path string
	// Size is the file's length in bytes. It must be known before the file is
	// read (for Payload-Oxum and TAR headers); a file whose length differs
	// when read fails the write.
	Size int64
	// Data holds a small file's bytes; when nil, Open is called.
	Data []byte
	// Open opens the file's bytes; it is called once.
	Open func() (io.ReadCloser, error)
	// Expect optionally holds digests (algorithm -> hex) already known from
	// an earlier read. A file whose bytes no longer match fails the write.
	Expect map[string]string
	// Label names the file in error messages (e.g. its original path).
	Label string
	// CRC32 optionally holds the file's CRC-32 in hex, known with Expect.
	CRC32 string
	// Current, when set, is asked about the reader Open returned: true
	// means its bytes are known to be those Expect and CRC32 describe (the
	// asset store's copy of its one read, or a master unchanged since it
	// was hashed), so they are copied without hashing them again.
	Current func(io.Reader) bool
}

// trusted reports whether f's digests for algs can be taken from Expect
// for the reader rc instead of hashing its bytes.
func (f *File) trusted(rc io.Reader, algs []string) bool {
	if f.Current == nil || f.CRC32 == "" {
		return false
	}
	for _, a := range algs {
		if f.Expect[a] == "" {
			return false
		}
	}
	return f.Current(rc)
}

// Bag describes a bag to write. Write adds bagit.txt, Payload-Oxum, Bag-Size,
// the payload manifests and the tag manifests.
type Bag struct {
	// Name is the bag's top-level folder inside a ZIP or TAR.
	Name string
	// Payload files; Write sorts them by path.
	Payload []File
	// Info are the bag-info.txt fields, in order; Payload-Oxum and Bag-Size
	// are added when missing.
	Info []Field
	// Tags are further tag files (such as aptrust-info.txt), by name.
	Tags map[string][]byte
	// Algorithms of the payload and tag manifests; DefaultAlgorithms when
	// empty.
	Algorithms []string
	// Time is written as every entry's modification time (UTC).
	Time time.Time
}

// Result says what Write wrote.
type Result struct {
	Files int
	Bytes int64
	// Sums holds each payload file's digests: path -> algorithm -> hex.
	Sums map[string]map[string]string
}

// ErrChanged is returned when a payload file's bytes differ from what was
// expected (its size or an earlier checksum): it changed during the build.
var ErrChanged = errors.New("file changed while the bag was written")

// storedExt lists extensions of formats that are already compressed: ZIP
// stores them (deflate would cost time and save under 1%). Everything else,
// including TIFF (often uncompressed, and deflate shrinks it a lot), is
// deflated.
var storedExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jp2": true, ".jpx": true, ".j2k": true,
	".png": true, ".gif": true, ".webp": true, ".avif": true, ".heic": true, ".jxl": true,
	".epub": true, ".zip": true, ".gz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".m4v": true, ".mov": true, ".webm": true, ".ogg": true,
	".pdf": true, ".woff": true, ".woff2": true,
}

// compressible reports whether a ZIP entry of this name is deflated.
func compressible(name string) bool {
	return !storedExt[strings.ToLower(path.Ext(name))]
}

// sink is one serialization being written.
type sink interface {
	// dir adds a folder (name ends in "/").
	dir(name string) error
	// small adds a whole file.
	small(name string, data []byte) error
	// stream adds a file of the given size read from r, hashing it with algs
	// in the same pass; it returns the digests and the bytes copied.
	stream(name string, size int64, r io.Reader, algs []string) (int64, map[string]string, error)
	// known adds a file of the given size whose CRC-32 (hex) is known, read
	// from r without hashing it; it returns the bytes copied.
	known(name string, size int64, crc string, r io.Reader) (int64, error)
	close() error
}

func (b *Bag) check() ([]string, error) {
	algs := b.Algorithms
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	algs, err := ParseAlgorithms(algs)
	if err != nil {
		return nil, err
	}
	if err := model.CheckRelPath(b.Name); err != nil || strings.Contains(b.Name, "/") {
		return nil, fmt.Errorf("bag name %q must be one plain folder name", b.Name)
	}
	seen := map[string]bool{}
	for _, f := range b.Payload {
		if err := model.CheckRelPath(f.Path); err != nil {
			return nil, fmt.Errorf("payload file %q: %w", f.Path, err)
		}
		if !strings.HasPrefix(f.Path, "data/") {
			return nil, fmt.Errorf("payload file %q is not under data/", f.Path)
		}
		if seen[f.Path] {
			return nil, fmt.Errorf("payload file %q is listed twice", f.Path)
		}
		seen[f.Path] = true
	}
	for name := range b.Tags {
		if err := model.CheckRelPath(name); err != nil || strings.HasPrefix(name, "data/") || isReservedTag(name) {
			return nil, fmt.Errorf("tag file %q: not a usable tag file name", name)
		}
	}
	return algs, nil
}

func isReservedTag(name string) bool {
	return name == "bagit.txt" || name == "bag-info.txt" || name == "fetch.txt" ||
		strings.HasPrefix(name, "manifest-") || strings.HasPrefix(name, "tagmanifest-")
}

// Oxum returns the Payload-Oxum value "<octets>.<files>".
func Oxum(bytes int64, files int) string {
	return strconv.FormatInt(bytes, 10) + "." + strconv.Itoa(files)
}

// HumanSize writes a byte count as Bag-Size does: "12.3 MB" (powers of 1000).
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	f := float64(n)
	u := 0
	for f >= 1000 && u < len(units)-1 {
		f /= 1000
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}

// Write writes the bag to s in one pass over the payload: entries in sorted
// order, every payload file read once and hashed with every algorithm while
// it is copied.
func (b *Bag) write(ctx context.Context, s sink) (*Result, error) {
	algs, err := b.check()
	if err != nil {
		return nil, err
	}
	payload := append([]File(nil), b.Payload...)
	sort.Slice(payload, func(i, j int) bool { return payload[i].Path < payload[j].Path })
	var total int64
	for _, f := range payload {
		if f.Data != nil {
			f.Size = int64(len(f.Data))
		}
		total += f.Size
	}
	info := append([]Field(nil), b.Info...)
	if _, ok := Get(info, "Payload-Oxum"); !ok {
		info = append(info, Field{"Payload-Oxum", Oxum(total, len(payload))})
	}
	if _, ok := Get(info, "Bag-Size"); !ok {
		info = append(info, Field{"Bag-Size", HumanSize(total)})
	}
	tags := map[string][]byte{"bagit.txt": []byte(BagItTxt), "bag-info.txt": FormatTags(info)}
	for k, v := range b.Tags {
		tags[k] = v
	}
	// Every tag file sorts before "data/" or after it: write those before,
	// then the payload, then the manifests, then any tag file sorting after.
	var names []string
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	root := b.Name + "/"
	if err := s.dir(root); err != nil {
		return nil, err
	}
	writeTag := func(name string) error { return s.small(root+name, tags[name]) }
	for _, n := range names {
		if n < "data/" {
			if err := writeTag(n); err != nil {
				return nil, err
			}
		}
	}
	res := &Result{Files: len(payload), Bytes: total, Sums: map[string]map[string]string{}}
	dirs := map[string]bool{}
	for _, f := range payload {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, d := range parentDirs(f.Path) {
			if !dirs[d] {
				dirs[d] = true
				if err := s.dir(root + d + "/"); err != nil {
					return nil, err
				}
			}
		}
		label := f.Label
		if label == "" {
			label = f.Path
		}
		var sums map[string]string
		if f.Data != nil {
			sums = hashBytes(f.Data, algs)
			if err := s.small(root+f.Path, f.Data); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
		} else {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			// Hash with every manifest algorithm, and with one of the
			// expected digests' algorithms if none of them is among those,
			// so that a change is always caught.
			use := algs
			if len(f.Expect) > 0 && !anyKey(f.Expect, algs) {
				use = append(append([]string(nil), algs...), sortedKeys(f.Expect)[0])
			}
			var n int64
			if f.trusted(rc, algs) {
				// Digests known from the build's one read: copy only.
				n, err = s.known(root+f.Path, f.Size, f.CRC32, rc)
				sums = map[string]string{}
				for _, a := range algs {
					sums[a] = f.Expect[a]
				}
			} else {
				n, sums, err = s.stream(root+f.Path, f.Size, ctxReader{ctx, io.LimitReader(rc, f.Size+1)}, use)
			}
			rc.Close()
			if err != nil {
				// Only a size mismatch found by the sink means the file
				// changed; a failed write (disk full) or a cancelled
				// build is reported as it is.
				if errors.Is(err, ErrChanged) {
					return nil, fmt.Errorf("%s: %w: it had %d bytes when the build started and now has more or fewer; run the build again", label, ErrChanged, f.Size)
				}
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if n != f.Size {
				return nil, fmt.Errorf("%s: %w: it had %d bytes when the build started and now has %d; run the build again", label, ErrChanged, f.Size, n)
			}
		}
		for alg, want := range f.Expect {
			if got, ok := sums[alg]; ok && !strings.EqualFold(got, want) {
				return nil, fmt.Errorf("%s: %w: its %s was %s when the images were read and is %s now; run the build again", label, ErrChanged, alg, want, got)
			}
		}
		res.Sums[f.Path] = sums
	}
	// Payload manifests, then tag files sorting between, then tag manifests.
	manifests := map[string][]byte{}
	for _, alg := range algs {
		m := map[string]string{}
		for p, sums := range res.Sums {
			m[p] = sums[alg]
		}
		manifests["manifest-"+alg+".txt"] = FormatManifest(m)
	}
	for k, v := range manifests {
		tags[k] = v
	}
	tagSums := map[string]map[string]string{}
	for name, data := range tags {
		tagSums[name] = hashBytes(data, algs)
	}
	for _, alg := range algs {
		m := map[string]string{}
		for name, sums := range tagSums {
			m[name] = sums[alg]
		}
		tags["tagmanifest-"+alg+".txt"] = FormatManifest(m)
	}
	names = names[:0]
	for k := range tags {
		if k >= "data/" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if err := writeTag(n); err != nil {
			return nil, err
		}
	}
	return res, s.close()
}

// parentDirs returns the folders of a slash path, outermost first.
func parentDirs(p string) []string {
	var out []string
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		out = append([]string{d}, out...)
	}
	return out
}

// WriteZip writes the bag as a ZIP to w. w must also be an io.WriterAt on
// the same bytes (an *os.File): each stored entry's CRC-32 is computed while
// its bytes are copied and patched into its local header afterwards, so that
// no entry needs a data descriptor and every file is read once.
func (b *Bag) WriteZip(ctx context.Context, w WriterAtWriter) (*Result, error) {
	return b.write(ctx, newZipSink(w, b.Time))
}

// WriteTar writes the bag as a TAR (POSIX pax/ustar) to w.
func (b *Bag) WriteTar(ctx context.Context, w io.Writer) (*Result, error) {
	return b.write(ctx, newTarSink(w, b.Time))
}

// WriteDir writes the bag's files through create, which receives
// slash-separated paths that start with the bag's name and must make the
// folders it needs.
func (b *Bag) WriteDir(ctx context.Context, create func(rel string) (io.WriteCloser, error)) (*Result, error) {
	return b.write(ctx, &dirSink{create: create})
}

// WriteFile writes the bag to the file or folder dest (serialized as ser)
// through a temporary name beside it, renamed into place only when complete:
// an interrupted write leaves nothing at dest.
func (b *Bag) WriteFile(ctx context.Context, dest string, ser Serialization) (res *Result, err error) {
	dir := filepath.Dir(dest)
	if ser == Dir {
		tmp, err := os.MkdirTemp(dir, "."+filepath.Base(dest)+".tmp-")
		if err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				os.RemoveAll(tmp)
			}
		}()
		root, err := os.OpenRoot(tmp)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		res, err = b.WriteDir(ctx, func(rel string) (io.WriteCloser, error) {
			rel = strings.TrimPrefix(rel, b.Name+"/")
			if d := path.Dir(rel); d != "." {
				if err := root.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
					return nil, err
				}
			}
			return root.Create(filepath.FromSlash(rel))
		})
		if err != nil {
			return nil, err
		}
		if err := os.RemoveAll(dest); err != nil {
			return nil, err
		}
		return res, os.Rename(tmp, dest)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	switch ser {
	case Zip:
		res, err = b.WriteZip(ctx, f)
	case Tar:
		res, err = b.WriteTar(ctx, f)
	default:
		return nil, fmt.Errorf("unknown serialization %q", ser)
	}
	if err != nil {
		return nil, err
	}
	if err = f.Sync(); err != nil {
		return nil, err
	}
	if err = f.Close(); err != nil {
		return nil, err
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return nil, err
	}
	return res, os.Rename(f.Name(), dest)
}

func anyKey(m map[string]string, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
