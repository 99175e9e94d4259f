package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads"
)

// databaseEnv names the database when -db is not given: an SQLite file or a
// postgres:// URL.
const databaseEnv = "PORTAL_DATABASE_URL"

// dbFlag declares -db: an SQLite file or a postgres:// URL, by default PORTAL_DATABASE_URL
// or def.
func dbFlag(fs *flag.FlagSet, getenv func(string) string, def string) *string {
	if v := getenv(databaseEnv); v != "" {
		def = v
	}
	return fs.String("db", def, "SQLite database file, or postgres://user@host/dbname (default from "+databaseEnv+")")
}

// redact hides a URL's password for logs and messages; a file path is returned as it is.
func redact(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://?"
	}
	return u.Redacted()
}

// defaultKeyFile is where the session key is kept when neither -key-file nor
// PORTAL_SESSION_KEY says: beside an SQLite file. Servers on PostgreSQL must share one
// key (a session made on one is checked on the others), so outside demo mode they need
// it given; a demo keeps it in data/.
func defaultKeyFile(db string, demo bool) (string, error) {
	if !store.IsPostgres(db) {
		return filepath.Join(filepath.Dir(db), "session.key"), nil
	}
	if demo {
		return filepath.Join("data", "session.key"), nil
	}
	return "", errors.New("with PostgreSQL every portal server must use the same session key: " +
		"set PORTAL_SESSION_KEY (the same on every server) or -key-file")
}

// pgDump writes a PostgreSQL database (or, when its URL sets a search_path, that schema)
// to out in pg_dump's custom format, which pg_restore reads.
func pgDump(ctx context.Context, dsn, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s already exists", out)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	q := u.Query()
	args := []string{"--format=custom", "--file=" + out}
	if sp := q.Get("search_path"); sp != "" {
		args = append(args, "--schema="+sp)
	}
	// pg_dump takes libpq's parameters only; pgx's own (pool sizes) are dropped.
	for k := range q {
		switch k {
		case "sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name":
		default:
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	cmd := exec.CommandContext(ctx, "pg_dump", append(args, "--dbname="+u.String())...)
	if b, err := cmd.CombinedOutput(); err != nil {
		os.Remove(out)
		return fmt.Errorf("pg_dump: %v: %s", err, b)
	}
	return nil
}

// fileStorage chooses where uploaded files go: an S3-compatible bucket when
// PORTAL_S3_BUCKET is set; the -uploads folder when given; else the database itself on
// PostgreSQL, which every server reaches; else the folder beside the SQLite file (nil:
// the handlers open it).
func fileStorage(ctx context.Context, c serveConfig, st *store.Store, getenv func(string) string) (handlers.Files, error) {
	if bucket := getenv("PORTAL_S3_BUCKET"); bucket != "" {
		endpoint := getenv("PORTAL_S3_ENDPOINT")
		if endpoint == "" {
			return nil, errors.New("PORTAL_S3_BUCKET needs PORTAL_S3_ENDPOINT (host:port of the S3-compatible service)")
		}
		b, err := uploads.OpenBucket(ctx, uploads.BucketConfig{Endpoint: endpoint, Bucket: bucket,
			Prefix: getenv("PORTAL_S3_PREFIX"), AccessKey: getenv("PORTAL_S3_ACCESS_KEY"), SecretKey: getenv("PORTAL_S3_SECRET_KEY"),
			Region: getenv("PORTAL_S3_REGION"), Insecure: getenv("PORTAL_S3_INSECURE") == "1"})
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	if c.uploads != "" || !st.Postgres() {
		return nil, nil
	}
	return st.Files(), nil
}

// filesName names the file storage for the start-up log line.
func filesName(f handlers.Files) string {
	switch f.(type) {
	case nil:
		return "folder"
	case *store.Files:
		return "database"
	case *uploads.Bucket:
		return "bucket"
	}
	return fmt.Sprintf("%T", f)
}

// migrateCmd copies an SQLite database into an empty PostgreSQL database and checks that
// both hold the same rows and give the same figures.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate-to-postgres", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "data/portal.db", "SQLite database file to copy (left as it is)")
	to := fs.String("to", "", "empty PostgreSQL database, postgres://user@host/dbname")
	dir := fs.String("uploads", "", "upload folder to copy into the database (default: uploads beside the SQLite file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		*dir = filepath.Join(filepath.Dir(*from), "uploads")
	}
	if store.IsPostgres(*from) || !store.IsPostgres(*to) {
		return errors.New("migrate-to-postgres needs -from an SQLite file and -to a postgres:// URL")
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("migrate-to-postgres: %w", err)
	}
	src, err := store.Open(ctx, *from, store.Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, store.Options{})
	if err != nil {
		return err
	}
	defer dst.Close()
	r, err := store.CopyToPostgres(ctx, src, dst)
	if err != nil {
		return err
	}
	var total int64
	for _, n := range r.Rows {
		total += n
	}
	fmt.Fprintf(stdout, "Copied %d rows in %d tables from %s to %s in %.1f s; row counts, the city figures of %v and the aggregates' recount match.\n",
		total, len(r.Rows), *from, redact(*to), r.Elapsed.Seconds(), r.Years)
	n, err := copyUploads(*dir, dst.Files())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Copied %d uploaded files from %s into the database.\n", n, *dir)
	return nil
}

// copyUploads moves the upload folder's files into the database storage, which servers
// on PostgreSQL use; a missing folder has nothing to move.
func copyUploads(dir string, files *store.Files) (int, error) {
	d, err := uploads.OpenExisting(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	names, err := d.Files()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		data, err := d.Read(name)
		if errors.Is(err, os.ErrNotExist) {
			continue // not a stored file (a temporary one)
		} else if err != nil {
			return n, err
		}
		if err := files.Put(name, data); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// poolSize reads PORTAL_DB_POOL, the most connections one server opens to PostgreSQL
// (0: the store's default, four per CPU and at least 8).
func poolSize(getenv func(string) string) (int, error) {
	v := getenv("PORTAL_DB_POOL")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("PORTAL_DB_POOL=%q: want a number of connections, such as 16", v)
	}
	return n, nil
}
