package main

// Hostile-input, interruption and reproducibility tests run against the
// real vitrine binary, built once per test run with `go build` (issue 8).
// Each test uses small generated fixtures in temporary folders, except the
// reproducibility test, which builds samples/victory-70.

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vitrine-tools/vitrine/exporters"
)

var (
	hostileBinOnce sync.Once
	hostileBinDir  string
	hostileBinPath string
	hostileBinErr  error
)

// TestMain removes the vitrine binary built for the end-to-end tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if hostileBinDir != "" {
		os.RemoveAll(hostileBinDir)
	}
	os.Exit(code)
}

// vitrineBin builds the real vitrine binary once per test run.
func vitrineBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("end-to-end signal and file-system tests need a Unix system")
	}
	hostileBinOnce.Do(func() {
		hostileBinDir, hostileBinErr = os.MkdirTemp("", "vitrine-e2e-bin-")
		if hostileBinErr != nil {
			return
		}
		hostileBinPath = filepath.Join(hostileBinDir, "vitrine")
		cmd := exec.Command("go", "build", "-o", hostileBinPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			hostileBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if hostileBinErr != nil {
		t.Fatal(hostileBinErr)
	}
	return hostileBinPath
}

// cleanEnv is the environment of a vitrine run: the test's, without
// SOURCE_DATE_EPOCH and the locale and time zone, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "SOURCE_DATE_EPOCH", k == "TZ", k == "LANG", strings.HasPrefix(k, "LC_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// vitrineRun runs the binary to completion and returns its exit status and
// output.
func vitrineRun(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, vitrineBin(t), args...)
	if env == nil {
		env = cleanEnv()
	}
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running vitrine %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return code, stdout.String(), stderr.String()
}

// hostileFormats is every format, written out: the hostile tests build
// them all, and a format that fails is a failure, never a format left out.
var hostileFormats = []string{"epub", "iiif", "bagit", "site"}

// treeSums returns the SHA-256 of every file under dir, and "dir" or
// "link -> target" for folders and symbolic links, by slash path.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			sums[rel] = "link -> " + target
		case d.IsDir():
			sums[rel] = "dir"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(data)
			sums[rel] = hex.EncodeToString(s[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// diffTrees describes how two treeSums results differ, or returns "".
func diffTrees(a, b map[string]string) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		va, oka := a[k]
		vb, okb := b[k]
		switch {
		case !oka:
			out = append(out, "only in second: "+k)
		case !okb:
			out = append(out, "only in first: "+k)
		case va != vb:
			out = append(out, "differs: "+k)
		}
	}
	return strings.Join(out, "\n")
}

// copyTree copies the files and folders under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// noisyJPEG encodes a w x h JPEG with enough noise that decoding and
// packaging it takes measurable time.
func noisyJPEG(t *testing.T, w, h int, seed uint32) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	x := seed | 1
	for i := range img.Y {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Y[i] = byte(i%w/12) + byte(x&31)
	}
	for i := range img.Cb {
		img.Cb[i] = byte(i % 251)
		img.Cr[i] = byte(i % 241)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeExhibition writes exhibition.yaml with a header and one plate per
// image name, and the given image files, into a new folder.
func writeExhibition(t *testing.T, header string, plates []string, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("plates:\n")
	for _, p := range plates {
		b.WriteString(p)
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const hostileHeader = `slug: hostile
languages: [en]
title: Hostile
rights: http://creativecommons.org/licenses/by/4.0/
edition: "2026-01-01"
agents:
  - name: Test Archive
    roles: [publisher]
`

func plateYAML(number, caption, image string) string {
	return fmt.Sprintf("  - number: %q\n    caption: %q\n    images: [{path: %q}]\n", number, caption, image)
}

// bigExhibition writes n plates of noisy 3000 x 2000 JPEGs (a few distinct
// images, each copied several times).
func bigExhibition(t *testing.T, n int) string {
	t.Helper()
	var distinct [][]byte
	for i := 0; i < 3; i++ {
		distinct = append(distinct, noisyJPEG(t, 3000, 2000, uint32(i+7)))
	}
	files := map[string][]byte{}
	var plates []string
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("p%02d.jpg", i)
		// A different trailing byte after the end marker makes every file
		// distinct for the hashes and the cache, at no encoding cost.
		files[name] = append(append([]byte(nil), distinct[i%len(distinct)]...), byte(i))
		plates = append(plates, plateYAML(fmt.Sprint(i), fmt.Sprintf("Plate %d", i), name))
	}
	return writeExhibition(t, hostileHeader, plates, files)
}

// leftovers lists the names under dir that a finished or aborted run must
// not leave: staging folders and temporary files or folders.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var bad []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, exporters.StagePrefix) || strings.HasPrefix(name, ".tmp") ||
			strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, ".old-") || strings.Contains(name, ".partial") {
			rel, _ := filepath.Rel(dir, p)
			bad = append(bad, rel)
		}
		return nil
	})
	return bad
}

