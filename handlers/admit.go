package handlers

import (
	"net/http"
	"runtime"
)

// Admission. When thousands of requests arrive at once (a city-wide test starting), a
// server that works on all of them together makes each slower and holds every page being
// built in memory at the same time. At most Config.Working requests are handled at once;
// the others wait, in arrival order, holding only their connection, and a client that
// gives up leaves the queue. The health check never waits.

func workingDefault() int { return 8 * runtime.NumCPU() }

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
