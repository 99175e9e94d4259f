// Package static embeds the portal's CSS, JavaScript and images and serves them under
// content-hashed URLs, so that browsers may cache them for a year.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed css js img
var files embed.FS

// Assets serves the embedded files and knows their versioned URLs.
type Assets struct {
	hashes map[string]string // file name → short content hash
	// gzipped holds large scripts and stylesheets compressed, each the first time a
	// browser that accepts gzip asks for it (ECharts is 1 MB, about 340 KB compressed).
	gzipped map[string]*gzipped
}

type gzipped struct {
	once sync.Once
	b    []byte
	err  error
}

// compressed returns a file's gzip encoding, made once.
func (g *gzipped) compressed(name string) ([]byte, error) {
	g.once.Do(func() {
		raw, err := files.ReadFile(name)
		if err != nil {
			g.err = err
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, g.err = zw.Write(raw); g.err == nil {
			g.err = zw.Close()
		}
		g.b = buf.Bytes()
	})
	return g.b, g.err
}

// gzipAbove is the size from which a script or stylesheet is also kept compressed.
const gzipAbove = 32 << 10

// New hashes every embedded file once.
func New() (*Assets, error) {
	a := &Assets{hashes: map[string]string{}, gzipped: map[string]*gzipped{}}
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
		if len(b) >= gzipAbove && (strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".css")) {
			a.gzipped[path] = &gzipped{}
		}
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
	if g, ok := a.gzipped[name]; ok {
		w.Header().Set("Vary", "Accept-Encoding")
		if gz, err := g.compressed(name); err == nil && acceptsGzip(r) && r.Header.Get("Range") == "" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(gz))
			return
		}
	}
	http.ServeFileFS(w, r, files, name)
}

// ReadFile returns an embedded file's bytes.
func ReadFile(name string) ([]byte, error) { return files.ReadFile(name) }

// acceptsGzip reports whether the request accepts a gzip-encoded answer.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}
