package uploads

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Bucket keeps the uploaded files in an S3-compatible bucket (MinIO, a cloud provider's
// object storage), which every portal server reaches: the storage for servers that share
// neither a folder nor want files in the database.
type Bucket struct {
	client *minio.Client
	bucket string
	prefix string
}

// BucketConfig says where the bucket is.
type BucketConfig struct {
	Endpoint  string // host[:port], without a scheme
	Bucket    string
	Prefix    string // put before every object name, e.g. "portal/"
	AccessKey string
	SecretKey string
	Region    string // default us-east-1
	Insecure  bool   // plain HTTP (a bucket on the local network)
}

// OpenBucket connects to the bucket and checks that it exists.
func OpenBucket(ctx context.Context, c BucketConfig) (*Bucket, error) {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: !c.Insecure,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("bucket %s at %s: %w", c.Bucket, c.Endpoint, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("bucket %s at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("bucket %s at %s does not exist", c.Bucket, c.Endpoint)
	}
	return &Bucket{client: client, bucket: c.Bucket, prefix: c.Prefix}, nil
}

// Save stores data under a new random name with the extension and returns the name; an
// object is stored whole or not at all.
func (b *Bucket) Save(data []byte, ext string) (string, error) {
	name, err := NewName(ext)
	if err != nil {
		return "", err
	}
	ct := "image/jpeg"
	if ext == ".pdf" {
		ct = "application/pdf"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = b.client.PutObject(ctx, b.bucket, b.prefix+name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: ct})
	if err != nil {
		return "", err
	}
	return name, nil
}

// Remove deletes stored files; names that are not there are skipped.
func (b *Bucket) Remove(names ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, n := range names {
		if !storedName.MatchString(n) {
			continue
		}
		if err := b.client.RemoveObject(ctx, b.bucket, b.prefix+n, minio.RemoveObjectOptions{}); err != nil &&
			minio.ToErrorResponse(err).Code != "NoSuchKey" {
			return err
		}
	}
	return nil
}

// Read returns a stored file's bytes; a name not stored is fs.ErrNotExist.
func (b *Bucket) Read(name string) ([]byte, error) {
	if !storedName.MatchString(name) {
		return nil, fs.ErrNotExist
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	obj, err := b.client.GetObject(ctx, b.bucket, b.prefix+name, minio.GetObjectOptions{})
	if err == nil {
		var data []byte
		data, err = io.ReadAll(obj)
		obj.Close()
		if err == nil {
			return data, nil
		}
	}
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return nil, fs.ErrNotExist
	}
	return nil, err
}
