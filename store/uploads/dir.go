package uploads

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Dir is the folder that keeps the uploaded files.
type Dir struct {
	path string
}

// OpenDir opens (creating if needed) the upload folder.
func OpenDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("create upload folder: %w", err)
	}
	return &Dir{path: path}, nil
}

// OpenExisting opens an upload folder that must exist.
func OpenExisting(path string) (*Dir, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", path)
	}
	return &Dir{path: path}, nil
}

// Path returns the folder's path.
func (d *Dir) Path() string { return d.path }

// storedName is the form of the names Save gives; anything else (a path, "..") is never
// opened.
var storedName = regexp.MustCompile(`^[0-9a-f]{32}\.(jpg|pdf)$`)

// NewName returns a new random stored name with the extension (".jpg" or ".pdf"): the
// names every storage (folder, bucket, database) gives its files.
func NewName(ext string) (string, error) {
	b := make([]byte, 16)
	rand.Read(b)
	name := hex.EncodeToString(b) + ext
	if !storedName.MatchString(name) {
		return "", fmt.Errorf("uploads: bad extension %q", ext)
	}
	return name, nil
}

// ValidName reports whether name is one NewName could have given; no other name is
// ever opened, so a path or ".." never reaches a storage.
func ValidName(name string) bool { return storedName.MatchString(name) }

// Save writes data under a new random name with the extension (".jpg" or ".pdf") and
// returns the name. The file appears whole or not at all.
func (d *Dir) Save(data []byte, ext string) (string, error) {
	name, err := NewName(ext)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(d.path, ".upload-*")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(d.path, name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return name, nil
}

// Remove deletes stored files; names that are not there, or are built in, are skipped.
func (d *Dir) Remove(names ...string) error {
	var errs []error
	for _, n := range names {
		if !storedName.MatchString(n) {
			continue
		}
		if err := os.Remove(filepath.Join(d.path, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Read returns a stored file's bytes, or a demo illustration's.
func (d *Dir) Read(name string) ([]byte, error) {
	if b, ok := demoFile(name); ok {
		return b, nil
	}
	if !storedName.MatchString(name) {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(filepath.Join(d.path, name))
}

// Exists reports whether a stored file is there, for tests and checks.
func (d *Dir) Exists(name string) bool {
	if _, ok := demoFile(name); ok {
		return true
	}
	_, err := os.Stat(filepath.Join(d.path, name))
	return storedName.MatchString(name) && err == nil
}

// Files lists the names in the folder, for tests that check nothing is left over.
func (d *Dir) Files() ([]string, error) {
	es, err := os.ReadDir(d.path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out, nil
}
