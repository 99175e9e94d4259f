// Package storetest gives tests a fresh database on either engine. Every test that needs
// a database asks DSN for one; a package's TestMain calls Main, which runs the package's
// tests on SQLite and then, when PORTAL_TEST_POSTGRES names a PostgreSQL server, runs the
// same test binary again with every database on PostgreSQL, each test in a schema of its
// own that is dropped when it ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of database/sql
)

// ServerEnv names the PostgreSQL server the second half of the suite runs on, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const ServerEnv = "PORTAL_TEST_POSTGRES"

// engineEnv is set by Main in the second run.
const engineEnv = "PORTAL_TEST_ENGINE"

// Postgres reports whether this run of the tests is on PostgreSQL.
func Postgres() bool { return os.Getenv(engineEnv) == "postgres" }

// Engine names the engine of this run: "sqlite" or "postgres".
func Engine() string {
	if Postgres() {
		return "postgres"
	}
	return "sqlite"
}

// Main runs the tests of a package on SQLite and, if ServerEnv is set, again on
// PostgreSQL; it exits with the first failing run's status.
func Main(m *testing.M) {
	code := m.Run()
	dropTemplates()
	if code != 0 || Postgres() {
		os.Exit(code)
	}
	server := os.Getenv(ServerEnv)
	if server == "" {
		if testing.Verbose() {
			fmt.Printf("storetest: %s is not set: the PostgreSQL half of these tests was skipped\n", ServerEnv)
		}
		os.Exit(0)
	}
	fmt.Printf("storetest: the same tests on PostgreSQL (%s)\n", redact(server))
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), engineEnv+"=postgres")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "storetest:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "?"
	}
	return p.Redacted()
}

// SkipWithoutPostgres skips a test that needs PostgreSQL when ServerEnv is not set, and
// returns the server's URL.
func SkipWithoutPostgres(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(ServerEnv)
	if server == "" {
		tb.Skipf("%s is not set: the PostgreSQL half of the suite is skipped", ServerEnv)
	}
	return server
}

// DSN returns the data source of a new, empty database for tb: an SQLite file in
// tb.TempDir(), or on PostgreSQL runs a schema of its own, dropped at the test's end
// (after the cleanups registered later, such as closing the store).
func DSN(tb testing.TB) string {
	tb.Helper()
	if !Postgres() {
		return filepath.Join(tb.TempDir(), "portal.db")
	}
	return NewSchema(tb, SkipWithoutPostgres(tb))
}

// NewSchema creates a schema on server and returns server's URL with that schema as its
// search path; the schema is dropped when tb ends.
func NewSchema(tb testing.TB, server string) string {
	tb.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
		admin.Close()
		tb.Fatalf("create test schema on %s: %v", redact(server), err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Connections of the test that are still open (a portal process killed on
		// purpose) would hold locks on the schema's tables.
		admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = $1`, name)
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			tb.Errorf("drop test schema %s: %v", name, err)
		}
	})
	return WithSearchPath(server, name)
}

// WithSearchPath returns server's URL with schema as the connections' search path.
func WithSearchPath(server, schema string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Named after the schema, so that a test's cleanup can end its connections.
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// IsPostgres reports whether dsn is a PostgreSQL URL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Seeded returns the data source of a new database for tb holding what build wrote into
// an empty one. build runs once per test binary and key (the demo city, say), into a
// template; each test then gets a copy of it: the SQLite file copied, or on PostgreSQL a
// database of its own created from the template database (CREATE DATABASE … TEMPLATE),
// dropped at the test's end. A copy takes a few milliseconds where seeding takes a
// second or more on PostgreSQL. build must close every connection it opened.
func Seeded(tb testing.TB, key string, build func(dsn string) error) string {
	tb.Helper()
	templates.mu.Lock()
	defer templates.mu.Unlock()
	t, ok := templates.m[key]
	if !ok {
		var err error
		t, err = newTemplate(tb, key, build)
		if err != nil {
			tb.Fatalf("build the %s template: %v", key, err)
		}
		templates.m[key] = t
	}
	if !Postgres() {
		b, err := os.ReadFile(t)
		if err != nil {
			tb.Fatal(err)
		}
		path := filepath.Join(tb.TempDir(), "portal.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			tb.Fatal(err)
		}
		return path
	}
	server := SkipWithoutPostgres(tb)
	name := "t_" + randomHex(6)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+t); err != nil {
		admin.Close()
		tb.Fatalf("create a test database from %s: %v", t, err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(server, name)
}

// templates are the databases Seeded copies, by key: an SQLite file's path or a
// PostgreSQL database's name.
var templates = struct {
	mu  sync.Mutex
	m   map[string]string
	dir string
	pg  []string
}{m: map[string]string{}}

func newTemplate(tb testing.TB, key string, build func(dsn string) error) (string, error) {
	if !Postgres() {
		if templates.dir == "" {
			d, err := os.MkdirTemp("", "storetest-")
			if err != nil {
				return "", err
			}
			templates.dir = d
		}
		path := filepath.Join(templates.dir, key+".db")
		if err := build(path); err != nil {
			return "", err
		}
		// The store checkpointed its WAL when it closed: the file is whole.
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			return "", fmt.Errorf("%s still has a write-ahead log: build must close the store", path)
		}
		return path, nil
	}
	server := SkipWithoutPostgres(tb)
	name := "tmpl_" + randomHex(6)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		return "", err
	}
	templates.pg = append(templates.pg, name)
	if err := build(withDatabase(server, name)); err != nil {
		return "", err
	}
	return name, nil
}

// dropTemplates removes what newTemplate made, at the end of the test binary.
func dropTemplates() {
	templates.mu.Lock()
	defer templates.mu.Unlock()
	if templates.dir != "" {
		os.RemoveAll(templates.dir)
	}
	if len(templates.pg) == 0 {
		return
	}
	admin, err := sql.Open("pgx", os.Getenv(ServerEnv))
	if err != nil {
		return
	}
	defer admin.Close()
	for _, n := range templates.pg {
		admin.Exec(`DROP DATABASE ` + n + ` WITH (FORCE)`)
	}
}

// withDatabase returns server's URL naming database name instead.
func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
