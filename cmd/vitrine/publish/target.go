package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// PublicURLOf returns the address a target is read at over HTTP, with a
// trailing slash, when the URL says it: an S3 endpoint in path style
// (endpoint/bucket/prefix/), Amazon S3 (virtual-hosted style), Google Cloud
// Storage, or Azure Blob Storage with AZURE_STORAGE_ACCOUNT set. It is ""
// when it cannot be known (a local folder, an S3 endpoint in virtual-host
// style): give --public-url then.
func PublicURLOf(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	q := u.Query()
	prefix := strings.Trim(u.Path, "/")
	if p := strings.Trim(q.Get("prefix"), "/"); p != "" {
		prefix = strings.Trim(prefix+"/"+p, "/")
	}
	if prefix != "" {
		prefix += "/"
	}
	switch u.Scheme {
	case "s3":
		if ep := q.Get("endpoint"); ep != "" {
			if q.Get("use_path_style") != "true" && q.Get("s3ForcePathStyle") != "true" {
				return ""
			}
			return strings.TrimSuffix(ep, "/") + "/" + u.Host + "/" + prefix
		}
		region := q.Get("region")
		if region == "" {
			region = os.Getenv("AWS_REGION")
		}
		if region == "" {
			return ""
		}
		return fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", u.Host, region, prefix)
	case "gs":
		return fmt.Sprintf("https://storage.googleapis.com/%s/%s", u.Host, prefix)
	case "azblob":
		if acct := os.Getenv("AZURE_STORAGE_ACCOUNT"); acct != "" {
			return fmt.Sprintf("https://%s.blob.core.windows.net/%s/%s", acct, u.Host, prefix)
		}
	}
	return ""
}

// CORSRule is the rule a bucket needs so that IIIF viewers and EPUB readers
// on any web page can read what is published: GET and HEAD from any
// origin, with the headers viewers send for ranges and the ones they read.
var CORSRule = s3types.CORSRule{
	AllowedOrigins: []string{"*"},
	AllowedMethods: []string{"GET", "HEAD"},
	AllowedHeaders: []string{"*"},
	ExposeHeaders:  []string{"Content-Length", "Content-Range", "Content-Type", "ETag"},
	MaxAgeSeconds:  aws.Int32(3600),
}

// CORSText describes CORSRule for the store a target URL names, in the form
// its console or command line takes.
func CORSText(target string) string {
	u, _ := url.Parse(target)
	scheme := ""
	if u != nil {
		scheme = u.Scheme
	}
	switch scheme {
	case "gs":
		b, _ := json.MarshalIndent([]map[string]any{{
			"origin": CORSRule.AllowedOrigins, "method": CORSRule.AllowedMethods,
			"responseHeader": CORSRule.ExposeHeaders, "maxAgeSeconds": 3600,
		}}, "", "  ")
		return "gsutil cors set cors.json gs://" + u.Host + ", with cors.json:\n" + string(b)
	case "azblob":
		return "az storage cors add --services b --methods GET HEAD --origins '*' --allowed-headers '*' --exposed-headers '*' --max-age 3600"
	case "file":
		return "the web server that serves the folder must send Access-Control-Allow-Origin: * (vitrine serve does)"
	}
	b, _ := json.MarshalIndent(map[string]any{"CORSRules": []map[string]any{{
		"AllowedOrigins": CORSRule.AllowedOrigins, "AllowedMethods": CORSRule.AllowedMethods,
		"AllowedHeaders": CORSRule.AllowedHeaders, "ExposeHeaders": CORSRule.ExposeHeaders, "MaxAgeSeconds": 3600,
	}}}, "", "  ")
	return "aws s3api put-bucket-cors --bucket BUCKET --cors-configuration file://cors.json, with cors.json:\n" + string(b)
}

// ApplyCORS sets CORSRule on the bucket a target names. Only S3-compatible
// stores take it through their API here; for others it returns an error
// saying what to run (CORSText).
func ApplyCORS(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "s3" {
		return fmt.Errorf("--apply-cors works on s3:// targets; for this one: %s", CORSText(target))
	}
	b, err := Open(ctx, target)
	if err != nil {
		return err
	}
	defer b.Close()
	var client *s3.Client
	if !b.As(&client) {
		return errors.New("the S3 client is not reachable through this bucket")
	}
	_, err = client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String(u.Host),
		CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{CORSRule}},
	})
	if err != nil {
		return fmt.Errorf("setting the CORS rule of %s: %s", u.Host, scrub(err))
	}
	return nil
}

// lockDir holds one lock object per exhibition being published.
const lockDir = ".vitrine-publish/"

// lock takes a lock object per slug, written only if absent (a conditional
// write, which S3, GCS, Azure and local folders all honour), and returns
// the function that removes them. A lock older than ttl was left by a job
// that died: it is taken over.
func lock(ctx context.Context, b *blob.Bucket, slugs []string, ttl time.Duration) (func(), error) {
	host, _ := os.Hostname()
	var held []string
	release := func() {
		for _, k := range held {
			_ = b.Delete(context.WithoutCancel(ctx), k)
		}
	}
	for _, slug := range slugs {
		key := lockDir + slug + ".lock"
		body, _ := json.Marshal(map[string]any{"host": host, "pid": os.Getpid(), "started": time.Now().UTC().Format(time.RFC3339)})
		opts := &blob.WriterOptions{ContentType: "application/json", IfNotExist: true, CacheControl: "no-store"}
		err := b.WriteAll(ctx, key, body, opts)
		if err != nil && gcerrors.Code(err) == gcerrors.FailedPrecondition {
			if a, aerr := b.Attributes(ctx, key); aerr == nil && (time.Since(a.ModTime) > ttl || deadHere(ctx, b, key, host)) {
				_ = b.Delete(ctx, key)
				err = b.WriteAll(ctx, key, body, opts)
			}
		}
		if err != nil {
			release()
			if gcerrors.Code(err) == gcerrors.FailedPrecondition {
				who, _ := b.ReadAll(ctx, key)
				return nil, fmt.Errorf("%w: another job is publishing %s to this target (%s); wait for it, or remove %s%s if that job is dead (it is taken over after %s)", ErrLocked, slug, strings.TrimSpace(string(who)), lockDir, slug+".lock", ttl)
			}
			return nil, fmt.Errorf("taking the publish lock of %s: %s", slug, scrub(err))
		}
		held = append(held, key)
	}
	return release, nil
}

// deadHere reports whether the lock at key was taken by a process of this
// machine that no longer runs (a publish killed by SIGKILL or a crash):
// such a lock is taken over at once rather than after the TTL.
func deadHere(ctx context.Context, b *blob.Bucket, key, host string) bool {
	body, err := b.ReadAll(ctx, key)
	if err != nil {
		return false
	}
	var l struct {
		Host string `json:"host"`
		PID  int    `json:"pid"`
	}
	if json.Unmarshal(body, &l) != nil || l.Host == "" || l.Host != host || l.PID <= 0 || l.PID == os.Getpid() {
		return false
	}
	return !processAlive(l.PID)
}

// ErrLocked is returned when another job holds an exhibition's lock.
var ErrLocked = errors.New("locked")
