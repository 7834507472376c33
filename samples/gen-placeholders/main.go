// Command gen-placeholders draws the placeholder images of a sample
// exhibition whose photographs are not available: for each plate, a grey
// card of 2000 x 1500 pixels showing the plate number and the first words of
// its caption, drawn with the Go fonts, saved as a baseline JPEG at the
// plate's first image path.
//
// The output is deterministic: the card's faint grain comes from a fixed
// pseudo-random sequence seeded by the plate number, so running it again
// gives the same bytes (with the same Go version).
//
// Usage, from the repository root:
//
//	go run ./samples/gen-placeholders samples/victory-70
package main

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/vitrine-tools/vitrine/model"
)

// Card size and JPEG quality, chosen so each card is about 100 KB.
const (
	width   = 2000
	height  = 1500
	quality = 75
	words   = 9 // first words of the caption shown
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./samples/gen-placeholders SAMPLE_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-placeholders:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ex, err := model.Load(dir)
	if err != nil {
		return err
	}
	big, err := face(gobold.TTF, 150)
	if err != nil {
		return err
	}
	text, err := face(goregular.TTF, 64)
	if err != nil {
		return err
	}
	small, err := face(goregular.TTF, 40)
	if err != nil {
		return err
	}
	for _, p := range ex.Plates {
		if len(p.Images) == 0 {
			continue
		}
		img := Card(p.Number, p.Caption.Get(ex.Lang()), big, text, small)
		path, err := ex.ImagePath(p.Images[0].Path)
		if err != nil {
			return fmt.Errorf("plate %s: %w", p.Number, err)
		}
		if err := writeJPEG(path, img); err != nil {
			return fmt.Errorf("plate %s: %w", p.Number, err)
		}
	}
	return nil
}

func face(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// Card draws one placeholder.
func Card(number, caption string, big, text, small font.Face) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0xD9, 0xD6, 0xCF, 0xFF}), image.Point{}, draw.Src)
	// Faint deterministic grain, so the card compresses like a scan would.
	x := uint32(2463534242) ^ hash(number)
	for i := 0; i < len(img.Pix); i += 4 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		d := int(x%5) - 2
		for c := 0; c < 3; c++ {
			img.Pix[i+c] = uint8(int(img.Pix[i+c]) + d)
		}
	}
	// A frame.
	frame := color.RGBA{0x55, 0x52, 0x4C, 0xFF}
	for _, r := range []image.Rectangle{
		image.Rect(80, 80, width-80, 88), image.Rect(80, height-88, width-80, height-80),
		image.Rect(80, 80, 88, height-80), image.Rect(width-88, 80, width-80, height-80),
	} {
		draw.Draw(img, r, image.NewUniform(frame), image.Point{}, draw.Src)
	}
	ink := image.NewUniform(color.RGBA{0x22, 0x22, 0x22, 0xFF})
	drawText(img, big, ink, 180, 420, "Plate "+number)
	f := strings.Fields(caption)
	first := f
	if len(f) > words {
		first = append([]string(nil), f[:words]...)
		first[words-1] += "…"
	}
	y := 620
	for _, l := range wrap(text, strings.Join(first, " "), width-360) {
		drawText(img, text, ink, 180, y, l)
		y += 90
	}
	grey := image.NewUniform(color.RGBA{0x55, 0x55, 0x55, 0xFF})
	drawText(img, small, grey, 180, height-180, "Placeholder: the photograph is not available.")
	return img
}

func drawText(img draw.Image, f font.Face, src image.Image, x, y int, s string) {
	d := &font.Drawer{Dst: img, Src: src, Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrap breaks s into lines no wider than max pixels.
func wrap(f font.Face, s string, max int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if font.MeasureString(f, try).Ceil() > max && line != "" {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func writeJPEG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := jpeg.Encode(w, img, &jpeg.Options{Quality: quality}); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
