package static

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Large scripts go compressed to browsers that accept gzip, and as they are to others.
func TestGzippedScript(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const name = "js/vendor/echarts-5.6.0.min.js"
	raw, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	get := func(enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, a.URL(name), nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		return rec
	}
	rec := get("gzip, deflate, br")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" || rec.Body.Len() >= len(raw)/2 {
		t.Fatalf("gzip: %d, %q, %d bytes of %d", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Len(), len(raw))
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != string(raw) {
		t.Error("the gzipped script is not the script")
	}
	for _, enc := range []string{"", "gzip;q=0", "br"} {
		if rec := get(enc); rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != len(raw) {
			t.Errorf("Accept-Encoding %q: %q, %d bytes", enc, rec.Header().Get("Content-Encoding"), rec.Body.Len())
		}
	}
}
