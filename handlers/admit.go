package handlers

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
)

// Admission. When thousands of requests arrive at once (a city-wide test starting), a
// server that works on all of them together makes each slower and holds every page being
// built in memory at the same time. At most Config.Working requests are handled at once;
// the others wait, in arrival order, holding only their connection, and a client that
// gives up leaves the queue. The health check never waits.

func workingDefault() int { return 32 * runtime.NumCPU() }

func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.work <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-s.work }()
		next.ServeHTTP(w, r)
	})
}

// WorkingFromEnv reads PORTAL_WORKING, the requests handled at once; 0 (unset) means the
// default.
func WorkingFromEnv(getenv func(string) string) (int, error) {
	v := getenv("PORTAL_WORKING")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, fmt.Errorf("PORTAL_WORKING=%q: want a number of requests, such as 32", v)
	}
	return n, nil
}

// TuneMemory sets the garbage collector for a server on a modest machine, unless GOGC or
// GOMEMLIMIT say otherwise: collect when the heap has grown fourfold (pages allocate
// much and keep little), but keep it under 165 MiB whatever the growth. With SQLite's
// page caches and the program itself the process stays under 200 MB.
func TuneMemory(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(165 << 20)
	}
}
