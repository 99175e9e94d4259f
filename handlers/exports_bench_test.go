package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkExportAudit downloads the whole audit log through the real router after
// filling it with PORTAL_EXPORT_ROWS rows (100,000 unless set; BENCHMARKS.md has the
// 1,000,000-row figures) and reports the peak of the Go heap in use while the export
// runs: the rows stream from SQLite to the response (CSV) or to excelize's stream writer
// (xlsx), so the peak should not grow with the rows.
func BenchmarkExportAudit(b *testing.B) {
	rows := 100_000
	if v, err := strconv.Atoi(os.Getenv("PORTAL_EXPORT_ROWS")); err == nil && v > 0 {
		rows = v
	}
	e := mustBenchEnv(b)
	if e.store.Postgres() {
		b.Skip("fills the audit log through SQLite")
	}
	mustFillAudit(b, e.store.Path(), rows)
	admin := e.login(b, "admin")
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			var peak, base uint64
			var written int64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base = ms.HeapInuse
				stop := sampleHeap(&peak)
				w := &countingWriter{h: http.Header{}}
				req := httptest.NewRequest(http.MethodGet, "/admin/audit?format="+format, nil)
				for _, k := range admin.jar.Cookies(benchOrigin) {
					req.AddCookie(k)
				}
				e.h.ServeHTTP(w, req)
				stop()
				if w.code != http.StatusOK && w.code != 0 || w.n == 0 {
					b.Fatalf("export: status %d, %d bytes", w.code, w.n)
				}
				written = w.n
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-over-idle-MB")
			b.ReportMetric(float64(written)/(1<<20), "file-MB")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// countingWriter is a response that counts its bytes and keeps none.
type countingWriter struct {
	h    http.Header
	code int
	n    int64
}

func (w *countingWriter) Header() http.Header  { return w.h }
func (w *countingWriter) WriteHeader(code int) { w.code = code }
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// sampleHeap records the largest HeapInuse seen every 5 ms until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// mustFillAudit adds n audit rows to the SQLite database at path in one transaction.
func mustFillAudit(b *testing.B, path string, n int) {
	b.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	at := testNow.Add(-time.Duration(n) * time.Second).UTC()
	for i := range n {
		if _, err := st.ExecContext(ctx, at.Add(time.Duration(i)*time.Second), fmt.Sprintf("teacher%d", i%2000),
			"class.update", "class", i%25000+1, `{"name":"七年级（3）班","grade":7}`); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
