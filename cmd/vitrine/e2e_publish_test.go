package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/publish/s3test"
	"github.com/vitrine-tools/vitrine/cmd/vitrine/serve"
)

// TestE2EPublish runs the real binary against a real S3-compatible server
// (versitygw): build the sample for the bucket's public address, publish
// it (CORS rule applied), check every object's type and caching and that
// anyone can read it from another origin, edit one caption, rebuild and
// publish again (no image is sent again), deposit the bag, read it back
// and verify it; then open the published manifest in Mirador when the
// browser harness is there.
func TestE2EPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end publish test skipped in -short mode")
	}
	s := s3test.Start(t)
	s.Bucket(t, "iiif-site")
	s.PublicRead(t, "iiif-site")
	s.Bucket(t, "receiving")
	target := s.Target("iiif-site", "museum")
	public := s.Endpoint + "/iiif-site/museum/"
	ctx := context.Background()

	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "samples", "victory-70"), dir)
	out, cache := t.TempDir(), t.TempDir()
	build := func() {
		t.Helper()
		code, _, stderr := vitrineRun(t, nil, "build", dir, "-o", out, "--cache-dir", cache, "--base-url", public, "-q")
		if code != 0 {
			t.Fatalf("vitrine build: exit %d\n%s", code, stderr)
		}
	}
	publishRun := func(extra ...string) (sent []string, stdout string) {
		t.Helper()
		code, stdout, stderr := vitrineRun(t, nil, append([]string{"publish", out, target, "-v"}, extra...)...)
		if code != 0 {
			t.Fatalf("vitrine publish: exit %d\n%s%s", code, stdout, stderr)
		}
		noSecret(t, stdout+stderr)
		for _, line := range strings.Split(stderr, "\n") {
			if p, ok := strings.CutPrefix(line, "sent "); ok {
				sent = append(sent, p)
			}
		}
		return sent, stdout
	}
	build()

	// Built for another address: refused, nothing sent.
	wrongOut := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-o", wrongOut, "--cache-dir", cache, "--formats", "iiif", "-q"); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	code, _, stderr := vitrineRun(t, nil, "publish", wrongOut, target)
	if code != 1 || !strings.Contains(stderr, "rebuild with --base-url "+public) || !strings.Contains(stderr, "nothing was sent") {
		t.Fatalf("mismatched --base-url: exit %d\n%s", code, stderr)
	}
	noSecret(t, stderr)

	// First publish: everything, with the CORS rule.
	sent, stdout := publishRun("--apply-cors", "--cors")
	files := countFiles(t, out)
	if len(sent) != files {
		t.Fatalf("first publish sent %d files of %d", len(sent), files)
	}
	if !strings.Contains(stdout, "AllowedOrigins") {
		t.Errorf("--cors did not print the rule:\n%s", stdout)
	}
	// Every object has serve's media type (IIIF JSON with its profile) and
	// the caching of its kind; an anonymous reader on another origin gets
	// the manifest.
	list := s3.NewListObjectsV2Paginator(s.Client, &s3.ListObjectsV2Input{Bucket: aws.String("iiif-site"), Prefix: aws.String("museum/")})
	n := 0
	for list.HasMorePages() {
		page, err := list.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), "museum/")
			h, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("iiif-site"), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			n++
			if got, want := aws.ToString(h.ContentType), serve.ContentType(key); !s3test.SameType(got, want) {
				t.Errorf("%s: Content-Type %q, want %q", key, got, want)
			}
			cc := aws.ToString(h.CacheControl)
			switch {
			case strings.HasSuffix(key, ".jpg") && strings.Contains(key, "/images/"):
				if !strings.Contains(cc, "max-age=86400") {
					t.Errorf("%s: Cache-Control %q", key, cc)
				}
			case strings.HasSuffix(key, ".json"), strings.HasSuffix(key, ".html"):
				if cc != "no-cache" {
					t.Errorf("%s: Cache-Control %q", key, cc)
				}
			}
		}
	}
	if n != files {
		t.Errorf("%d objects in the bucket, %d files in OUT", n, files)
	}
	manifest := public + "iiif/victory-70/manifest.json"
	req, _ := http.NewRequest(http.MethodGet, manifest, nil)
	req.Header.Set("Origin", "http://127.0.0.1:1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") == "" || !s3test.SameType(res.Header.Get("Content-Type"), serve.PresentationType) {
		t.Fatalf("anonymous cross-origin GET of the manifest: %s, headers %v", res.Status, res.Header)
	}

	// Nothing changed: nothing is sent.
	if sent, _ := publishRun(); len(sent) != 0 {
		t.Fatalf("unchanged publish sent %v", sent)
	}

	// One caption edited: JSON, pages, the EPUB and the bag move, no image.
	y := filepath.Join(dir, "exhibition.yaml")
	b, _ := os.ReadFile(y)
	const caption = "caption: Kim Il Sung who led the Fatherland Liberation War to victory\n"
	if !bytes.Contains(b, []byte(caption)) {
		t.Fatal("the sample's first caption changed: update the test")
	}
	os.WriteFile(y, bytes.Replace(b, []byte(caption), []byte("caption: Kim Il Sung who led the Fatherland Liberation War to victory (caption edited)\n"), 1), 0o644)
	build()
	sent, _ = publishRun()
	var sawManifest, sawEPUB, sawPage bool
	for _, p := range sent {
		switch {
		case strings.Contains(p, "/images/") || strings.HasSuffix(p, ".jpg") || strings.HasSuffix(p, ".png"):
			t.Errorf("an image was sent again after a caption edit: %s", p)
		case p == "iiif/victory-70/manifest.json":
			sawManifest = true
		case strings.HasSuffix(p, ".epub"):
			sawEPUB = true
		case strings.HasSuffix(p, ".html"):
			sawPage = true
		}
	}
	if !sawManifest || !sawEPUB || !sawPage {
		t.Errorf("after a caption edit sent %v: want the manifest, the EPUB and pages", sent)
	}
	t.Logf("after a caption edit, %d files sent: %v", len(sent), sent)
	obj, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("iiif-site"), Key: aws.String("museum/iiif/victory-70/manifest.json")})
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if !bytes.Contains(mb, []byte("(caption edited)")) {
		t.Error("the published manifest is not the edited one")
	}

	// Deposit the bag; fetch it back and verify it here too.
	bags, _ := filepath.Glob(filepath.Join(out, "bags", "*.zip"))
	if len(bags) != 1 {
		t.Fatalf("bags in OUT: %v", bags)
	}
	receipt := filepath.Join(t.TempDir(), "receipt.json")
	code, dstdout, dstderr := vitrineRun(t, nil, "deposit", bags[0], s.Target("receiving", ""), "--receipt", receipt)
	if code != 0 {
		t.Fatalf("vitrine deposit: exit %d\n%s%s", code, dstdout, dstderr)
	}
	noSecret(t, dstdout+dstderr)
	rb, err := os.ReadFile(receipt)
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, string(rb))
	if !bytes.Contains(rb, []byte(`"match": true`)) || !bytes.Contains(rb, []byte(`"valid": true`)) {
		t.Fatalf("receipt:\n%s", rb)
	}
	obj, err = s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("receiving"), Key: aws.String(filepath.Base(bags[0]))})
	if err != nil {
		t.Fatal(err)
	}
	fetched := filepath.Join(t.TempDir(), filepath.Base(bags[0]))
	fb, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	os.WriteFile(fetched, fb, 0o644)
	if code, vout, verr := vitrineRun(t, nil, "verify", fetched); code != 0 {
		t.Fatalf("vitrine verify of the deposited bag: exit %d\n%s%s", code, vout, verr)
	}

	// Mirador, on a page of another origin, opens the manifest from the
	// bucket and its tiles, read anonymously.
	t.Run("mirador", func(t *testing.T) {
		harness := harnessDir(t)
		screens := screensDir(t)
		log, ok := runHarness(t, harness, "--screens", screens, "--case", "bucket:mirador:"+manifest)
		t.Logf("harness output (screenshots in %s):\n%s", screens, log)
		if !ok {
			t.Fatal("Mirador failed on the manifest published to the bucket")
		}
	})
}

