package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jinducity/portal/handlers"
)

// TestAdmissionBoundsWork checks that no more requests than Config.Working are handled at
// once, that the others are all served after waiting, and that the health check does not
// wait behind them.
func TestAdmissionBoundsWork(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) { c.Working = 3 })
	srv := e.Handler
	var now, peak atomic.Int64
	slow := srv.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		w.Write([]byte("ok"))
	}))
	ts := httptest.NewServer(slow)
	defer ts.Close()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get(ts.URL + "/x")
			if err == nil && res.StatusCode == http.StatusOK {
				ok.Add(1)
			}
			if err == nil {
				res.Body.Close()
			}
		}()
	}
	// While they queue, the health check answers at once.
	time.Sleep(30 * time.Millisecond)
	t0 := time.Now()
	wantStatus(t, "healthz", e.client().get("/healthz"), http.StatusOK)
	if d := time.Since(t0); d > 150*time.Millisecond {
		t.Errorf("the health check waited %v behind the queue", d)
	}
	wg.Wait()
	if ok.Load() != 30 || peak.Load() > 3 || peak.Load() < 2 {
		t.Errorf("%d of 30 served, at most %d at once; want all, at most 3", ok.Load(), peak.Load())
	}
}

func TestWorkingFromEnv(t *testing.T) {
	for v, want := range map[string]int{"": 0, "32": 32, "1": 1} {
		if n, err := handlers.WorkingFromEnv(func(string) string { return v }); err != nil || n != want {
			t.Errorf("PORTAL_WORKING=%q: %d, %v; want %d", v, n, err, want)
		}
	}
	for _, v := range []string{"0", "-3", "many", "1e9"} {
		if _, err := handlers.WorkingFromEnv(func(string) string { return v }); err == nil {
			t.Errorf("PORTAL_WORKING=%q accepted", v)
		}
	}
}
