package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"

	"github.com/vitrine-tools/vitrine/exporters/bagit"
)

// DepositOptions tune Deposit.
type DepositOptions struct {
	// Key is the object's name under the target's prefix; "" means the
	// bag file's name (which is what APTrust expects: a TAR named like
	// the bag folder inside it).
	Key string
	// Receipt is where the receipt is written; "" means BAG.receipt.json
	// beside the bag.
	Receipt string
	// Retries as in Options.
	Retries int
	// Now is the time written in the receipt; zero means time.Now.
	Now time.Time
	// Log receives notices; nil means none.
	Log io.Writer
}

// Receipt records a deposit: what was sent, where, when, with which
// digests, and what the checks after the upload found.
type Receipt struct {
	Bag       string `json:"bag"`
	Target    string `json:"target"`
	Key       string `json:"key"`
	PublicURL string `json:"public_url,omitempty"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	SHA512    string `json:"sha512"`
	MD5       string `json:"md5"`
	Uploaded  string `json:"uploaded"`
	// ReadBack is the object as read from the store after the upload.
	ReadBack struct {
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
		Match  bool   `json:"match"`
	} `json:"read_back"`
	// Verified is the bag check run on the stored object through ranged
	// reads (vitrine verify --fast: bagit.txt, manifests, file lists,
	// Payload-Oxum), or the reason it was not run.
	Verified struct {
		Run      bool     `json:"run"`
		Valid    bool     `json:"valid"`
		Problems []string `json:"problems,omitempty"`
		Note     string   `json:"note,omitempty"`
	} `json:"verified"`
	Software string `json:"software"`
}

// Deposit uploads the serialized bag at bagPath (ZIP or TAR) to target,
// after checking it locally (vitrine verify), then reads the object back
// to compare its size and SHA-256, verifies the stored bag in place where
// it can be read by ranges, and writes the receipt (JSON). It fails, with
// the receipt written, when any check after the upload fails.
func Deposit(ctx context.Context, bagPath, target, software string, opt DepositOptions) (*Receipt, error) {
	if opt.Retries <= 0 {
		opt.Retries = 4
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	st, err := os.Stat(bagPath)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder: deposit takes a serialized bag (build with --bag-format zip or tar)", bagPath)
	}
	ext := strings.ToLower(filepath.Ext(bagPath))
	if ext != ".zip" && ext != ".tar" {
		return nil, fmt.Errorf("%s: deposit takes a .zip or .tar bag", bagPath)
	}
	// A bag that is not valid here is not sent.
	local, err := bagit.Verify(ctx, bagPath, bagit.VerifyOptions{})
	if err != nil {
		return nil, fmt.Errorf("checking %s before the deposit: %w", bagPath, err)
	}
	if !local.Valid {
		return nil, fmt.Errorf("%s is not a valid bag (%d problems; run vitrine verify %s): nothing was sent", bagPath, len(local.Problems), bagPath)
	}
	key := opt.Key
	if key == "" {
		key = filepath.Base(bagPath)
	}
	if stem := strings.TrimSuffix(key, filepath.Ext(key)); local.Name != "" && stem != local.Name {
		fmt.Fprintf(opt.Log, "notice: the object %s holds the bag folder %q; repositories that unpack it (APTrust) expect the two names to match\n", key, local.Name)
	}
	rc := &Receipt{Bag: bagPath, Target: Redact(target), Key: key, Software: software}
	if pub := PublicURLOf(target); pub != "" {
		rc.PublicURL = pub + key
	}
	f, err := os.Open(bagPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h256, h512, h5 := sha256.New(), sha512.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(h256, h512, h5), f)
	if err != nil {
		return nil, err
	}
	rc.Size = n
	rc.SHA256, rc.SHA512, rc.MD5 = hex.EncodeToString(h256.Sum(nil)), hex.EncodeToString(h512.Sum(nil)), hex.EncodeToString(h5.Sum(nil))

	b, err := Open(ctx, target)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	ct := "application/zip"
	if ext == ".tar" {
		ct = "application/x-tar"
	}
	err = retry(ctx, opt.Retries, func() error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return b.Upload(ctx, key, f, &blob.WriterOptions{ContentType: ct, ContentMD5: h5.Sum(nil), DisableContentTypeDetection: true})
	})
	if err != nil {
		return nil, fmt.Errorf("uploading %s to %s: %s", bagPath, Redact(target), scrub(err))
	}
	rc.Uploaded = opt.Now.UTC().Format(time.RFC3339)

	// Read it back.
	var failures []string
	if a, err := b.Attributes(ctx, key); err != nil {
		failures = append(failures, "reading the object's attributes: "+scrub(err))
	} else {
		rc.ReadBack.Size = a.Size
		r, err := b.NewReader(ctx, key, nil)
		if err != nil {
			failures = append(failures, "reading the object back: "+scrub(err))
		} else {
			h := sha256.New()
			_, err := io.Copy(h, r)
			r.Close()
			if err != nil {
				failures = append(failures, "reading the object back: "+scrub(err))
			}
			rc.ReadBack.SHA256 = hex.EncodeToString(h.Sum(nil))
		}
		rc.ReadBack.Match = a.Size == rc.Size && rc.ReadBack.SHA256 == rc.SHA256
		if !rc.ReadBack.Match {
			failures = append(failures, fmt.Sprintf("the stored object differs: %d bytes, SHA-256 %s; sent %d bytes, %s", a.Size, rc.ReadBack.SHA256, rc.Size, rc.SHA256))
		}
		// Verify in place.
		rf := &rangeFile{ctx: ctx, b: b, key: key, size: a.Size}
		var rep *bagit.Report
		var verr error
		if ext == ".zip" {
			rep, verr = bagit.VerifyZip(ctx, rf, a.Size, bagit.VerifyOptions{Fast: true})
		} else {
			rep, verr = bagit.VerifyTar(ctx, rf, bagit.VerifyOptions{Fast: true})
		}
		rc.Verified.Run = verr == nil
		if verr != nil {
			rc.Verified.Note = "not verified in place: " + scrub(verr)
			failures = append(failures, rc.Verified.Note)
		} else {
			rc.Verified.Valid = rep.Valid
			for _, p := range rep.Problems {
				rc.Verified.Problems = append(rc.Verified.Problems, fmt.Sprint(p))
			}
			if !rep.Valid {
				failures = append(failures, "the stored bag does not verify")
			}
		}
	}
	path := opt.Receipt
	if path == "" {
		path = bagPath + ".receipt.json"
	}
	if err := writeReceipt(path, rc); err != nil {
		return rc, err
	}
	if len(failures) > 0 {
		return rc, fmt.Errorf("deposit of %s to %s: %s (receipt: %s)", bagPath, Redact(target), strings.Join(failures, "; "), path)
	}
	return rc, nil
}

// writeReceipt writes rc as indented JSON, under a temporary name renamed
// when complete.
func writeReceipt(path string, rc *Receipt) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a URL's & stays &
	enc.SetIndent("", "  ")
	if err := enc.Encode(rc); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
