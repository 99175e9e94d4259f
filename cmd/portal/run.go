package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/static"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

const usage = `usage:
  portal [serve] [-addr :8080] [-db data/portal.db] [-demo] [flags]   serve the portal
  portal seed -scale demo|city -db PATH [-seed N]                      fill a new database
  portal user create-admin -db PATH -username NAME [-name NAME]        add an administrator
  portal user reset-password -db PATH -username NAME                   give an account a new password
  portal backup -db PATH -out FILE                                     copy the database while it serves
  portal migrate-to-postgres -from PATH -to postgres://…               copy an SQLite database into an empty PostgreSQL one

-db takes an SQLite file or a postgres:// URL; PORTAL_DATABASE_URL gives the default.
`

// run is the whole program; main only wires signals and the process's streams, so
// end-to-end tests can run the same code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCmd(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdin, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout, stderr)
	case "migrate-to-postgres":
		return migrateCmd(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// serveConfig is what serve reads from its flags and the environment.
type serveConfig struct {
	addr, db, keyFile   string
	uploads             string // activity photos and attachments; "" means "uploads" beside the database
	demo, behindTLS     bool
	tlsCert, tlsKey     string
	trustedProxies      string
	ready               func(addr string) // tests learn the bound address
	shutdownGracePeriod time.Duration
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c serveConfig
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	db := dbFlag(fs, getenv, "data/portal.db")
	fs.BoolVar(&c.demo, "demo", false, "demo mode: seed the demo city into an empty database and show the demo banner")
	fs.StringVar(&c.uploads, "uploads", "", "folder of activity photos and attachments (default: uploads beside the database)")
	fs.StringVar(&c.keyFile, "key-file", "", "session key file (default: session.key beside the database; created on first run)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve HTTPS with this certificate file")
	fs.StringVar(&c.tlsKey, "tls-key", "", "the certificate's private key file")
	fs.BoolVar(&c.behindTLS, "behind-tls", getenv("PORTAL_BEHIND_TLS") == "1", "a reverse proxy terminates TLS (secure cookies, HSTS)")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", getenv("PORTAL_TRUSTED_PROXIES"), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.db = *db
	c.shutdownGracePeriod = 10 * time.Second
	return serveWith(ctx, c, getenv, stdout, stderr)
}

func serveWith(ctx context.Context, c serveConfig, getenv func(string) string, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	start := time.Now()
	proxies, err := parseProxies(c.trustedProxies)
	if err != nil {
		return err
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return errors.New("give both -tls-cert and -tls-key, or neither")
	}
	keyFile := c.keyFile
	if keyFile == "" && getenv("PORTAL_SESSION_KEY") == "" {
		if keyFile, err = defaultKeyFile(c.db, c.demo); err != nil {
			return err
		}
	}
	keys, err := sessionKeys(getenv("PORTAL_SESSION_KEY"), keyFile)
	if err != nil {
		return err
	}
	cnt, err := content.Load()
	if err != nil {
		return err
	}
	assets, err := static.New()
	if err != nil {
		return err
	}
	pool, err := poolSize(getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, c.db, store.Options{PoolSize: pool})
	if err != nil {
		return err
	}
	defer st.Close()

	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if c.demo && empty {
		accounts, err := seed.Demo(ctx, st, time.Now())
		if err != nil {
			return fmt.Errorf("seed demo city: %w", err)
		}
		printDemoAccounts(stdout, accounts)
	}
	if !c.demo {
		if demo, err := st.HasDemoAccounts(ctx); err != nil {
			return err
		} else if demo {
			return fmt.Errorf("%s holds the demo accounts (password %s), which must never be reachable in production: "+
				"start with -demo to try the portal, or use a new database for real use", redact(c.db), seed.DemoPassword)
		}
	}

	working, err := handlers.WorkingFromEnv(getenv)
	if err != nil {
		return err
	}
	handlers.TuneMemory(getenv)
	files, err := fileStorage(ctx, c, st, getenv)
	if err != nil {
		return err
	}
	h, err := handlers.New(handlers.Config{
		Store: st, Content: cnt, Assets: assets, Log: log, SessionKeys: keys, Demo: c.demo, UploadDir: uploadDir(c),
		Files: files, Secure: c.behindTLS || c.tlsCert != "", TrustedProxies: proxies, Working: working,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // activity photos come later: up to 9 × 5 MB on a slow phone
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	go sweepSessions(ctx, st, log)
	scheme := "http"
	if c.tlsCert != "" {
		scheme = "https"
	}
	log.Info("serving", "addr", ln.Addr().String(), "scheme", scheme, "db", redact(c.db), "files", filesName(files), "demo", c.demo, "start_ms", time.Since(start).Milliseconds())
	if c.demo {
		fmt.Fprintf(stdout, "Portal running at %s://localhost:%d (demo mode)\n", scheme, ln.Addr().(*net.TCPAddr).Port)
	}
	if c.ready != nil {
		c.ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if c.tlsCert != "" {
			errc <- srv.ServeTLS(ln, c.tlsCert, c.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownGracePeriod)
	defer cancel()
	return srv.Shutdown(sctx)
}

// sweepSessions removes expired sessions every hour, failed-login counts of more
// than a day ago (the lockout window is far shorter), and the names and mobile numbers
// of individual base visitors 90 days after their visit.
func sweepSessions(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.DeleteExpiredSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Error("sweep sessions", "err", err)
		} else if n > 0 {
			log.Info("swept sessions", "expired", n)
		}
		if _, err := st.DeleteOldGuesses(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Error("sweep login counts", "err", err)
		}
		if n, err := st.EraseVisitors(ctx); err != nil && ctx.Err() == nil {
			log.Error("erase base visitors", "err", err)
		} else if n > 0 {
			log.Info("erased base visitors", "visitors", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func printDemoAccounts(w io.Writer, accounts []seed.Account) {
	fmt.Fprintln(w, "Demo city seeded. Demo accounts (password "+seed.DemoPassword+"):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var long []seed.Account
	for _, a := range accounts {
		// A list of many usernames would widen the table; it goes below it.
		if len(a.Username) > 30 {
			long = append(long, a)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Username, a.Role, a.Note)
	}
	tw.Flush()
	for _, a := range long {
		fmt.Fprintf(w, "  %s (%s): %s\n", a.Role, a.Note, a.Username)
	}
	fmt.Fprintln(w, "  Students join at /join with class code "+seed.DemoJoinCode)
}

// sessionKeys returns the session cookie keys: from PORTAL_SESSION_KEY (hex or base64,
// at least 32 bytes; a second key after a comma is the previous one, for rotation), or
// from the key file, created with 0600 permissions on first run.
func sessionKeys(env, keyFile string) ([][]byte, error) {
	if env != "" {
		var keys [][]byte
		for _, part := range strings.Split(env, ",") {
			k, err := decodeKey(strings.TrimSpace(part))
			if err != nil || len(k) < 32 {
				return nil, errors.New("PORTAL_SESSION_KEY must be at least 32 random bytes, hex or base64 encoded " +
					"(make one with: head -c 32 /dev/urandom | base64)")
			}
			keys = append(keys, k, nil)
		}
		return keys, nil
	}
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		k := []byte(portal.RandomToken(32))
		if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyFile, k, 0o600); err != nil {
			return nil, fmt.Errorf("create session key file: %w", err)
		}
		b = k
	} else if err != nil {
		return nil, fmt.Errorf("read session key file: %w", err)
	}
	info, err := os.Stat(keyFile)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("session key file %s is readable by others (mode %v): run chmod 600 %s", keyFile, info.Mode().Perm(), keyFile)
	}
	k, err := decodeKey(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 32 {
		return nil, fmt.Errorf("session key file %s must hold at least 32 random bytes, hex encoded; delete it to have a new one made", keyFile)
	}
	return [][]byte{k, nil}, nil
}

func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR", part)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// uploadDir is the folder of activity evidence: the -uploads flag, or "uploads" beside
// an SQLite database.
func uploadDir(c serveConfig) string {
	if c.uploads != "" {
		return c.uploads
	}
	return filepath.Join(filepath.Dir(c.db), "uploads")
}