// TestE2EPublishInterrupted interrupts a real publish (SIGINT, then
// SIGKILL) and runs it again: what was complete is not sent again, no
// manifest or page appears before the images it needs, and every object
// under its final name is whole.
func TestE2EPublishInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end publish test skipped in -short mode")
	}
	s := s3test.Start(t)
	s.Bucket(t, "site")
	target := s.Target("site", "")
	public := s.Endpoint + "/site/"
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "samples", "victory-70"), dir)
	out := t.TempDir()
	if code, _, stderr := vitrineRun(t, nil, "build", dir, "-o", out, "--base-url", public, "-q"); code != 0 {
		t.Fatalf("vitrine build: %s", stderr)
	}
	files := countFiles(t, out)
	ctx := context.Background()
	var before []string
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		cmd := exec.Command(vitrineBin(t), "publish", out, target, "-v", "-j", "2")
		cmd.Env = cleanEnv()
		pipe, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(pipe)
		var sent []string
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "sent "); ok {
				sent = append(sent, p)
				if len(sent) == 40 {
					cmd.Process.Signal(sig)
					break
				}
			}
		}
		go io.Copy(io.Discard, pipe)
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("%v: the publish finished before it was interrupted", sig)
		}
		// A file being sent when the signal came may have been completed.
		before = append(before, sent...)
		for _, key := range []string{"iiif/victory-70/manifest.json", "iiif/collection.json", "index.html", "victory-70/index.html"} {
			if _, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String(key)}); err == nil {
				t.Errorf("after %v: %s is published before the images it needs", sig, key)
			}
		}
		if sig == syscall.SIGINT {
			if _, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String(".vitrine-publish/victory-70.lock")}); err == nil {
				t.Error("an interrupted publish left its lock behind")
			}
		}
	}
	// The SIGKILLed job left its lock: the next run, on the same machine,
	// sees that process is gone and takes it over.
	code, stdout, stderr := vitrineRun(t, nil, "publish", out, target, "-v")
	if code != 0 {
		t.Fatalf("resumed publish: exit %d\n%s%s", code, stdout, stderr)
	}
	again := map[string]bool{}
	for _, line := range strings.Split(stderr, "\n") {
		if p, ok := strings.CutPrefix(line, "sent "); ok {
			again[p] = true
		}
	}
	for _, p := range before {
		if again[p] {
			t.Errorf("%s was complete before the interruption but sent again", p)
		}
	}
	// Files in flight when the signal came may have been completed without
	// being reported: fewer than files may be counted, never more.
	if len(before)+len(again) > files {
		t.Errorf("%d sent before, %d after, of %d files: some were sent twice", len(before), len(again), files)
	}
	t.Logf("%d files sent before the interruptions, %d after, of %d", len(before), len(again), files)
	// Every object is whole: its bytes are the file's.
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, ".") || strings.Contains(rel, "/.") && !strings.HasSuffix(rel, "/.vitrine-stamp") {
			return nil
		}
		obj, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String(rel)})
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		remote, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		local, _ := os.ReadFile(p)
		if !bytes.Equal(local, remote) {
			t.Errorf("%s: the object differs from the file", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// countFiles counts the files publish sends from OUT: all but hidden ones
// (the cache, staging folders), stamps included.
func countFiles(t *testing.T, out string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != out && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && (!strings.HasPrefix(name, ".") || name == ".vitrine-stamp") {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// noSecret fails when s shows the secret key of the test server.
func noSecret(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, s3test.Secret) {
		t.Fatalf("the secret key was printed:\n%s", s)
	}
}
