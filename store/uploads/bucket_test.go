package uploads_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/jinducity/portal/store/uploads"
	"github.com/jinducity/portal/store/uploads/s3test"
)

// A bucket keeps what Save is given under a random name, returns it whole, and forgets
// it on Remove; a missing object reads as fs.ErrNotExist, a missing bucket refuses Open.
func TestBucketStorage(t *testing.T) {
	srv := s3test.New("portal-files")
	defer srv.Close()
	ctx := context.Background()
	cfg := uploads.BucketConfig{Endpoint: srv.Endpoint(), Bucket: "portal-files", Prefix: "city/", AccessKey: "k", SecretKey: "s", Insecure: true}
	b, err := uploads.OpenBucket(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	photo := bytes.Repeat([]byte{0xFF, 0xD8, 0x42}, 40000)
	name, err := b.Save(photo, ".jpg")
	if err != nil {
		t.Fatal(err)
	}
	if keys := srv.Keys(); len(keys) != 1 || keys[0] != "city/"+name {
		t.Fatalf("objects = %v, want city/%s", keys, name)
	}
	got, err := b.Read(name)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("Read = %d bytes, %v; want the %d saved", len(got), err, len(photo))
	}
	if err := b.Remove(name, "../etc/passwd"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Read(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read after Remove: %v, want fs.ErrNotExist", err)
	}
	if _, err := b.Read("../../secret"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read of a name Save never gives: %v", err)
	}
	cfg.Bucket = "no-such-bucket"
	if _, err := uploads.OpenBucket(ctx, cfg); err == nil {
		t.Error("a missing bucket was accepted")
	}
}