// stagingHas reports whether OUT holds a staging folder, and with file set,
// one holding a file of the outputs.
func stagingHas(out string, file bool) bool {
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), exporters.StagePrefix) {
			continue
		}
		if !file {
			return true
		}
		found := false
		filepath.WalkDir(filepath.Join(out, e.Name()), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && d.Name() != ".vitrine-lock" {
				found = true
				return filepath.SkipAll
			}
			return nil
		})
		return found
	}
	return false
}

// TestInterruptedBuildKeepsPreviousOutputs sends SIGINT or SIGTERM to a
// real vitrine build while it reads the images and while it writes the
// outputs, after a first complete build into the same OUT: the build must
// stop promptly with a failure status, leave the previous outputs byte for
// byte, and leave no staging folder or temporary file in OUT or the cache.
func TestInterruptedBuildKeepsPreviousOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("interruption test skipped in -short mode")
	}
	bin := vitrineBin(t)
	formats := strings.Join(hostileFormats, ",")
	dir := bigExhibition(t, 6)
	first := t.TempDir()
	firstCache := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-o", first, "--cache-dir", firstCache, "--formats", formats, "-j", "1"); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	want := treeSums(t, first)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, phase := range []string{"images", "outputs"} {
			t.Run(fmt.Sprintf("%v-during-%s", sig, phase), func(t *testing.T) {
				out := t.TempDir()
				copyTree(t, first, out)
				cache := t.TempDir()
				cmd := exec.Command(bin, "build", dir, "-o", out, "--cache-dir", cache, "--formats", formats, "-j", "1")
				cmd.Env = cleanEnv()
				var stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stderr, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				deadline := time.Now().Add(2 * time.Minute)
				for !stagingHas(out, phase == "outputs") {
					select {
					case err := <-done:
						t.Fatalf("build ended (%v) before it could be interrupted during %s; make the fixture bigger\n%s", err, phase, stderr.String())
					case <-time.After(5 * time.Millisecond):
					}
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						t.Fatal("the staging folder never appeared")
					}
				}
				if phase == "images" {
					time.Sleep(100 * time.Millisecond)
				}
				sent := time.Now()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				var err error
				select {
				case err = <-done:
				case <-time.After(30 * time.Second):
					cmd.Process.Kill()
					<-done
					t.Fatalf("still running 30 s after %v\n%s", sig, stderr.String())
				}
				latency := time.Since(sent)
				t.Logf("stopped %v after %v", err, latency.Round(time.Millisecond))
				if latency > 10*time.Second {
					t.Errorf("took %v to stop after %v", latency, sig)
				}
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != exitFail {
					if strings.Contains(stderr.String(), "built hostile") {
						t.Skipf("the build finished before the signal arrived (machine too fast for this fixture)")
					}
					t.Fatalf("want exit status %d after %v, got %v\n%s", exitFail, sig, err, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stderr.String(), "nothing was written") {
					t.Errorf("the message does not say the build was interrupted and nothing written:\n%s", stderr.String())
				}
				if d := diffTrees(want, treeSums(t, out)); d != "" {
					t.Errorf("previous outputs changed:\n%s", d)
				}
				if l := leftovers(t, cache); len(l) > 0 {
					t.Errorf("cache holds half-written entries: %v", l)
				}
				if sig != syscall.SIGINT || phase != "outputs" {
					return
				}
				// A rebuild after the interruption succeeds and gives the
				// same bytes, whatever the cache was left with.
				if code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", cache, "--formats", formats); code != 0 {
					t.Fatalf("rebuild: exit %d\n%s", code, stderr)
				}
				if d := diffTrees(want, treeSums(t, out)); d != "" {
					t.Errorf("rebuild after the interruption differs from the first build:\n%s", d)
				}
			})
		}
	}
}

// fullDiskCheck runs a build expected to fail for lack of room and checks it
// names what could not be written, says nothing was written, and leaves OUT
// as it was.
func fullDiskCheck(t *testing.T, out string, want map[string]string, code int, stderr string, reason string) {
	t.Helper()
	if code != exitFail {
		t.Fatalf("want exit status %d when the disk is full, got %d\n%s", exitFail, code, stderr)
	}
	if !strings.Contains(stderr, reason) || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("the message does not give the reason (%q) and say nothing was written:\n%s", reason, stderr)
	}
	if !strings.Contains(stderr, ".zip") && !strings.Contains(stderr, ".epub") && !strings.Contains(stderr, ".json") && !strings.Contains(stderr, ".jpg") {
		t.Errorf("the message does not name the file that could not be written:\n%s", stderr)
	}
	if strings.Contains(stderr, "changed while") {
		t.Errorf("a failed write is reported as a changed file:\n%s", stderr)
	}
	if d := diffTrees(want, treeSums(t, out)); d != "" {
		t.Errorf("OUT changed:\n%s", d)
	}
}

