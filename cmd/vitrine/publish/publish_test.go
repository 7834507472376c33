package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/bagit"
)

// s3Server is a real S3-compatible server (Versity's S3 gateway over a
// POSIX folder) started for one test on a free loopback port.
type s3Server struct {
	endpoint string // http://127.0.0.1:PORT
	root     string // the folder holding its buckets
	client   *s3.Client
}

const (
	testKey    = "vitrine-test"
	testSecret = "vitrine-test-secret"
)

// startS3 starts versitygw (installed by .ci/run with go install) or skips
// the test when it is absent; CI must have it.
func startS3(t *testing.T) *s3Server {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		if p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "versitygw"); fileExists(p) {
			bin, err = p, nil
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("versitygw (the S3-compatible server of the publish tests) not found; .ci/run installs it with go install")
		}
		t.Skip("versitygw not found: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 to run the publish tests against a real S3-compatible server")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &s3Server{endpoint: "http://" + addr, root: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--port", addr, "posix", s.root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+testKey, "ROOT_SECRET_KEY="+testSecret)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not start:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", testKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	s.client = s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
	})
	return s
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func (s *s3Server) bucket(t *testing.T, name string) {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

// target is the gocloud URL of bucket/prefix on s.
func (s *s3Server) target(bucket, prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&use_path_style=true&region=us-east-1", bucket, prefix, s.endpoint)
}

// fakeOut writes the shape of a build's OUT folder, as built for base:
// one exhibition with two image folders (each with tiles, info.json and
// its stamp), the manifest, the collection, the EPUB, a bag, index pages
// and what must never be published (the cache, a build's staging folder).
func fakeOut(t *testing.T, base string) string {
	t.Helper()
	out := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"img-a", "img-b"} {
		dir := "iiif/show/images/" + id + "/"
		for _, tile := range []string{"0,0,512,512/512,512/0/default.jpg", "512,0,88,512/88,512/0/default.jpg", "full/max/0/default.jpg", "full/150,128/0/default.jpg"} {
			write(dir+tile, "\xff\xd8 jpeg bytes of "+id+" "+tile)
		}
		write(dir+"info.json", fmt.Sprintf(`{"@context":"http://iiif.io/api/image/3/context.json","id":"%siiif/show/images/%s","type":"ImageService3"}`, base, id))
		write(dir+exporters.StampFile, "stamp of "+id)
	}
	write("iiif/show/manifest.json", fmt.Sprintf(`{"@context":"http://iiif.io/api/presentation/3/context.json","id":"%siiif/show/manifest.json","type":"Manifest"}`, base))
	write("iiif/collection.json", fmt.Sprintf(`{"@context":"http://iiif.io/api/presentation/3/context.json","id":"%siiif/collection.json","type":"Collection"}`, base))
	write("epub/show.epub", "PK epub")
	write("bags/show.zip", "PK bag")
	write("index.html", "<!doctype html><title>index</title>")
	write("show/index.html", "<!doctype html><title>show</title>")
	write(".cache/index.json", "{}")
	write(".vitrine-staging-123/iiif/show/manifest.json", "half")
	return out
}

