package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters/assets"
)

func TestProgress(t *testing.T) {
	var plain bytes.Buffer
	p := newProgress(&plain, false)
	m := &assets.Master{Path: "a.jpg", Size: 2e6, Width: 32, Height: 32, Format: "jpeg"}
	for _, ev := range []assets.Event{
		{Kind: assets.Started, Total: 2, TotalBytes: 4e6},
		{Kind: assets.ImageDone, Path: "a.jpg", Size: 2e6, Master: m, How: "decoded", Took: time.Second},
		{Kind: assets.ImageDone, Path: "b.jpg", Err: errors.New("image b.jpg: not a readable image")},
		{Kind: assets.Finished, Total: 2, Read: 2, Derived: 6, Took: 2 * time.Second},
	} {
		p.event(ev)
	}
	want := "[1/2] a.jpg: 32x32 jpeg, 2.0 MB, decoded (1.0 s)\n[2/2] image b.jpg: not a readable image\nimages: 2 masters, 2 read, 6 derivatives made, 0 from the cache, in 0:02\n"
	if plain.String() != want {
		t.Fatalf("plain progress:\n%s\nwant:\n%s", plain.String(), want)
	}

	var term bytes.Buffer
	p = newProgress(&term, true)
	clockAt := time.Unix(0, 0)
	p.now = func() time.Time { return clockAt }
	p.begin(4, 400e6)
	clockAt = clockAt.Add(10 * time.Second)
	p.step(100e6, "x", false)
	fmt.Fprintln(p, "a warning")
	p.end("done")
	out := term.String()
	if !strings.Contains(out, "[######..................] 1/4 images  100 MB/400 MB  0:10 elapsed  ETA 0:30") {
		t.Errorf("bar missing:\n%q", out)
	}
	if !strings.Contains(out, "\r\x1b[Ka warning\n") || !strings.HasSuffix(out, "\r\x1b[Kdone\n") {
		t.Errorf("other output not printed on a cleared line:\n%q", out)
	}
}