// TestFullDiskFileSizeLimit runs the build under a file-size limit (ulimit
// -f: Go ignores SIGXFSZ, so writes fail with EFBIG part-way through a
// file): the error names the file and OUT keeps its previous outputs.
func TestFullDiskFileSizeLimit(t *testing.T) {
	bin := vitrineBin(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash for ulimit")
	}
	formats := strings.Join(hostileFormats, ",")
	dir := bigExhibition(t, 3)
	out := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	want := treeSums(t, out)
	// A caption edit, so that a complete build would change the outputs.
	yml := filepath.Join(dir, "exhibition.yaml")
	data, _ := os.ReadFile(yml)
	os.WriteFile(yml, bytes.Replace(data, []byte("Plate 1"), []byte("Plate one"), 1), 0o644)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// 1024 blocks of 1 KiB: the masters alone are 2 MB each.
	cmd := exec.CommandContext(ctx, "bash", "-c", `ulimit -f 1024 && exec "$0" "$@"`, bin,
		"build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats)
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	fullDiskCheck(t, out, want, code, stderr.String(), "file too large")
}

// TestFullDiskTmpfs builds into a small tmpfs (Linux, as root, where mount
// is permitted; skipped elsewhere): the build fails with "no space left on
// device" naming the file, OUT keeps its previous outputs, and the space
// the failed build used is given back.
func TestFullDiskTmpfs(t *testing.T) {
	if testing.Short() {
		t.Skip("tmpfs test skipped in -short mode")
	}
	vitrineBin(t)
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs Linux and root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "vitrine-test", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the file-size-limit test covers a full disk", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	formats := strings.Join(hostileFormats, ",")
	out := filepath.Join(mnt, "out")
	// The previous outputs: the exhibition with one plate.
	small := bigExhibition(t, 1)
	if code, _, stderr := vitrineRun(t, nil, "build", small, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	want := treeSums(t, out)
	before := freeBlocks(t, mnt)
	dir := bigExhibition(t, 12)
	code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats)
	fullDiskCheck(t, out, want, code, stderr, "no space left on device")
	if after := freeBlocks(t, mnt); after != before {
		t.Errorf("the failed build kept %d blocks of the disk", int64(before)-int64(after))
	}
}

// TestImagePathsCannotLeaveTheExhibition gives image references that try
// to read outside the exhibition folder (absolute, "..", unclean, NUL,
// backslash, symbolic links to a file or a folder outside): validate and
// build report every one of them in one run, naming the plate, and build
// writes nothing.
func TestImagePathsCannotLeaveTheExhibition(t *testing.T) {
	vitrineBin(t)
	outside := t.TempDir()
	secret := noisyJPEG(t, 16, 16, 3)
	os.WriteFile(filepath.Join(outside, "secret.jpg"), secret, 0o644)
	refs := []string{
		filepath.Join(outside, "secret.jpg"),
		"../" + filepath.Base(outside) + "/secret.jpg",
		"link-file.jpg",
		"link-dir/secret.jpg",
		"a\x00b.jpg",
		"sub/../ok.jpg",
		`sub\ok.jpg`,
		"C:/secret.jpg",
	}
	var plates []string
	for i, r := range refs {
		plates = append(plates, plateYAML(fmt.Sprint(i+1), fmt.Sprintf("Plate %d", i+1), r))
	}
	plates = append(plates, plateYAML("99", "Fine", "ok.jpg"))
	dir := writeExhibition(t, hostileHeader, plates, map[string][]byte{"ok.jpg": secret, "sub/ok.jpg": secret})
	// The exhibition folder must sit next to outside for the ".." case.
	moved := filepath.Join(filepath.Dir(outside), "exh-"+filepath.Base(outside))
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	dir = moved
	t.Cleanup(func() { os.RemoveAll(moved) })
	if err := os.Symlink(filepath.Join(outside, "secret.jpg"), filepath.Join(dir, "link-file.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link-dir")); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"validate", "build"} {
		t.Run(cmd, func(t *testing.T) {
			args := []string{cmd, dir}
			out := t.TempDir()
			if cmd == "build" {
				args = append(args, "-o", out, "--cache-dir", t.TempDir())
			}
			code, stdout, stderr := vitrineRun(t, nil, args...)
			if code != exitFail {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitFail, stdout, stderr)
			}
			for i := range refs {
				if want := fmt.Sprintf("plates[%d].images[0].path", i); !strings.Contains(stderr, want) {
					t.Errorf("no error for %q (%s)", refs[i], want)
				}
			}
			if strings.Contains(stderr, fmt.Sprintf("plates[%d].", len(refs))) {
				t.Errorf("the safe reference was reported:\n%s", stderr)
			}
			if t.Failed() {
				t.Logf("output:\n%s", stderr)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("build wrote into OUT: %v", entries)
			}
		})
	}
}

