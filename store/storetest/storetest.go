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
