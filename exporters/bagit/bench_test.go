package bagit

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkBagVsCoreutils writes a ZIP bag (sha256 + sha512 manifests, media
// stored) of the same payload as `sha256sum` + `sha512sum` + `zip -0 -r`,
// and prints both times and their ratio. The payload is incompressible
// random bytes in .jpg files, VITRINE_BENCH_MB megabytes in total (default
// 200), read from the page cache by both. Run:
//
//	go test -run '^$' -bench BagVsCoreutils -benchtime 3x ./exporters/bagit/
func BenchmarkBagVsCoreutils(b *testing.B) {
	mb := 200
	if s := os.Getenv("VITRINE_BENCH_MB"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			mb = n
		}
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "payload")
	os.MkdirAll(src, 0o755)
	rng := rand.New(rand.NewPCG(1, 2))
	const fileSize = 8 << 20
	var files []string
	var sizes []int64
	buf := make([]byte, fileSize)
	for total := 0; total < mb<<20; total += fileSize {
		for i := 0; i < len(buf); i += 8 {
			v := rng.Uint64()
			for j := 0; j < 8 && i+j < len(buf); j++ {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		name := fmt.Sprintf("img-%04d.jpg", len(files))
		if err := os.WriteFile(filepath.Join(src, name), buf, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, name)
		sizes = append(sizes, fileSize)
	}
	// warm the page cache
	for _, f := range files {
		data, _ := os.ReadFile(filepath.Join(src, f))
		_ = data
	}
	tools := true
	for _, t := range []string{"sha256sum", "sha512sum", "zip"} {
		if _, err := exec.LookPath(t); err != nil {
			tools = false
			b.Logf("%s not found: only vitrine is timed", t)
		}
	}
	var tv, tf, tc, tvv time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bag := &Bag{Name: "bench", Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
		for k, f := range files {
			p := filepath.Join(src, f)
			bag.Payload = append(bag.Payload, File{Path: "data/" + f, Size: sizes[k], Open: func() (io.ReadCloser, error) { return os.Open(p) }})
		}
		// Like for like with zip -0: write the file, no fsync.
		start := time.Now()
		out, err := os.Create(filepath.Join(dir, "plain.zip"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bag.WriteZip(context.Background(), out); err != nil {
			b.Fatal(err)
		}
		if err := out.Close(); err != nil {
			b.Fatal(err)
		}
		tv += time.Since(start)
		// WriteFile also syncs the file to disk before renaming it into place.
		start = time.Now()
		if _, err := bag.WriteFile(context.Background(), filepath.Join(dir, "bench.zip"), Zip); err != nil {
			b.Fatal(err)
		}
		tf += time.Since(start)
		start = time.Now()
		rep, err := Verify(context.Background(), filepath.Join(dir, "bench.zip"), VerifyOptions{})
		if err != nil || !rep.Valid {
			b.Fatalf("verify: %v %+v", err, rep)
		}
		tvv += time.Since(start)
		if !tools {
			continue
		}
		start = time.Now()
		for _, cmd := range [][]string{
			append([]string{"sha256sum"}, files...),
			append([]string{"sha512sum"}, files...),
			{"zip", "-0", "-q", "-r", filepath.Join(dir, "peer.zip"), "."},
		} {
			c := exec.Command(cmd[0], cmd[1:]...)
			c.Dir = src
			c.Stdout = io.Discard
			c.Stderr = os.Stderr
			if err := c.Run(); err != nil {
				b.Fatalf("%s: %v", cmd[0], err)
			}
		}
		tc += time.Since(start)
		os.Remove(filepath.Join(dir, "peer.zip"))
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(tv.Seconds()/n, "s-vitrine")
	b.ReportMetric(tf.Seconds()/n, "s-vitrine-fsync")
	b.ReportMetric(tvv.Seconds()/n, "s-verify")
	fmt.Printf("vitrine verify of the same bag: %.2f s\n", tvv.Seconds()/n)
	b.ReportMetric(float64(mb)/(tv.Seconds()/n), "MB/s-vitrine")
	if tools {
		b.ReportMetric(tc.Seconds()/n, "s-coreutils")
		b.ReportMetric(tc.Seconds()/tv.Seconds(), "x-faster")
		fmt.Printf("bag of %d MB in %d files: vitrine %.2f s (%.2f s with fsync and rename), sha256sum + sha512sum + zip -0 %.2f s: vitrine is %.1fx faster (%.1fx with fsync)\n",
			mb, len(files), tv.Seconds()/n, tf.Seconds()/n, tc.Seconds()/n, tc.Seconds()/tv.Seconds(), tc.Seconds()/tf.Seconds())
	}
}