func TestPublishToS3(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "site")
	target := s.target("site", "museum")
	public := s.endpoint + "/site/museum/"
	if got := PublicURLOf(target); got != public {
		t.Fatalf("PublicURLOf = %q, want %q", got, public)
	}
	out := fakeOut(t, public)
	ctx := context.Background()

	res, err := Publish(ctx, out, target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 18 || res.Uploaded != 18 {
		t.Fatalf("first publish: %+v, want 18 files sent", res)
	}
	// Every object is there with its bytes, type and caching.
	want := map[string][2]string{
		"iiif/show/manifest.json":                                  {`application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`, CacheDocument},
		"iiif/collection.json":                                     {`application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"`, CacheDocument},
		"iiif/show/images/img-a/info.json":                         {`application/ld+json;profile="http://iiif.io/api/image/3/context.json"`, CacheDocument},
		"iiif/show/images/img-a/0,0,512,512/512,512/0/default.jpg": {"image/jpeg", CacheImages},
		"epub/show.epub":                                           {"application/epub+zip", CacheDownload},
		"index.html":                                               {"text/html; charset=utf-8", CacheDocument},
	}
	for key, w := range want {
		h, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/" + key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if aws.ToString(h.ContentType) != w[0] || aws.ToString(h.CacheControl) != w[1] {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", key, aws.ToString(h.ContentType), aws.ToString(h.CacheControl), w[0], w[1])
		}
	}
	for _, never := range []string{".cache/index.json", ".vitrine-staging-123/iiif/show/manifest.json"} {
		if _, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/" + never)}); err == nil {
			t.Errorf("%s was published", never)
		}
	}

	// Again, nothing changed: nothing is sent.
	res, err = Publish(ctx, out, target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 0 || res.FoldersCarried != 2 {
		t.Fatalf("second publish: %+v, want nothing sent and both image folders carried over", res)
	}

	// A caption edit: the manifest and a page change, no image does.
	os.WriteFile(filepath.Join(out, "iiif/show/manifest.json"), []byte(fmt.Sprintf(`{"@context":"http://iiif.io/api/presentation/3/context.json","id":"%siiif/show/manifest.json","type":"Manifest","label":{"en":["edited"]}}`, public)), 0o644)
	os.WriteFile(filepath.Join(out, "show/index.html"), []byte("<!doctype html><title>show, edited</title>"), 0o644)
	var sent []string
	res, err = Publish(ctx, out, target, Options{Progress: func(p Progress) {
		if p.Sent {
			sent = append(sent, p.Path)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sent, " ") != "iiif/show/manifest.json show/index.html" {
		t.Fatalf("after a caption edit, sent %v", sent)
	}
	got, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/iiif/show/manifest.json")})
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Label map[string][]string }
	json.NewDecoder(got.Body).Decode(&m)
	got.Body.Close()
	if m.Label["en"][0] != "edited" {
		t.Fatalf("the edited manifest is not the one published: %v", m)
	}
}

func TestPublishInterruptedThenResumed(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "site")
	target := s.target("site", "")
	public := s.endpoint + "/site/"
	out := fakeOut(t, public)
	ctx, cancel := context.WithCancel(context.Background())
	var firstSent []string
	_, err := Publish(ctx, out, target, Options{Workers: 1, Progress: func(p Progress) {
		if p.Sent {
			firstSent = append(firstSent, p.Path)
		}
		if len(firstSent) == 5 {
			cancel() // Ctrl-C after five files
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted publish: %v", err)
	}
	// What the target holds is whole, and no manifest names missing tiles:
	// manifests and pages come after every image.
	for _, key := range []string{"iiif/show/manifest.json", "index.html", "iiif/show/images/img-a/" + exporters.StampFile} {
		if _, err := s.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String(key)}); err == nil {
			t.Errorf("%s was published before the images it needs", key)
		}
	}
	var second []string
	res, err := Publish(context.Background(), out, target, Options{Progress: func(p Progress) {
		if p.Sent {
			second = append(second, p.Path)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range firstSent {
		for _, q := range second {
			if p == q {
				t.Errorf("%s was complete after the interruption but sent again", p)
			}
		}
	}
	if res.Uploaded+len(firstSent) != res.Files {
		t.Errorf("resumed: %+v after %d sent", res, len(firstSent))
	}
	// Every object holds exactly the local bytes.
	b, err := Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	files, _ := listOut(os.DirFS(out))
	for _, f := range files {
		local, _ := os.ReadFile(filepath.Join(out, f.rel))
		remote, err := b.ReadAll(context.Background(), f.rel)
		if err != nil || !bytes.Equal(local, remote) {
			t.Errorf("%s: remote differs (%v)", f.rel, err)
		}
	}
}

func TestPublishRefusesAndLocks(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "site")
	target := s.target("site", "")
	ctx := context.Background()
	// Built for the default address, published to the bucket: refused,
	// nothing sent.
	out := fakeOut(t, "http://127.0.0.1:8080/")
	if _, err := Publish(ctx, out, target, Options{}); !errors.Is(err, ErrBaseURL) || !strings.Contains(err.Error(), "rebuild with --base-url "+s.endpoint+"/site/") {
		t.Fatalf("base URL mismatch: %v", err)
	}
	list, _ := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("site")})
	if len(list.Contents) != 0 {
		t.Fatalf("a refused publish sent %d objects", len(list.Contents))
	}
	// --public-url names a CDN in front of the bucket.
	out = fakeOut(t, "https://iiif.example.org/")
	if _, err := Publish(ctx, out, target, Options{PublicURL: "https://iiif.example.org"}); err != nil {
		t.Fatal(err)
	}
	// Another job holds the exhibition: refused.
	b, _ := Open(ctx, target)
	defer b.Close()
	if err := b.WriteAll(ctx, lockDir+"show.lock", []byte(`{"host":"other"}`), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, out, target, Options{PublicURL: "https://iiif.example.org"}); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "other") {
		t.Fatalf("locked: %v", err)
	}
	// A lock left by a dead job is taken over once old enough.
	time.Sleep(1100 * time.Millisecond)
	if _, err := Publish(ctx, out, target, Options{PublicURL: "https://iiif.example.org", lockTTL: time.Second}); err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	if ok, _ := b.Exists(ctx, lockDir+"show.lock"); ok {
		t.Error("the lock was not removed after the publish")
	}
}

// writeBag writes a small ZIP or TAR bag and returns its path.
func writeBag(t *testing.T, ser bagit.Serialization, name string) string {
	t.Helper()
	bag := &bagit.Bag{Name: name, Time: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Payload: []bagit.File{{Path: "data/a.txt", Size: 5, Data: []byte("hello")}, {Path: "data/b/c.jpg", Size: 4, Data: []byte("\xff\xd8\xff\xd9")}},
		Info:    []bagit.Field{{Label: "Source-Organization", Value: "Test"}}}
	p := filepath.Join(t.TempDir(), name+"."+string(ser))
	if _, err := bag.WriteFile(context.Background(), p, ser); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDeposit(t *testing.T) {
	s := startS3(t)
	s.bucket(t, "receiving")
	target := s.target("receiving", "")
	ctx := context.Background()
	for _, ser := range []bagit.Serialization{bagit.Zip, bagit.Tar} {
		t.Run(string(ser), func(t *testing.T) {
			p := writeBag(t, ser, "test.edu.show")
			rc, err := Deposit(ctx, p, target, "vitrine test", DepositOptions{Now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			local, _ := os.ReadFile(p)
			sum := md5.Sum(local)
			if rc.Key != filepath.Base(p) || rc.Size != int64(len(local)) || rc.MD5 != fmt.Sprintf("%x", sum) || !rc.ReadBack.Match || !rc.Verified.Run || !rc.Verified.Valid {
				t.Fatalf("receipt %+v", rc)
			}
			var onDisk Receipt
			b, err := os.ReadFile(p + ".receipt.json")
			if err != nil || json.Unmarshal(b, &onDisk) != nil || onDisk.SHA256 != rc.SHA256 || onDisk.Uploaded != "2026-12-07T10:00:00Z" {
				t.Fatalf("receipt file: %v %s", err, b)
			}
			if strings.Contains(string(b), testSecret) {
				t.Fatal("the receipt holds the secret key")
			}
			obj, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("receiving"), Key: aws.String(rc.Key)})
			if err != nil {
				t.Fatal(err)
			}
			var remote bytes.Buffer
			remote.ReadFrom(obj.Body)
			obj.Body.Close()
			if !bytes.Equal(remote.Bytes(), local) {
				t.Fatal("the stored bag differs from the local one")
			}
		})
	}
	// A bag that does not verify here is not sent.
	p := writeBag(t, bagit.Zip, "broken")
	data, _ := os.ReadFile(p)
	i := bytes.Index(data, []byte("hello"))
	data[i] = 'j' // stored, not deflated: a payload byte changes
	os.WriteFile(p, data, 0o644)
	if _, err := Deposit(ctx, p, target, "vitrine test", DepositOptions{}); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("broken bag: %v", err)
	}
	if _, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("receiving"), Key: aws.String("broken.zip")}); err == nil {
		t.Fatal("the broken bag was sent")
	}
}

func TestPublishToFolder(t *testing.T) {
	dest := t.TempDir()
	out := fakeOut(t, "https://iiif.example.org/")
	target := "file://" + filepath.ToSlash(dest)
	res, err := Publish(context.Background(), out, target, Options{PublicURL: "https://iiif.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != res.Files {
		t.Fatalf("%+v", res)
	}
	got, err := os.ReadFile(filepath.Join(dest, "iiif/show/manifest.json"))
	if err != nil || !bytes.Contains(got, []byte("Manifest")) {
		t.Fatalf("manifest in the folder: %v", err)
	}
	res, err = Publish(context.Background(), out, target, Options{PublicURL: "https://iiif.example.org/"})
	if err != nil || res.Uploaded != 0 {
		t.Fatalf("again: %+v, %v", res, err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"s3://b/p?endpoint=http://h:9000&region=x": "s3://b/p?endpoint=http%3A%2F%2Fh%3A9000&region=x",
		"azblob://c?sas_token=abc&sig=xyz":         "azblob://c?sas_token=REDACTED&sig=REDACTED",
		"s3://user:pass@b/p":                       "s3://b/p",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
