// Package s3test starts a real S3-compatible server for tests: Versity's
// S3 gateway (versitygw) over a temporary folder, on a free loopback port.
// .ci/run installs it with
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
//
// Tests that call Start skip when it is absent, and fail when CI is set.
package s3test

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The root account of the server. Secret is what tests look for in
// everything vitrine prints or writes: it must never appear.
const (
	Key    = "vitrine-test"
	Secret = "vitrine-test-secret-Zq8uR3"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is http://127.0.0.1:PORT.
	Endpoint string
	// Root is the folder holding its buckets.
	Root string
	// Client is an S3 client signed as the root account.
	Client *s3.Client

	mu  sync.Mutex
	log bytes.Buffer
}

func (s *Server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Write(p)
}

// Log is what the server printed so far.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// Start starts versitygw for the test, sets the standard AWS environment
// variables to its account (and points the shared configuration files
// nowhere), and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := find()
	if bin == "" {
		msg := "versitygw (the S3-compatible server of the publish tests) not found; install it with go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 (.ci/run does)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{Endpoint: "http://" + addr, Root: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--port", addr, "posix", s.Root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+Key, "ROOT_SECRET_KEY="+Secret)
	cmd.Stdout, cmd.Stderr = s, s
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not start:\n%s", s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", Key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", Secret)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(s.Root, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(s.Root, "no-aws-credentials"))
	s.Client = s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(Key, Secret, ""),
		// versitygw sends no checksums; the SDK would log that on every read.
		DisableLogOutputChecksumValidationSkipped: true,
	})
	return s
}

// SameType reports whether two Content-Type values are the same media type
// with the same parameters (stores may write "a/b;p=x" as "a/b; p=x").
func SameType(a, b string) bool {
	ta, pa, err := mime.ParseMediaType(a)
	if err != nil {
		return false
	}
	tb, pb, err := mime.ParseMediaType(b)
	if err != nil || ta != tb || len(pa) != len(pb) {
		return false
	}
	for k, v := range pa {
		if pb[k] != v {
			return false
		}
	}
	return true
}

// find returns versitygw's path: on PATH or in GOPATH/bin.
func find() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
		p := filepath.Join(dir, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Bucket creates a bucket.
func (s *Server) Bucket(t testing.TB, name string) {
	t.Helper()
	if _, err := s.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

// PublicRead lets anyone read the bucket's objects (GetObject only, not
// listing), by a bucket policy, the way a public IIIF bucket is set up.
func (s *Server) PublicRead(t testing.TB, name string) {
	t.Helper()
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, name)
	if _, err := s.Client.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
}

// Target is the gocloud URL of bucket/prefix on the server.
func (s *Server) Target(bucket, prefix string) string {
	return TargetAt(s.Endpoint, bucket, prefix)
}

// TargetAt is the gocloud URL of bucket/prefix behind endpoint.
func TargetAt(endpoint, bucket, prefix string) string {
	p := bucket
	if prefix != "" {
		p += "/" + prefix
	}
	return fmt.Sprintf("s3://%s?endpoint=%s&use_path_style=true&region=us-east-1", p, endpoint)
}
