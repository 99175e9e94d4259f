// Package static embeds the portal's CSS, JavaScript and images and serves them under
// content-hashed URLs, so that browsers may cache them for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed css js img
var files embed.FS

// Assets serves the embedded files and knows their versioned URLs.
type Assets struct {
	hashes map[string]string // file name → short content hash
}

// New hashes every embedded file once.
func New() (*Assets, error) {
	a := &Assets{hashes: map[string]string{}}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[path] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a, err
}

// URL returns /static/HASH/name for an embedded file, or /static/missing/name for an
// unknown one (which answers 404, so a typo shows in tests).
func (a *Assets) URL(name string) string {
	h, ok := a.hashes[name]
	if !ok {
		h = "missing"
	}
	return "/static/" + h + "/" + name
}

// ServeHTTP serves /static/HASH/name. A current hash is cached for a year as immutable;
// an old hash still gets the current file, but uncached.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	want, known := a.hashes[name]
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	if hash == want {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeFileFS(w, r, files, name)
}

// ReadFile returns an embedded file's bytes.
func ReadFile(name string) ([]byte, error) { return files.ReadFile(name) }
