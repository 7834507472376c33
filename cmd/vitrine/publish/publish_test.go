package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/publish/s3test"
	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/bagit"
)

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
	s := s3test.Start(t)
	s.Bucket(t, "site")
	target := s.Target("site", "museum")
	public := s.Endpoint + "/site/museum/"
	if got := PublicURLOf(target); got != public {
		t.Fatalf("PublicURLOf = %q, want %q", got, public)
	}
	out := fakeOut(t, public)
	ctx := context.Background()

	var order []string
	res, err := Publish(ctx, out, target, Options{Progress: func(p Progress) { order = append(order, p.Path) }})
	if err != nil {
		t.Fatal(err)
	}
	// What a viewer reads first is sent last: tiles, then info.json, then
	// stamps, then downloads, manifests, the collection and pages.
	stage := func(p string) int {
		switch {
		case strings.HasSuffix(p, ".jpg"):
			return 0
		case strings.HasSuffix(p, "info.json"):
			return 1
		case strings.HasSuffix(p, exporters.StampFile):
			return 2
		case strings.HasSuffix(p, "manifest.json"):
			return 4
		case strings.HasSuffix(p, "collection.json"):
			return 5
		case strings.HasSuffix(p, ".html"):
			return 6
		}
		return 3
	}
	for i := 1; i < len(order); i++ {
		if stage(order[i]) < stage(order[i-1]) {
			t.Errorf("%s was sent after %s", order[i], order[i-1])
		}
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
		h, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/" + key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if !s3test.SameType(aws.ToString(h.ContentType), w[0]) || aws.ToString(h.CacheControl) != w[1] {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", key, aws.ToString(h.ContentType), aws.ToString(h.CacheControl), w[0], w[1])
		}
	}
	for _, never := range []string{".cache/index.json", ".vitrine-staging-123/iiif/show/manifest.json"} {
		if _, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/" + never)}); err == nil {
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
	got, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("museum/iiif/show/manifest.json")})
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
	s := s3test.Start(t)
	s.Bucket(t, "site")
	target := s.Target("site", "")
	public := s.Endpoint + "/site/"
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
		if _, err := s.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String(key)}); err == nil {
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
	s := s3test.Start(t)
	s.Bucket(t, "site")
	target := s.Target("site", "")
	ctx := context.Background()
	// Built for the default address, published to the bucket: refused,
	// nothing sent.
	out := fakeOut(t, "http://127.0.0.1:8080/")
	if _, err := Publish(ctx, out, target, Options{}); !errors.Is(err, ErrBaseURL) || !strings.Contains(err.Error(), "rebuild with --base-url "+s.Endpoint+"/site/") {
		t.Fatalf("base URL mismatch: %v", err)
	}
	list, _ := s.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("site")})
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
	s := s3test.Start(t)
	s.Bucket(t, "receiving")
	target := s.Target("receiving", "")
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
			if strings.Contains(string(b), s3test.Secret) {
				t.Fatal("the receipt holds the secret key")
			}
			obj, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("receiving"), Key: aws.String(rc.Key)})
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
	if _, err := s.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("receiving"), Key: aws.String("broken.zip")}); err == nil {
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

// proxy stands between vitrine and the S3 server to watch and break what
// passes: it counts the uploads in flight, can slow them, fail the first
// tries of some, and corrupt what is read back.
type proxy struct {
	URL string

	mu        sync.Mutex
	inFlight  int
	maxFlight int
	puts      map[string]int // PUTs per path
	requests  []string       // "METHOD path" of every request
	// failPuts fails the first n PUTs of paths containing the key with 500.
	failPuts map[string]int
	// delay slows every PUT.
	delay time.Duration
	// corrupt flips a byte of GET answers for paths containing it.
	corrupt string
}

func newProxy(t *testing.T, endpoint string) *proxy {
	t.Helper()
	up, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{puts: map[string]int{}, failPuts: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(up)
			r.Out.Host = r.In.Host // the request is signed for the proxy's address
		},
		ModifyResponse: func(res *http.Response) error {
			p.mu.Lock()
			c := p.corrupt
			p.mu.Unlock()
			if c == "" || res.Request.Method != http.MethodGet || !strings.Contains(res.Request.URL.Path, c) || res.StatusCode >= 300 {
				return nil
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				return err
			}
			if len(b) > 0 {
				b[len(b)/2] ^= 0x20
			}
			res.Body = io.NopCloser(bytes.NewReader(b))
			return nil
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.requests = append(p.requests, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		if r.Method != http.MethodPut {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		p.puts[r.URL.Path]++
		n := p.puts[r.URL.Path]
		fail := false
		for k, limit := range p.failPuts {
			if strings.Contains(r.URL.Path, k) && n <= limit {
				fail = true
			}
		}
		p.inFlight++
		p.maxFlight = max(p.maxFlight, p.inFlight)
		delay := p.delay
		p.mu.Unlock()
		defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
		time.Sleep(delay)
		if fail {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test proxy</Message></Error>`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *proxy) putsOf(sub string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for k, v := range p.puts {
		if strings.Contains(k, sub) {
			n += v
		}
	}
	return n
}

// TestPublishParallelRetried checks that uploads run in parallel but never
// more than Workers at once, and that an upload failing more times than
// the S3 client retries by itself is tried again by Publish, with waits
// that double.
func TestPublishParallelRetried(t *testing.T) {
	s := s3test.Start(t)
	s.Bucket(t, "site")
	px := newProxy(t, s.Endpoint)
	px.delay = 30 * time.Millisecond
	// The SDK tries 3 times; the 4th and 5th tries are Publish's.
	px.failPuts["iiif/show/manifest.json"] = 4
	target := s3test.TargetAt(px.URL, "site", "")
	out := fakeOut(t, px.URL+"/site/")
	var waits []time.Duration
	orig := sleep
	sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	t.Cleanup(func() { sleep = orig })
	res, err := Publish(context.Background(), out, target, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != res.Files {
		t.Fatalf("%+v", res)
	}
	if px.maxFlight > 3 || px.maxFlight < 2 {
		t.Errorf("%d uploads at once, want 2 or 3 with 3 workers", px.maxFlight)
	}
	if n := px.putsOf("iiif/show/manifest.json"); n < 5 {
		t.Errorf("the manifest was PUT %d times, want 5 or more (4 failures)", n)
	}
	if len(waits) < 1 {
		t.Fatal("Publish did not wait before trying again")
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] {
			t.Errorf("waits %v do not grow", waits)
		}
	}
	// Published again, unchanged: the files of carried-over image folders
	// are not even looked at (only their stamps are read).
	px.mu.Lock()
	px.requests = nil
	px.mu.Unlock()
	if res, err := Publish(context.Background(), out, target, Options{Workers: 3}); err != nil || res.Uploaded != 0 || res.FoldersCarried != 2 {
		t.Fatalf("again: %+v, %v", res, err)
	}
	for _, r := range px.requests {
		if strings.Contains(r, "/images/") && !strings.HasSuffix(r, exporters.StampFile) {
			t.Errorf("a carried-over image folder was looked into: %s", r)
		}
	}
	// Failures that last longer than the retries end the publish with the
	// file named.
	px.failPuts["iiif/collection.json"] = 1000
	os.WriteFile(filepath.Join(out, "iiif/collection.json"), []byte(`{"@context":"http://iiif.io/api/presentation/3/context.json","id":"x","type":"Collection","label":{"en":["new"]}}`), 0o644)
	if _, err := Publish(context.Background(), out, target, Options{Workers: 3, Retries: 2}); err == nil || !strings.Contains(err.Error(), "iiif/collection.json") {
		t.Fatalf("lasting failure: %v", err)
	}
}

func TestRetry(t *testing.T) {
	transient := errors.New("connection reset")
	orig := sleep
	t.Cleanup(func() { sleep = orig })
	for _, tc := range []struct {
		name      string
		fails     int
		retries   int
		wantCalls int
		wantErr   bool
	}{
		{"first try", 0, 4, 1, false},
		{"two failures", 2, 4, 3, false},
		{"gives up", 10, 3, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var waits []time.Duration
			sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			calls := 0
			err := retry(context.Background(), tc.retries, func() error {
				calls++
				if calls <= tc.fails {
					return transient
				}
				return nil
			})
			if calls != tc.wantCalls || (err != nil) != tc.wantErr {
				t.Fatalf("%d calls, err %v; want %d calls, error %v", calls, err, tc.wantCalls, tc.wantErr)
			}
			for i, w := range waits {
				lo := 200 * time.Millisecond << i
				if w < lo || w >= lo*3/2 {
					t.Errorf("wait %d is %v, want in [%v, %v)", i, w, lo, lo*3/2)
				}
			}
		})
	}
}

// TestApplyCORS sets the bucket's CORS rule through the S3 API and checks
// that an anonymous read from another origin is then allowed; on a store
// without that API it says what to run instead.
func TestApplyCORS(t *testing.T) {
	s := s3test.Start(t)
	s.Bucket(t, "site")
	s.PublicRead(t, "site")
	ctx := context.Background()
	target := s.Target("site", "museum")
	if err := ApplyCORS(ctx, target); err != nil {
		t.Fatal(err)
	}
	got, err := s.Client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("site")})
	if err != nil || len(got.CORSRules) != 1 || !slices.Equal(got.CORSRules[0].AllowedOrigins, []string{"*"}) || !slices.Contains(got.CORSRules[0].AllowedMethods, "GET") {
		t.Fatalf("CORS rules: %+v, %v", got, err)
	}
	b, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(ctx, "iiif/x/manifest.json", []byte(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/site/museum/iiif/x/manifest.json", nil)
	req.Header.Set("Origin", "https://viewer.example.org")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("anonymous cross-origin read: %s, Access-Control-Allow-Origin %q", res.Status, res.Header.Get("Access-Control-Allow-Origin"))
	}
	for _, other := range []string{"file:///tmp/x", "gs://bucket"} {
		if err := ApplyCORS(ctx, other); err == nil || !strings.Contains(err.Error(), CORSText(other)) {
			t.Errorf("%s: %v", other, err)
		}
	}
}

// TestSecretsNeverShown checks that a wrong secret key, a URL holding
// credentials and every message and receipt keep secrets out.
func TestSecretsNeverShown(t *testing.T) {
	s := s3test.Start(t)
	s.Bucket(t, "site")
	ctx := context.Background()
	out := fakeOut(t, s.Endpoint+"/site/")
	const wrong = "wrong-secret-Kx93hd"
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
	_, err := Publish(ctx, out, s.Target("site", ""), Options{Retries: 1})
	if err == nil {
		t.Fatal("a wrong secret key was accepted")
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), s3test.Secret) {
		t.Fatalf("the error shows the secret: %v", err)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.Secret)
	withUser := "s3://" + s3test.Key + ":" + s3test.Secret + "@site?endpoint=" + s.Endpoint + "&use_path_style=true&region=us-east-1"
	_, err = Publish(ctx, out, withUser, Options{})
	if err == nil || strings.Contains(err.Error(), s3test.Secret) || !strings.Contains(err.Error(), "credentials are not taken from the URL") {
		t.Fatalf("credentials in the URL: %v", err)
	}
}

// TestDepositReadBackFails proves the read-back check can fail: a store
// that returns other bytes than it was sent is caught, and the receipt
// says so.
func TestDepositReadBackFails(t *testing.T) {
	s := s3test.Start(t)
	s.Bucket(t, "receiving")
	px := newProxy(t, s.Endpoint)
	px.corrupt = "bad.zip"
	p := writeBag(t, bagit.Zip, "bad")
	rc, err := Deposit(context.Background(), p, s3test.TargetAt(px.URL, "receiving", ""), "vitrine test", DepositOptions{})
	if err == nil || !strings.Contains(err.Error(), "the stored object differs") {
		t.Fatalf("corrupted read-back: %v", err)
	}
	if rc == nil || rc.ReadBack.Match {
		t.Fatalf("receipt: %+v", rc)
	}
	b, err := os.ReadFile(p + ".receipt.json")
	if err != nil || !bytes.Contains(b, []byte(`"match": false`)) {
		t.Fatalf("receipt file: %v\n%s", err, b)
	}
}
