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
// once, that the health check answers while the others wait, and that every waiting
// request is served once work is released.
func TestAdmissionBoundsWork(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) { c.Working = 3 })
	var now, peak atomic.Int64
	release := make(chan struct{})
	blocked := e.Handler.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		now.Add(-1)
		w.Write([]byte("ok"))
	}))
	ts := httptest.NewServer(blocked)
	defer ts.Close()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get(ts.URL + "/x")
			if err != nil {
				return
			}
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				ok.Add(1)
			}
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); now.Load() < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests started", now.Load())
		}
		time.Sleep(time.Millisecond)
	}
	// Three are working and seven wait; the health check does not wait behind them.
	health := make(chan int, 1)
	go func() {
		res, err := (&http.Client{Timeout: 10 * time.Second}).Get(e.Srv.URL + "/healthz")
		if err != nil {
			health <- 0
			return
		}
		res.Body.Close()
		health <- res.StatusCode
	}()
	if code := <-health; code != http.StatusOK {
		t.Errorf("healthz while the work is full: %d, want 200 at once", code)
	}
	close(release)
	wg.Wait()
	if ok.Load() != 10 || peak.Load() != 3 {
		t.Errorf("%d of 10 served, at most %d at once; want all, at most 3", ok.Load(), peak.Load())
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
