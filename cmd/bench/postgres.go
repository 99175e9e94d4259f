package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of database/sql
)

// copyPostgres makes a copy of a PostgreSQL data set as a new database created from it
// as a template (no portal may be connected to it meanwhile), and returns the copy's URL
// and the function that drops it.
func copyPostgres(ctx context.Context, src string) (string, func() error, error) {
	u, err := url.Parse(src)
	if err != nil {
		return "", nil, err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || u.Query().Get("search_path") != "" {
		return "", nil, fmt.Errorf("%s: give a whole database (postgres://…/dbname), not a schema", u.Redacted())
	}
	// The template may have no other connection, this one included: connect to the
	// server's maintenance database.
	m := *u
	m.Path = "/postgres"
	admin, err := sql.Open("pgx", m.String())
	if err != nil {
		return "", nil, err
	}
	copyName := fmt.Sprintf("%s_bench_%d", name, time.Now().UnixNano()%1e9)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pgx.Identifier{copyName}.Sanitize()+
		` TEMPLATE `+pgx.Identifier{name}.Sanitize()); err != nil {
		admin.Close()
		return "", nil, err
	}
	c := *u
	c.Path = "/" + copyName
	drop := func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), `DROP DATABASE `+pgx.Identifier{copyName}.Sanitize()+` WITH (FORCE)`)
		return err
	}
	return c.String(), drop, nil
}
