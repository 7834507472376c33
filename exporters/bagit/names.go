package bagit

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// EncodePath encodes a file path for a manifest line (RFC 8493 section
// 2.1.3): "%" becomes %25, CR %0D and LF %0A. Nothing else is encoded.
func EncodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '%':
			b.WriteString("%25")
		case '\r':
			b.WriteString("%0D")
		case '\n':
			b.WriteString("%0A")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// DecodePath reverses EncodePath: %25, %0D and %0A (either case of hex
// digits) are decoded; any other "%" sequence is kept as written, since
// writers of BagIt 0.97 bags did not encode "%".
func DecodePath(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			switch strings.ToUpper(p[i+1 : i+3]) {
			case "25":
				b.WriteByte('%')
				i += 2
				continue
			case "0D":
				b.WriteByte('\r')
				i += 2
				continue
			case "0A":
				b.WriteByte('\n')
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// SafeName turns s into a file name of NFC letters, digits, ".", "_" and "-"
// only: other characters become "-", runs of "-" are collapsed, and leading
// or trailing "-" and "." are removed. Letters with accents lose them where
// Unicode decomposes them (é -> e); other scripts become "-". It returns ""
// when nothing is left.
func SafeName(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-'):
			if r == '-' {
				if dash {
					continue
				}
				dash = true
			} else {
				dash = false
			}
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// combining mark left by decomposition: drop it
		default:
			if !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-.")
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	return norm.NFC.String(out)
}

// PlateBase is the file name stem for a plate number: "plate-" followed by
// the number with its leading digits padded to three ("1" -> plate-001,
// "21a" -> plate-021a, "IV" -> plate-IV).
func PlateBase(number string) string {
	n := SafeName(number)
	i := 0
	for i < len(n) && n[i] >= '0' && n[i] <= '9' {
		i++
	}
	if i > 0 && i < 3 {
		n = strings.Repeat("0", 3-i) + n
	}
	if n == "" {
		return ""
	}
	return "plate-" + n
}

// ImageEntry is one master image in the bag.
type ImageEntry struct {
	// Name is the safe file name under data/images/.
	Name string
	// Plate is the number of the first plate that shows the image; Index is
	// the image's 1-based position in that plate.
	Plate string
	Index int
	// Original is the image's path in the exhibition file.
	Original string
}

// PlateImage is a plate number and an image path, in exhibition order.
type PlateImage struct {
	Plate string
	Index int // 1-based position among the plate's images
	Count int // number of images of the plate
	Path  string
	// Format is the format found in the file ("jpeg", "png", "tiff"), or
	// "". A name whose extension says otherwise gets the format's
	// extension, so that format identification tools agree with it.
	Format string
}

// ImageNames gives each distinct image path a safe, unique file name derived
// from its plate number: plate-001.jpg for a plate's only image,
// plate-021a-2.tif for the second image of plate 21a. An image shown by
// several plates is stored once, under the first plate's name. Names that
// would collide after cleaning get "-x2", "-x3"... in exhibition order.
func ImageNames(images []PlateImage) []ImageEntry {
	var out []ImageEntry
	seenPath := map[string]bool{}
	used := map[string]bool{}
	for i, im := range images {
		if seenPath[im.Path] {
			continue
		}
		seenPath[im.Path] = true
		base := PlateBase(im.Plate)
		if base == "" {
			base = fmt.Sprintf("plate-n%03d", i+1)
		}
		if im.Count > 1 {
			base = fmt.Sprintf("%s-%d", base, im.Index)
		}
		ext := safeExt(im.Path)
		if e := formatExt(im.Format, ext); e != "" {
			ext = e
		}
		name := base + ext
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s-x%d%s", base, k, ext)
		}
		used[strings.ToLower(name)] = true
		out = append(out, ImageEntry{Name: name, Plate: im.Plate, Index: im.Index, Original: im.Path})
	}
	return out
}

// safeExt is the extension of p, cleaned by SafeName and in lower case,
// with its dot ("" when there is none left).
func safeExt(p string) string {
	ext := strings.ToLower(SafeName(path.Ext(p)))
	if ext == "" {
		return ""
	}
	return "." + strings.TrimPrefix(ext, ".")
}

// formatExt returns the extension to use for a file of the given format
// whose name ends in ext, or "" to keep ext (it fits, or the format is not
// known).
func formatExt(format, ext string) string {
	fits := map[string][]string{
		"jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
		"png":  {".png"},
		"tiff": {".tif", ".tiff"},
		"gif":  {".gif"},
		"webp": {".webp"},
	}[format]
	if fits == nil {
		return ""
	}
	for _, f := range fits {
		if ext == f {
			return ""
		}
	}
	return fits[0]
}
