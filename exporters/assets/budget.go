package assets

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
	"sync"
)

// budget is a semaphore weighted by bytes: the decoded pixels in flight.
// A request larger than the whole budget is granted alone, so one huge master
// never deadlocks the build.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	limit int64
	used  int64
	peak  int64
}

func newBudget(limit int64) *budget {
	b := &budget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes fit (or nothing else is held) and takes them;
// it returns the amount to release, or ctx's error.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	if n > b.limit {
		n = b.limit
	}
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+n > b.limit {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		b.cond.Wait()
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.used += n
	b.peak = max(b.peak, b.used)
	return n, nil
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.cond.Broadcast()
	b.mu.Unlock()
}

// decodedCost estimates from a header the bytes a master costs while its
// derivatives are made: the decoded image (flattened to 8-bit), its
// pyramid levels (a third of a 4-byte copy at most), and working copies made
// by resampling (about one 4-byte copy of a half-size level).
func decodedCost(cfg image.Config, fileSize int64) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	var bpp int64
	switch cfg.ColorModel {
	case color.GrayModel:
		bpp = 1
	case color.YCbCrModel:
		bpp = 3 // 4:4:4 at worst; 4:2:0 is 1.5
	case color.CMYKModel:
		bpp = 4 + 4 // decoded CMYK, then flattened to NRGBA
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		bpp = 8 + 4
	default:
		bpp = 4 + 4 // paletted or alpha images are flattened into a copy
	}
	return fileSize + px*bpp + px*4/3 + px/4*4
}

// ParseSize reads a size in bytes: a number with an optional unit B, KB, MB,
// GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), e.g. "512MiB".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("%q is not a size such as 512MiB or 2GiB", s)
	}
	return int64(n * float64(mult)), nil
}
