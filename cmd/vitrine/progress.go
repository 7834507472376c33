package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets"
)

// progress draws the asset store's events (assets.Event) for `vitrine
// build`: a redrawn bar on a terminal, one plain line per master otherwise
// (a pipe, a CI log). It is an io.Writer: lines written through it while a
// bar is shown are printed above the bar, so other output is never garbled.
// A progress is safe for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      bool
	width    int
	total    int
	done     int
	bytes    int64
	allBytes int64
	start    time.Time
	now      func() time.Time
	shown    bool
	stop     chan struct{}
	stopped  chan struct{}
}

// newProgress writes to w; bar selects the redrawn bar (see isTerminal).
func newProgress(w io.Writer, bar bool) *progress {
	return &progress{w: w, bar: bar, width: 80, now: time.Now}
}

// isTerminal reports whether w is a character device (a terminal), where a
// bar can be redrawn in place. TERM=dumb counts as no terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// event is the assets.Options.Progress callback.
func (p *progress) event(ev assets.Event) {
	switch ev.Kind {
	case assets.Started:
		p.begin(ev.Total, ev.TotalBytes)
	case assets.ImageDone:
		switch {
		case ev.Err != nil:
			p.step(ev.Size, ev.Err.Error(), true)
		case ev.Cancelled:
			p.step(ev.Size, ev.Path+": cancelled", false)
		default:
			m := ev.Master
			p.step(ev.Size, fmt.Sprintf("%s: %dx%d %s, %s, %s (%.1f s)", ev.Path, m.Width, m.Height, m.Format, mb(m.Size), ev.How, ev.Took.Seconds()), false)
		}
	case assets.Finished:
		p.end(fmt.Sprintf("images: %d masters, %d read, %d derivatives made, %d from the cache, in %s%s",
			ev.Total, ev.Read, ev.Derived, ev.Cached, clock(ev.Took), ev.Colour))
	}
}

// begin starts counting total masters of allBytes bytes.
func (p *progress) begin(total int, allBytes int64) {
	p.mu.Lock()
	p.total, p.allBytes, p.start = total, allBytes, p.now()
	p.done, p.bytes = 0, 0
	p.mu.Unlock()
	if p.bar {
		p.stop, p.stopped = make(chan struct{}), make(chan struct{})
		go func() {
			defer close(p.stopped)
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-p.stop:
					return
				case <-t.C:
					p.mu.Lock()
					p.draw()
					p.mu.Unlock()
				}
			}
		}()
	}
}

// step records one finished master and its line; on a bar, only problem
// lines are printed (above the bar).
func (p *progress) step(size int64, line string, problem bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.bytes += size
	if p.bar {
		p.clear()
		if problem {
			fmt.Fprintln(p.w, line)
		}
		p.draw()
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done, p.total, line)
}

// end removes the bar and prints a summary line.
func (p *progress) end(summary string) {
	if p.bar && p.stop != nil {
		close(p.stop)
		<-p.stopped
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	if summary != "" {
		fmt.Fprintln(p.w, summary)
	}
}

// Write prints b above the bar.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	n, err := p.w.Write(b)
	if p.stop != nil {
		p.draw()
	}
	return n, err
}

func (p *progress) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// draw shows: [#####.....] 12/46 images  120/460 MB  0:34 elapsed  ETA 1:30
func (p *progress) draw() {
	if !p.bar || p.total == 0 {
		return
	}
	el := p.now().Sub(p.start)
	eta := "--:--"
	if p.bytes > 0 && p.allBytes > 0 {
		left := time.Duration(float64(el) * float64(p.allBytes-p.bytes) / float64(p.bytes))
		eta = clock(left)
	}
	const cells = 24
	fill := cells * p.done / p.total
	line := fmt.Sprintf("[%s%s] %d/%d images  %s/%s  %s elapsed  ETA %s",
		strings.Repeat("#", fill), strings.Repeat(".", cells-fill), p.done, p.total,
		mb(p.bytes), mb(p.allBytes), clock(el), eta)
	if len(line) > p.width-1 {
		line = line[:p.width-1]
	}
	io.WriteString(p.w, "\r\x1b[K"+line)
	p.shown = true
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func mb(n int64) string {
	if n < 10e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
