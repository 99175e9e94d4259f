package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/storetest"
	"github.com/jinducity/portal/store/uploads"
)

// postgresOnly skips a test outside the PostgreSQL half of the suite.
func postgresOnly(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: runs in the PostgreSQL half of the suite (set " + storetest.ServerEnv + ")")
	}
}

// The commands take a postgres:// URL where they take a file: seed refuses a database
// with data, create-admin adds an account, backup writes a pg_dump archive, and a
// production server refuses to start without a session key all servers share.
func TestPostgresCommands(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	dsn := storetest.DSN(t)
	env := func(k string) string {
		if k == databaseEnv {
			return dsn
		}
		return ""
	}
	// -db comes from PORTAL_DATABASE_URL.
	if err := run(ctx, []string{"seed", "-scale", "demo"}, env, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"seed", "-scale", "demo", "-db", dsn}, noEnv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("second seed: %v, want a refusal", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "create-admin", "-db", dsn, "-username", "office"}, noEnv, strings.NewReader("a good password\n"),
		&out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pg_dump"); err == nil {
		backup := filepath.Join(t.TempDir(), "portal.dump")
		if err := run(ctx, []string{"backup", "-db", dsn, "-out", backup}, noEnv, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(backup); err != nil || !bytes.HasPrefix(b, []byte("PGDMP")) {
			t.Errorf("backup is not a pg_dump archive: %v", err)
		}
	}
	err = serveWith(ctx, serveConfig{db: storetest.DSN(t), addr: "127.0.0.1:0"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PORTAL_SESSION_KEY") {
		t.Errorf("a production server on PostgreSQL without a shared key: %v, want a refusal naming PORTAL_SESSION_KEY", err)
	}
}

// migrate-to-postgres moves the demo city, and its uploaded files, from SQLite into an
// empty PostgreSQL database: the same rows, the same figures, and a server on the copy
// lets the demo accounts in and serves the photos.
func TestMigrateToPostgres(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	from := filepath.Join(dir, "portal.db")
	if err := run(ctx, []string{"seed", "-scale", "demo", "-db", from}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	up, err := uploads.OpenDir(filepath.Join(dir, "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	name, err := up.Save([]byte("%PDF-1.4 a work plan"), ".pdf")
	if err != nil {
		t.Fatal(err)
	}
	to := storetest.DSN(t)
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate-to-postgres", "-from", from, "-to", to}, noEnv, nil, &out, io.Discard); err != nil {
		t.Fatalf("migrate-to-postgres: %v", err)
	}
	if !strings.Contains(out.String(), "match") || !strings.Contains(out.String(), "Copied 1 uploaded files") {
		t.Errorf("output:\n%s", out.String())
	}
	src, err := store.Open(ctx, from, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, to, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	year := portal.SchoolYear(src.Now())
	a, err := src.CityFigures(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dst.CityFigures(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if a.Schools == 0 || a.Schools != b.Schools || a.StudentsRegistered != b.StudentsRegistered {
		t.Errorf("figures of %d: SQLite %+v, PostgreSQL %+v", year, *a, *b)
	}
	if data, err := dst.Files().Read(name); err != nil || string(data) != "%PDF-1.4 a work plan" {
		t.Errorf("the uploaded file in the database: %q, %v", data, err)
	}
	// A second run refuses: the target is no longer empty.
	if err := run(ctx, []string{"migrate-to-postgres", "-from", from, "-to", to}, noEnv, nil, io.Discard, io.Discard); err == nil {
		t.Error("a second migration into the same database was accepted")
	}
	// The copy serves: the demo teacher logs in, and new rows get new ids.
	base, _, stop := startPortal(t, serveConfig{db: to, demo: true, keyFile: filepath.Join(dir, "session.key")}, noEnv)
	defer stop()
	res, err := http.PostForm(base+"/login", map[string][]string{"username": {"teacher"}, "password": {"demo12345"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
		t.Errorf("login on the copy: %d", res.StatusCode)
	}
	d := &portal.District{Name: "迁移后新区", Code: "MIG01"}
	if err := dst.CreateDistrict(ctx, portal.SystemActor, d); err != nil {
		t.Fatalf("a new district on the copy (its id sequence moved past the copied rows): %v", err)
	}
}
