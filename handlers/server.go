// Package handlers turns HTTP requests into calls on the portal's store and content, and
// their results into pages. It owns the router, the middleware and the sessions.
package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/gorilla/securecookie"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/static"
	"github.com/jinducity/portal/store"
)

// Config is everything the handlers need; New takes it whole.
type Config struct {
	Store   *store.Store
	Content *content.Content
	Assets  *static.Assets
	Log     *slog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// SessionKeys are pairs of hash and block keys for the session cookie (newest first,
	// so keys can be rotated). At least one 32-byte hash key is required.
	SessionKeys [][]byte
	// UploadDir is the folder of activity photos and attachments; empty means "uploads"
	// beside the database. It is not used when Files is set.
	UploadDir string
	// Files, if set, keeps the uploaded files instead of the folder: the database's
	// (store.Files) or an S3 bucket's, which every portal server reaches.
	Files Files
	// Demo marks every page with the demo banner.
	Demo bool
	// Secure is set when the portal is served over TLS: cookies get Secure and the
	// __Host- prefix, responses carry HSTS.
	Secure bool
	// TrustedProxies are the addresses of reverse proxies whose X-Forwarded-For header is
	// believed. Empty means the client address is the connection's.
	TrustedProxies []netip.Prefix
	// Rate limits; zero values take the defaults documented in the README.
	LoginPerIP      int           // login and join posts per client address per minute (default 300)
	LoginPerAccount int           // failed passwords per account and client address per window (default 5)
	LoginLockout    time.Duration // the per-account-and-address window (default 15 minutes)
	RegisterPerIP   int           // volunteer registrations per client address per 10 minutes (default 30)
	// Working bounds the requests handled at once (default 32 per CPU); the others
	// wait their turn in arrival order, holding only their connection.
	Working int
}

// Server is the portal's HTTP handler.
type Server struct {
	cfg      Config
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	router   chi.Router
	sessions *SessionStore
	ipLimit  *httprate.RateLimiter
	regLimit *httprate.RateLimiter
	guard    *loginGuard
	handler  http.Handler
	evidence *evidence
	work     chan struct{} // admission (admit.go)
	dash     ttlCache      // dashboards' slow figures (dashcache.go)
	// codeLimit bounds lookups of booking codes (issue 15) per client address.
	codeLimit *httprate.RateLimiter
}

// New builds the server and its router.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Content == nil || cfg.Assets == nil {
		return nil, errors.New("handlers: Store, Content and Assets are required")
	}
	if len(cfg.SessionKeys) == 0 || len(cfg.SessionKeys[0]) < 32 {
		return nil, errors.New("handlers: a session hash key of at least 32 bytes is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.LoginPerIP <= 0 {
		cfg.LoginPerIP = 300
	}
	if cfg.LoginPerAccount <= 0 {
		cfg.LoginPerAccount = 5
	}
	if cfg.LoginLockout <= 0 {
		cfg.LoginLockout = 15 * time.Minute
	}
	if cfg.RegisterPerIP <= 0 {
		cfg.RegisterPerIP = 30
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Log, now: cfg.Clock}
	if err := s.openEvidence(); err != nil {
		return nil, err
	}
	s.sessions = NewSessionStore(cfg.Store, cfg.Clock, cfg.Secure, securecookie.CodecsFromPairs(cfg.SessionKeys...)...)
	s.ipLimit = httprate.NewRateLimiter(cfg.LoginPerIP, time.Minute)
	s.regLimit = httprate.NewRateLimiter(cfg.RegisterPerIP, 10*time.Minute)
	s.guard = newLoginGuard(cfg.Store, cfg.Clock, cfg.LoginLockout, cfg.LoginPerAccount)
	s.codeLimit = httprate.NewRateLimiter(30, time.Minute)
	s.router = s.routes()

	working := cfg.Working
	if working <= 0 {
		working = workingDefault()
	}
	s.work = make(chan struct{}, working)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, errForbiddenOrigin)
	}))
	// Cross-origin protection wraps the whole router, so no form post escapes it. The
	// environment (language, viewer) is loaded first so refusals are translated pages.
	s.handler = s.admit(s.recoverer(s.logRequests(s.securityHeaders(s.loadEnv(cop.Handler(s.router))))))
	return s, nil
}

// Wrap puts h behind the same middleware as the portal's pages (recovery, logging,
// security headers, session and language, cross-origin protection). The load benchmark
// measures its ceiling through it.
func (s *Server) Wrap(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return s.admit(s.recoverer(s.logRequests(s.securityHeaders(s.loadEnv(cop.Handler(h))))))
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Router returns the router, for tests that walk every route.
func (s *Server) Router() chi.Router { return s.router }

// routes lists every route. Each area registers its own in its file; every route not
// registered with a public marker sits behind a role check (see requireRole).
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.CleanPath)
	// HEAD answers as GET does, without the body (net/http drops it): uptime monitors.
	r.Use(middleware.GetHead)
	r.NotFound(s.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.h(func(w http.ResponseWriter, r *http.Request) error { return errMethod }))

	r.Get("/healthz", s.healthz)
	r.Get("/static/*", s.cfg.Assets.ServeHTTP)
	r.Get("/lang/{lang}", s.h(s.switchLang))
	s.authRoutes(r)
	s.publicRoutes(r)
	s.joinRoutes(r)
	s.adminRoutes(r)
	s.districtRoutes(r)
	s.schoolRoutes(r)
	s.associationRoutes(r)
	s.activityRoutes(r)
	s.volunteerRoutes(r)
	s.quizRoutes(r)
	s.creationRoutes(r)
	s.baseRoutes(r)
	s.receiptRoutes(r)
	return r
}

// healthz answers 200 while the database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok"))
}
