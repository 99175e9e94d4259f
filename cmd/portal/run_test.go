package main

import (
	"bytes"
	"context"
	"github.com/jinducity/portal/store/storetest"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// sqliteOnly skips, in the PostgreSQL half of the suite, a test of SQLite files: the
// same commands on PostgreSQL are TestPostgresCommands.
func sqliteOnly(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("SQLite files only; TestPostgresCommands covers PostgreSQL")
	}
}

// startPortal runs serve in the background like main does and returns its base URL.
func startPortal(t *testing.T, c serveConfig, getenv func(string) string) (string, *bytes.Buffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	c.ready = func(addr string) { ready <- addr }
	c.shutdownGracePeriod = 5 * time.Second
	if c.addr == "" {
		c.addr = "127.0.0.1:0"
	}
	out := &bytes.Buffer{}
	errc := make(chan error, 1)
	go func() { errc <- serveWith(ctx, c, getenv, out, io.Discard) }()
	select {
	case addr := <-ready:
		stop := func() error { cancel(); return <-errc }
		t.Cleanup(func() { cancel() })
		return "http://" + addr, out, stop
	case err := <-errc:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start in 30 s")
	}
	return "", nil, nil
}

func TestServeDemoAndShutdown(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "portal.db")
	base, out, stop := startPortal(t, serveConfig{db: db, demo: true}, noEnv)
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("/healthz = %d %q, want 200 ok", res.StatusCode, body)
	}
	for _, want := range []string{"admin", "teacher", "demo12345", "DEMO01"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo start-up output lacks %q:\n%s", want, out)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, "session.key"))
	if err != nil {
		t.Fatalf("session key file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("session key file mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestRefusesUnsafeConfiguration(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "portal.db")
	// Seed the demo into the database, then try to serve it without -demo.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "-scale", "demo", "-db", db}, noEnv, nil, &out, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	err := serveWith(context.Background(), serveConfig{db: db, addr: "127.0.0.1:0"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "demo accounts") {
		t.Errorf("serving a demo database without -demo: %v, want a refusal naming the demo accounts", err)
	}

	fresh := filepath.Join(t.TempDir(), "portal.db")
	key := filepath.Join(filepath.Dir(fresh), "session.key")
	os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o644)
	err = serveWith(context.Background(), serveConfig{db: fresh, addr: "127.0.0.1:0"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key file: %v, want a refusal saying chmod 600", err)
	}

	short := func(k string) string {
		if k == "PORTAL_SESSION_KEY" {
			return "c2hvcnQ="
		}
		return ""
	}
	err = serveWith(context.Background(), serveConfig{db: fresh, addr: "127.0.0.1:0"}, short, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_SESSION_KEY") {
		t.Errorf("short PORTAL_SESSION_KEY: %v, want a refusal naming it", err)
	}
}

func TestSeedRefusesNonEmptyDatabase(t *testing.T) {
	sqliteOnly(t)
	db := filepath.Join(t.TempDir(), "portal.db")
	args := []string{"seed", "-scale", "demo", "-db", db}
	if err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("second seed: %v, want a refusal", err)
	}
}

func TestCreateAdminAndBackup(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "portal.db")
	var out bytes.Buffer
	err := run(context.Background(), []string{"user", "create-admin", "-db", db, "-username", "office", "-name", "市禁毒办"},
		noEnv, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "One-time password: ") {
		t.Errorf("create-admin without a password on stdin should print a one-time password:\n%s", out.String())
	}
	err = run(context.Background(), []string{"user", "create-admin", "-db", db, "-username", "office"},
		noEnv, strings.NewReader("a good password\n"), io.Discard, io.Discard)
	if err == nil {
		t.Error("a second admin with the same username was accepted")
	}
	backup := filepath.Join(dir, "backup.db")
	if err := run(context.Background(), []string{"backup", "-db", db, "-out", backup}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(backup); err != nil || info.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	// The backup is a working database: the admin is in it, and a production start accepts it.
	base, _, stop := startPortal(t, serveConfig{db: backup}, noEnv)
	res, err := http.PostForm(base+"/login", map[string][]string{"username": {"office"}, "password": {"wrong-password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with a wrong password on the backup: %d, want 401", res.StatusCode)
	}
	stop()
}
