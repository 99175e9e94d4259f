package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// seedCmd writes a data set into a new database. It refuses a database that already
// holds data.
func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scale := fs.String("scale", "demo", "data set: demo (the demo city) or city (city-scale, for the benchmark)")
	db := dbFlag(fs, getenv, "")
	seedN := fs.Uint64("seed", 1, "random seed of the city-scale data set (same seed, same data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("seed needs -db PATH (or a postgres:// URL)")
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if empty, err := st.IsEmpty(ctx); err != nil {
		return err
	} else if !empty {
		return fmt.Errorf("%s already holds data; seed writes only into a new database", redact(*db))
	}
	switch *scale {
	case "demo":
		accounts, err := seed.Demo(ctx, st, time.Now())
		if err != nil {
			return err
		}
		printDemoAccounts(stdout, accounts)
		return nil
	case "city":
		start := time.Now()
		err := seed.City(ctx, st, start, seed.FullCity, *seedN, func(msg string) {
			fmt.Fprintf(stderr, "%6.1fs  %s\n", time.Since(start).Seconds(), msg)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "City-scale data set written to %s in %.1f s. Accounts %s, %s and %s, password %s.\n",
			redact(*db), time.Since(start).Seconds(), seed.CityAccounts.Admin, seed.CityAccounts.Teacher, seed.CityAccounts.Coordinator, seed.DemoPassword)
		return nil
	}
	return fmt.Errorf("unknown scale %q: use demo or city", *scale)
}

// userCmd manages accounts from the command line: the first administrator, and a
// password reset when nobody can log in.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user needs a subcommand: create-admin or reset-password")
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv, "data/portal.db")
	username := fs.String("username", "", "account username")
	name := fs.String("name", "", "display name (create-admin)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	hash, err := portal.HashPassword(password)
	if err != nil {
		return err
	}
	switch sub {
	case "create-admin":
		if *name == "" {
			*name = *username
		}
		u := &portal.User{Username: *username, DisplayName: *name, Role: portal.RoleAdmin, MustChangePassword: generated}
		if err := st.CreateUser(ctx, portal.SystemActor, u, hash); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Administrator %s created.\n", u.Username)
	case "reset-password":
		u, _, err := st.UserCredentials(ctx, *username)
		if err != nil {
			return fmt.Errorf("no account %q", *username)
		}
		if err := st.SetPassword(ctx, portal.SystemActor, u.ID, hash, generated, ""); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Password of %s reset; their sessions were ended.\n", u.Username)
	default:
		return fmt.Errorf("unknown user subcommand %q", sub)
	}
	if generated {
		fmt.Fprintf(stdout, "One-time password: %s (to be changed at first login)\n", password)
	}
	return nil
}

// readPassword takes a password from the first line of stdin, or makes a random one when
// stdin is empty.
func readPassword(stdin io.Reader) (string, bool, error) {
	if stdin != nil {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
		if line != "" {
			if m := portal.ValidatePassword(line); m.ID != "" {
				return "", false, fmt.Errorf("password: at least %d characters", portal.MinPasswordLength)
			}
			return line, false, nil
		}
	}
	return portal.RandomToken(6), true, nil
}

// describe turns field errors into a line for the terminal.
func describe(err error) error {
	if f, ok := portal.AsFieldErrors(err); ok {
		var parts []string
		for k, m := range f {
			parts = append(parts, k+": "+m.ID)
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return err
}

// backupCmd copies the database while the portal serves: an SQLite file with VACUUM
// INTO, a PostgreSQL database with pg_dump.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv, "data/portal.db")
	out := fs.String("out", "", "backup file to write (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup needs -out FILE")
	}
	if store.IsPostgres(*db) {
		if err := pgDump(ctx, *db, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Backup written to %s (restore with pg_restore)\n", *out)
		return nil
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup written to %s\n", *out)
	return nil
}