// TestNothingWrittenThroughSymlinksInOut makes the product folders of OUT
// symbolic links to folders outside OUT, and a product file a link to a file
// outside: the build must not write through them. OUT itself may be a
// link (the user chose it).
func TestNothingWrittenThroughSymlinksInOut(t *testing.T) {
	vitrineBin(t)
	formats := hostileFormats
	dir := bigExhibitionSmall(t)

	t.Run("product folders are links out", func(t *testing.T) {
		out := t.TempDir()
		elsewhere := t.TempDir()
		for _, f := range []string{"epub", "iiif", "bags"} {
			os.Mkdir(filepath.Join(elsewhere, f), 0o755)
			if err := os.Symlink(filepath.Join(elsewhere, f), filepath.Join(out, f)); err != nil {
				t.Fatal(err)
			}
		}
		before := treeSums(t, out)
		code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", strings.Join(formats, ","))
		if code != exitFail {
			t.Errorf("exit %d, want %d: a link out of OUT must be refused\n%s", code, exitFail, stderr)
		}
		t.Logf("%s", stderr)
		if d := diffTrees(map[string]string{"epub": "dir", "iiif": "dir", "bags": "dir"}, treeSums(t, elsewhere)); d != "" {
			t.Errorf("written outside OUT:\n%s", d)
		}
		if d := diffTrees(before, treeSums(t, out)); d != "" {
			t.Errorf("OUT changed:\n%s", d)
		}
	})

	t.Run("product file is a link out", func(t *testing.T) {
		out := t.TempDir()
		elsewhere := t.TempDir()
		victim := filepath.Join(elsewhere, "victim")
		os.WriteFile(victim, []byte("do not touch"), 0o644)
		for _, rel := range []string{exporters.EPUBPath("hostile"), exporters.BagPath("hostile", "zip"), exporters.CollectionPath()} {
			p := filepath.Join(out, filepath.FromSlash(rel))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(victim, p); err != nil {
				t.Fatal(err)
			}
		}
		code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", strings.Join(formats, ","))
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if b, _ := os.ReadFile(victim); string(b) != "do not touch" {
			t.Errorf("the file a product link pointed to was overwritten")
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("left in OUT: %v", l)
		}
	})

	t.Run("OUT is a link", func(t *testing.T) {
		real := t.TempDir()
		out := filepath.Join(t.TempDir(), "out")
		if err := os.Symlink(real, out); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", strings.Join(formats, ","))
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(real, filepath.FromSlash(exporters.BagPath("hostile", "zip")))); err != nil {
			t.Errorf("the bag is not in the folder OUT links to: %v", err)
		}
		if l := leftovers(t, real); len(l) > 0 {
			t.Errorf("left in OUT: %v", l)
		}
	})
}

// bigExhibitionSmall is a two-plate exhibition of small images.
func bigExhibitionSmall(t *testing.T) string {
	t.Helper()
	img := noisyJPEG(t, 64, 48, 5)
	return writeExhibition(t, hostileHeader,
		[]string{plateYAML("1", "One", "one.jpg"), plateYAML("2", "Two", "two.jpg")},
		map[string][]byte{"one.jpg": img, "two.jpg": append(append([]byte(nil), img...), 1)})
}

// pngHeader is the start of a PNG claiming w x h pixels: signature and a
// valid IHDR chunk, no image data.
func pngHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = append(ihdr, byte(w>>24), byte(w>>16), byte(w>>8), byte(w), byte(h>>24), byte(h>>16), byte(h>>8), byte(h), 8, 2, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	b = append(b, ihdr...)
	c := crc32.ChecksumIEEE(ihdr)
	return append(b, byte(c>>24), byte(c>>16), byte(c>>8), byte(c))
}

