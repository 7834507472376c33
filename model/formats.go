package model

import (
	"fmt"
	"io"
	"strings"

	"github.com/vitrine-tools/vitrine/model/imagemeta"
)

// ForeignFormat names a file format vitrine does not read, recognized from
// the first bytes of a file, with what to do about it.
type ForeignFormat struct {
	// Name is the format as people know it: "HEIC (HEIF)", "JPEG 2000".
	Name string
	// Hint says how to convert the file into one vitrine reads.
	Hint string
}

// SniffForeign recognizes the image, document and raw formats that
// collections hold but vitrine does not read (HEIF/HEIC, AVIF, JPEG 2000,
// camera raw such as CR2, CR3, NEF, ARW, DNG, RAF, ORF, RW2, PDF, Photoshop
// PSD/PSB, JPEG XL, BMP, GIF) in the file r of size bytes, from its first
// bytes (and, for a TIFF, its first IFD). ok is false for anything else.
func SniffForeign(r io.ReaderAt, size int64) (f ForeignFormat, ok bool) {
	head := make([]byte, min(size, 64))
	if n, _ := r.ReadAt(head, 0); n < len(head) {
		head = head[:n]
	}
	has := func(off int, s string) bool {
		return len(head) >= off+len(s) && string(head[off:off+len(s)]) == s
	}
	switch {
	case has(4, "ftyp"):
		brand := ""
		if len(head) >= 12 {
			brand = string(head[8:12])
		}
		switch brand {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return ForeignFormat{"HEIC (HEIF, as iPhones and recent cameras write it)",
				"convert it to JPEG or TIFF, e.g. heif-convert -q 95 IN.heic OUT.jpg (Debian libheif-examples) or vips copy IN.heic OUT.tif; keep the original beside it"}, true
		case "avif", "avis":
			return ForeignFormat{"AVIF", "convert it to PNG or JPEG, e.g. avifdec IN.avif OUT.png (Debian libavif-bin) or vips copy IN.avif OUT.png"}, true
		case "crx ":
			return ForeignFormat{"Canon CR3 camera raw", rawHint}, true
		case "jp2 ", "jpx ", "jpm ":
			return ForeignFormat{"JPEG 2000", jp2Hint}, true
		}
	case has(0, "\x00\x00\x00\x0cjP  \r\n\x87\n"), has(0, "\xff\x4f\xff\x51"):
		return ForeignFormat{"JPEG 2000", jp2Hint}, true
	case has(0, "%PDF-"):
		return ForeignFormat{"PDF", "a PDF is not an image: make one image per page, e.g. pdftoppm -r 300 -tiff IN.pdf page (Debian poppler-utils), and name those; to keep the PDF with a plate, import it from a sheet as an attachment"}, true
	case has(0, "8BPS"):
		return ForeignFormat{"Photoshop PSD/PSB", "export a flattened TIFF or JPEG from the image editor, or vips copy IN.psd OUT.tif"}, true
	case has(0, "\xff\x0a"), has(0, "\x00\x00\x00\x0cJXL \r\n\x87\n"):
		return ForeignFormat{"JPEG XL", "convert it, e.g. djxl IN.jxl OUT.png (Debian libjxl-tools)"}, true
	case has(0, "BM") && len(head) >= 26:
		return ForeignFormat{"BMP", "convert it to PNG, e.g. vips copy IN.bmp OUT.png"}, true
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return ForeignFormat{"GIF", "convert it to PNG, e.g. vips copy IN.gif OUT.png"}, true
	case has(0, "FUJIFILMCCD-RAW"):
		return ForeignFormat{"Fujifilm RAF camera raw", rawHint}, true
	case has(0, "IIRO"), has(0, "IIRS"), has(0, "MMOR"):
		return ForeignFormat{"Olympus ORF camera raw", rawHint}, true
	case has(0, "IIU\x00"):
		return ForeignFormat{"Panasonic RW2 camera raw", rawHint}, true
	case has(0, "II*\x00") || has(0, "MM\x00*"):
		if raw := tiffRaw(head, r, size); raw != "" {
			return ForeignFormat{raw + " camera raw", rawHint}, true
		}
	}
	return ForeignFormat{}, false
}

const (
	rawHint = "a camera raw file is not an image to publish: develop it to a 16-bit TIFF in the raw converter (darktable-cli IN OUT.tif, or dcraw -T -6 -w IN from Debian's dcraw), and keep the raw file in the archive beside it"
	jp2Hint = "convert it to TIFF, e.g. opj_decompress -i IN.jp2 -o OUT.tif (Debian libopenjp2-tools) or vips copy IN.jp2 OUT.tif"
)

// tiffRaw tells the raw formats built on TIFF (CR2, NEF, ARW, DNG, PEF)
// from a plain TIFF by what they leave in the header: CR2 has "CR" at byte
// 8; the others a DNGVersion tag or a Make tag naming the maker in the
// first IFD.
func tiffRaw(head []byte, r io.ReaderAt, size int64) string {
	if len(head) >= 10 && string(head[8:10]) == "CR" {
		return "Canon CR2"
	}
	f, err := imagemeta.Open(r, size)
	if err != nil {
		return ""
	}
	ifd, err := f.ReadIFD(f.First)
	if err != nil {
		return ""
	}
	const tagMake, tagDNGVersion = 271, 50706
	if _, ok := ifd.Get(tagDNGVersion); ok {
		return "DNG"
	}
	if e, ok := ifd.Get(tagMake); ok {
		maker := strings.TrimRight(string(e.Bytes()), "\x00 ")
		switch {
		case strings.HasPrefix(maker, "NIKON"):
			return "Nikon NEF"
		case maker == "SONY":
			return "Sony ARW"
		case strings.HasPrefix(maker, "PENTAX"):
			return "Pentax PEF"
		}
	}
	return ""
}

// ForeignFormatError is the message for a file in a ForeignFormat.
func (f ForeignFormat) Error(rel string) string {
	return fmt.Sprintf("%q is a %s file, which vitrine does not read", rel, f.Name)
}
