package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeCommand(t *testing.T) {
	out := t.TempDir()
	m := filepath.Join(out, "iiif", "demo", "manifest.json")
	if err := os.MkdirAll(filepath.Dir(m), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, []byte(`{"id":"http://127.0.0.1:8080/iiif/demo/manifest.json"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", out, "--addr", "127.0.0.1:0"}, &stdout, &stderr) }()
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/)`)
	var url string
	for i := 0; i < 100 && url == ""; i++ {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if url == "" {
		cancel()
		t.Fatalf("no address printed:\n%s\n%s", stdout.String(), stderr.String())
	}
	resp, err := http.Get(url + "iiif/demo/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/ld+json") {
		t.Errorf("manifest: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, err := http.Get(url + "iiif/demo/missing.jpg"); err == nil {
		resp.Body.Close()
	}
	if !strings.Contains(stderr.String(), "404 GET /iiif/demo/missing.jpg") {
		t.Errorf("failed request not logged:\n%s", stderr.String())
	}
	// Built for port 8080, served elsewhere: the user is told.
	if !strings.Contains(stdout.String(), "built with --base-url http://127.0.0.1:8080/") || !strings.Contains(stderr.String(), "base URL mismatch") {
		t.Errorf("no base URL warning:\n%s\n%s", stdout.String(), stderr.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when cancelled")
	}
}

func TestServeCommandRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"serve", t.TempDir(), "--addr", ":0"},        // every interface, not asked for
		{"serve", filepath.Join(t.TempDir(), "none")}, // no such folder
	} {
		var stderr bytes.Buffer
		if code := run(t.Context(), args, io.Discard, &stderr); code == exitOK {
			t.Errorf("%v: exit 0", args)
		}
	}
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"serve"}, io.Discard, &stderr); code != exitUsage {
		t.Errorf("serve without OUT: exit %d, want %d", code, exitUsage)
	}
}