// TestEveryProblemInOneRun: an exhibition with many different mistakes
// gets all of them from one validate and from one build, each naming the
// place, and build writes nothing.
func TestEveryProblemInOneRun(t *testing.T) {
	vitrineBin(t)
	ok := noisyJPEG(t, 32, 24, 9)
	header := strings.Replace(hostileHeader, "edition:", "opening: 27/07/2023\nedition:", 1)
	plates := []string{
		plateYAML("1", "Missing", "missing.jpg"),
		plateYAML("2", "Text named .jpg", "fake.jpg"),
		plateYAML("3", "Empty", "empty.jpg"),
		plateYAML("3", "Duplicate number", "ok.jpg"),
		"  - number: \"5\"\n    caption: Bad date\n    date: {text: 'sometime', normalized: '1953-13-45'}\n    images: [{path: ok2.jpg}]\n",
		plateYAML("6", "A PNG claiming 100000 x 100000 pixels", "huge.png"),
		"  - number: \"7\"\n    caption: \"escaped bell \\a\"\n    captoin: typo\n    images: [{path: ok.jpg}]\n",
	}
	dir := writeExhibition(t, header, plates, map[string][]byte{
		"fake.jpg":  []byte("this is a caption list, not a photograph\n"),
		"empty.jpg": {},
		"ok.jpg":    ok,
		"ok2.jpg":   append(append([]byte(nil), ok...), 2),
		"huge.png":  pngHeader(100000, 100000),
	})
	wants := []struct{ what, text string }{
		{"missing image", `plates[0].images[0].path: image "missing.jpg" not found`},
		{"fake image", "fake.jpg"},
		{"empty image", "empty.jpg"},
		{"duplicate number", `plate number "3" is also used`},
		{"bad date", "plates[4].date.normalized"},
		{"bad opening", `"27/07/2023" is not a date`},
		{"pixel limit", "huge.png"},
		{"escaped control character", "control character U+0007"},
		{"unknown field", `unknown field "captoin"`},
	}
	for _, cmd := range []string{"validate", "build"} {
		t.Run(cmd, func(t *testing.T) {
			args := []string{cmd, dir}
			out := t.TempDir()
			if cmd == "build" {
				args = append(args, "-o", out, "--cache-dir", t.TempDir())
			}
			code, stdout, stderr := vitrineRun(t, nil, args...)
			if code != exitFail {
				t.Errorf("exit %d, want %d", code, exitFail)
			}
			for _, w := range wants {
				if !strings.Contains(stderr, w.text) {
					t.Errorf("%s not reported (want %q)", w.what, w.text)
				}
			}
			if cmd == "build" && !strings.Contains(stderr, "nothing was written") {
				t.Error("does not say nothing was written")
			}
			if t.Failed() {
				t.Logf("output:\n%s%s", stdout, stderr)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("build wrote into OUT: %v", entries)
			}
		})
	}
}

// TestEveryBrokenImageInOneBuild: images whose header is fine but whose
// data is unusable pass validate --headers-only, and the build reports
// every one of them by file in one run, and writes nothing. A JPEG cut
// short in its data is repaired (a warning), not among them.
func TestEveryBrokenImageInOneBuild(t *testing.T) {
	vitrineBin(t)
	good := noisyJPEG(t, 320, 240, 11)
	sos := bytes.Index(good, []byte{0xFF, 0xDA})
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 300, 200)))
	dir := writeExhibition(t, hostileHeader, []string{
		plateYAML("1", "Fine", "fine.jpg"),
		plateYAML("2", "JPEG with no image data", "dead.jpg"),
		plateYAML("3", "Cut PNG", "cut.png"),
		plateYAML("4", "JPEG with no image data again", "dead2.jpg"),
		plateYAML("5", "JPEG cut short (repaired)", "cut.jpg"),
	}, map[string][]byte{
		"fine.jpg":  good,
		"dead.jpg":  good[:sos+14],
		"dead2.jpg": good[:sos+20],
		"cut.png":   pngBuf.Bytes()[:pngBuf.Len()-20],
		"cut.jpg":   good[:len(good)/2],
	})
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "previous.txt"), []byte("keep"), 0o644)
	code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir())
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	for _, f := range []string{"dead.jpg", "dead2.jpg", "cut.png"} {
		if !strings.Contains(stderr, f) {
			t.Errorf("%s not reported", f)
		}
	}
	if strings.Contains(stderr, "fine.jpg:") || strings.Contains(stderr, "cut.jpg:") {
		t.Error("a usable image was reported")
	}
	if !strings.Contains(stderr, "nothing was written") {
		t.Error("does not say nothing was written")
	}
	if t.Failed() {
		t.Logf("output:\n%s", stderr)
	}
	if d := diffTrees(map[string]string{"previous.txt": treeSums(t, out)["previous.txt"]}, treeSums(t, out)); d != "" || len(leftovers(t, out)) > 0 {
		t.Errorf("OUT changed: %s", d)
	}
}

// TestReproducibleBuild builds samples/victory-70 twice, from copies in two
// different folders, into two different OUT folders, with different time
// zones, locales, umasks, file modes, job counts and caches: every file of
// OUT (EPUB, manifests, info.json, tiles, bag) must be byte-identical.
func TestReproducibleBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("reproducibility test builds the whole sample; skipped in -short mode")
	}
	bin := vitrineBin(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash for umask")
	}
	sample, err := filepath.Abs(filepath.Join("..", "..", "samples", "victory-70"))
	if err != nil {
		t.Fatal(err)
	}
	formats := hostileFormats
	runs := []struct {
		name, umask string
		env         []string
		jobs        string
		mode        os.FileMode
	}{
		{"a", "022", []string{"TZ=Pacific/Chatham", "LANG=tr_TR.UTF-8", "LC_ALL=tr_TR.UTF-8"}, "1", 0o644},
		{"b/deeper/path with space", "077", []string{"TZ=UTC", "LANG=C"}, "3", 0o600},
	}
	var trees []map[string]string
	var outs []string
	var rebuild *exec.Cmd
	for i, r := range runs {
		dir := filepath.Join(t.TempDir(), r.name)
		copyTree(t, sample, dir)
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				os.Chmod(p, r.mode)
			}
			return nil
		})
		out := filepath.Join(t.TempDir(), r.name, "out")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		args := []string{"-c", `umask "$1" && shift && exec "$@"`, "-", r.umask, bin,
			"build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "-j", r.jobs, "--formats", strings.Join(formats, ",")}
		cmd := exec.CommandContext(ctx, "bash", args...)
		cmd.Env = cleanEnv(r.env...)
		if i == 0 {
			rebuild = exec.Command("bash", args...)
			rebuild.Env = cmd.Env
		}
		start := time.Now()
		b, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", r.name, err, b)
		}
		t.Logf("build %s: %v", r.name, time.Since(start).Round(time.Millisecond))
		trees = append(trees, treeSums(t, out))
		outs = append(outs, out)
	}
	if len(trees[0]) == 0 {
		t.Fatal("the build wrote nothing")
	}
	if d := diffTrees(trees[0], trees[1]); d != "" {
		t.Errorf("the two builds differ:\n%s\n(kept in %s and %s)", d, outs[0], outs[1])
	}
	// A rebuild into the first OUT with its cache takes the short ways:
	// image folders carried over, masters not read, bag entries copied
	// with the digests of the first build. It must write the same bytes.
	if b, err := rebuild.CombinedOutput(); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, b)
	}
	if d := diffTrees(treeSums(t, outs[0]), trees[1]); d != "" {
		t.Errorf("a rebuild differs from a cold build:\n%s\n(kept in %s and %s)", d, outs[0], outs[1])
	}
	var kinds []string
	for _, rel := range []string{exporters.EPUBPath("victory-70"), exporters.ManifestPath("victory-70"), exporters.CollectionPath(), exporters.BagPath("victory-70", "zip")} {
		if _, ok := trees[0][rel]; ok {
			kinds = append(kinds, rel)
		}
	}
	t.Logf("%d files compared, including %v", len(trees[0]), kinds)
	if len(kinds) == 0 {
		t.Error("none of the expected products was built")
	}
	// Every ZIP (the bag, the EPUB) also holds no entry time but the
	// edition's, whatever the time zone.
	for rel := range trees[0] {
		if !strings.HasSuffix(rel, ".zip") && !strings.HasSuffix(rel, ".epub") {
			continue
		}
		zr, err := zip.OpenReader(filepath.Join(outs[1], filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		times := map[string]bool{}
		for _, f := range zr.File {
			times[f.Modified.UTC().Format(time.RFC3339)] = true
		}
		zr.Close()
		if len(times) != 1 {
			t.Errorf("%s: entries carry %d different times: %v", rel, len(times), times)
		}
	}
}

// nastyYAML holds strings made to break out of every output format:
// markup, entities, CDATA ends, quotes, line breaks aimed at bag-info.txt,
// emoji, right-to-left text with a bidi override.
const nastyYAML = `slug: nasty
languages: [en, ar]
title: "Title </p><script>alert(1)</script> & &amp; ]]> \"q\" 'a' 🎉"
subtitle: "Sub <!-- c --> <![CDATA[x]]> &#0; &bogus;"
rights: http://creativecommons.org/licenses/by/4.0/
edition: "2026-01-01"
agents:
  - name: "Org\nInjected-Field: evil\r\nOther: x"
    roles: [publisher]
plates:
  - number: "1"
    caption:
      en: "Cap </p><script>x</script> &amp; ]]> \"dq\" 'sq' 🎉 <b>bold</b>"
      ar: "نص عربي \u202Eevil"
    alt: "alt \" onload=\"x"
    images: [{path: a.jpg}]
`

const nastyTitle = "Title </p><script>alert(1)</script> & &amp; ]]> \"q\" 'a' 🎉"
const nastyCaption = "Cap </p><script>x</script> &amp; ]]> \"dq\" 'sq' 🎉 <b>bold</b>"

// TestTextEscapedInEveryOutput builds an exhibition of hostile strings and
// reads every output back with a strict parser: the EPUB's XHTML and
// package files with encoding/xml (no script element may appear, the
// caption's text must come back whole), the IIIF JSON with encoding/json
// (labels round-trip as plain text; any value given as HTML is well-formed
// and holds no script), and bag-info.txt (no field injected by a line
// break).
func TestTextEscapedInEveryOutput(t *testing.T) {
	vitrineBin(t)
	formats := hostileFormats
	dir := writeExhibition(t, nastyYAML, nil, map[string][]byte{"a.jpg": noisyJPEG(t, 64, 48, 13)})
	// writeExhibition appends "plates:"; nastyYAML has its own.
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(nastyYAML), 0o644)
	out := t.TempDir()
	code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", strings.Join(formats, ","))
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}

	t.Run("epub", func(t *testing.T) {
		zr, err := zip.OpenReader(filepath.Join(out, filepath.FromSlash(exporters.EPUBPath("nasty"))))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		var text strings.Builder
		for _, f := range zr.File {
			ext := strings.ToLower(filepath.Ext(f.Name))
			if ext != ".xhtml" && ext != ".opf" && ext != ".ncx" && ext != ".xml" && ext != ".html" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(rc)
			dec.Strict = true
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("%s is not well-formed XML: %v", f.Name, err)
					break
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					if strings.EqualFold(tok.Name.Local, "script") {
						t.Errorf("%s holds a script element", f.Name)
					}
					for _, a := range tok.Attr {
						if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
							t.Errorf("%s: attribute %s injected", f.Name, a.Name.Local)
						}
					}
				case xml.CharData:
					text.Write(tok)
				}
			}
			rc.Close()
		}
		all := strings.Join(strings.Fields(text.String()), " ")
		for _, s := range []string{nastyCaption, nastyTitle, "نص عربي"} {
			if !strings.Contains(all, s) {
				t.Errorf("the text %q does not come back from the EPUB", s)
			}
		}
	})

	t.Run("iiif", func(t *testing.T) {
		files := 0
		err := filepath.WalkDir(filepath.Join(out, "iiif"), func(p string, d fs.DirEntry, err error) error {
			if err != nil || !strings.HasSuffix(p, ".json") {
				return err
			}
			files++
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Errorf("%s: %v", p, err)
				return nil
			}
			checkJSONStrings(t, p, "", v)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(exporters.ManifestPath("nasty"))))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Label map[string][]string `json:"label"`
			Items []struct {
				Label map[string][]string `json:"label"`
			} `json:"items"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if got := m.Label["en"]; len(got) != 1 || got[0] != nastyTitle {
			t.Errorf("manifest label = %q, want %q", got, nastyTitle)
		}
		if len(m.Items) != 1 || len(m.Items[0].Label["en"]) != 1 || !strings.Contains(m.Items[0].Label["en"][0], nastyCaption) {
			t.Errorf("canvas label does not hold the caption as plain text: %v", m.Items)
		}
		t.Logf("%d JSON files checked", files)
	})

	t.Run("bagit", func(t *testing.T) {
		zr, err := zip.OpenReader(filepath.Join(out, filepath.FromSlash(exporters.BagPath("nasty", "zip"))))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		var info []byte
		for _, f := range zr.File {
			if f.Name == "nasty/bag-info.txt" {
				rc, _ := f.Open()
				info, _ = io.ReadAll(rc)
				rc.Close()
			}
		}
		if info == nil {
			t.Fatal("no bag-info.txt")
		}
		labels := map[string]string{}
		for i, line := range strings.Split(strings.TrimSuffix(string(info), "\n"), "\n") {
			if strings.ContainsAny(line, "\r\u2028\u2029") {
				t.Errorf("bag-info.txt line %d holds a line break: %q", i+1, line)
			}
			if line != "" && (line[0] == ' ' || line[0] == '\t') {
				continue
			}
			label, value, ok := strings.Cut(line, ": ")
			if !ok {
				t.Errorf("bag-info.txt line %d is not a field: %q", i+1, line)
				continue
			}
			labels[label] = value
		}
		for _, bad := range []string{"Injected-Field", "Other"} {
			if _, ok := labels[bad]; ok {
				t.Errorf("field %s injected into bag-info.txt:\n%s", bad, info)
			}
		}
		if got := labels["Source-Organization"]; got != "Org Injected-Field: evil Other: x" {
			t.Errorf("Source-Organization = %q", got)
		}
	})
}

// checkJSONStrings walks a decoded JSON value: every string is valid UTF-8
// without control characters, and a string given as HTML (starting with
// "<", as IIIF reads it) is well-formed and holds no script and no event
// attribute.
func checkJSONStrings(t *testing.T, file, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			checkJSONStrings(t, file, path+"."+k, x)
		}
	case []any:
		for i, x := range v {
			checkJSONStrings(t, file, fmt.Sprintf("%s[%d]", path, i), x)
		}
	case string:
		if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' }) {
			t.Errorf("%s %s: bad characters in %q", file, path, v)
		}
		if !strings.HasPrefix(strings.TrimSpace(v), "<") {
			return
		}
		dec := xml.NewDecoder(strings.NewReader("<root>" + v + "</root>"))
		dec.Strict = true
		dec.Entity = xml.HTMLEntity
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s %s: HTML value is not well-formed (%v): %q", file, path, err, v)
				return
			}
			if se, ok := tok.(xml.StartElement); ok {
				if strings.EqualFold(se.Name.Local, "script") {
					t.Errorf("%s %s: script element in %q", file, path, v)
				}
				for _, a := range se.Attr {
					if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
						t.Errorf("%s %s: event attribute in %q", file, path, v)
					}
				}
			}
		}
	}
}

// TestKilledBuildIsCleanedUp kills a build with SIGKILL while it writes
// its outputs (no clean-up can run): the previous outputs are intact, and
// the staging folder it leaves is removed by the next build.
func TestKilledBuildIsCleanedUp(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	bin := vitrineBin(t)
	formats := strings.Join(hostileFormats, ",")
	dir := bigExhibition(t, 4)
	out := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	want := treeSums(t, out)
	cmd := exec.Command(bin, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats, "-j", "1")
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for !stagingHas(out, true) {
		select {
		case err := <-done:
			t.Skipf("build ended (%v) before it could be killed", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	<-done
	if !stagingHas(out, false) {
		t.Skip("the build ended before the kill")
	}
	got := treeSums(t, out)
	for k := range got {
		if strings.HasPrefix(k, exporters.StagePrefix) {
			delete(got, k)
		}
	}
	if d := diffTrees(want, got); d != "" {
		t.Errorf("previous outputs changed by the killed build:\n%s", d)
	}
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", formats); code != 0 {
		t.Fatalf("build after the kill: exit %d\n%s", code, stderr)
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("the next build left the killed build's files: %v", l)
	}
	if d := diffTrees(want, treeSums(t, out)); d != "" {
		t.Errorf("the build after the kill differs from the first:\n%s", d)
	}
}

// TestVerifyRefusesEscapingEntries runs the real `vitrine verify` on a
// real bag into which entries that leave the bag were added ("../", an
// absolute name, a backslash path): it must fail naming them, and nothing
// may appear outside the archive's folder.
func TestVerifyRefusesEscapingEntries(t *testing.T) {
	vitrineBin(t)
	dir := bigExhibitionSmall(t)
	out := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-q", "-o", out, "--cache-dir", t.TempDir(), "--formats", "bagit"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	good := filepath.Join(out, filepath.FromSlash(exporters.BagPath("hostile", "zip")))
	if code, stdout, stderr := vitrineRun(t, nil, "verify", good); code != 0 {
		t.Fatalf("the good bag does not verify: %s%s", stdout, stderr)
	}
	for _, evil := range []string{"../escaped.txt", "hostile/../../escaped.txt", "/tmp/escaped.txt", `hostile\..\..\escaped.txt`} {
		t.Run(evil, func(t *testing.T) {
			work := t.TempDir()
			bad := filepath.Join(work, "bags", "bad.zip")
			os.MkdirAll(filepath.Dir(bad), 0o755)
			zr, err := zip.OpenReader(good)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := os.Create(bad)
			zw := zip.NewWriter(f)
			for _, e := range zr.File {
				if err := zw.Copy(e); err != nil {
					t.Fatal(err)
				}
			}
			zr.Close()
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: evil, Method: zip.Store})
			w.Write([]byte("escaped"))
			zw.Close()
			f.Close()
			code, stdout, stderr := vitrineRun(t, nil, "verify", bad)
			if code == 0 {
				t.Errorf("verify accepted an entry named %q:\n%s%s", evil, stdout, stderr)
			}
			if !strings.Contains(stdout+stderr, strings.TrimPrefix(evil, "/")) && !strings.Contains(stdout+stderr, "unsafe") {
				t.Errorf("the message does not name the entry:\n%s%s", stdout, stderr)
			}
			for _, p := range []string{filepath.Join(work, "escaped.txt"), filepath.Join(work, "bags", "escaped.txt"), "/tmp/escaped.txt"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}
