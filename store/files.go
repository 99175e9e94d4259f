package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/jinducity/portal/store/uploads"
	"io/fs"
)

// Files keeps uploaded files in the database (table files): the storage of portal
// servers that share the database but no folder. Each Save is a durable write of its own,
// made before the record that names the file, as with a folder.
type Files struct {
	s *Store
}

// Files returns the store's file storage.
func (s *Store) Files() *Files { return &Files{s: s} }

// Save stores data under a new random name with the extension (".jpg" or ".pdf").
func (f *Files) Save(data []byte, ext string) (string, error) {
	name, err := uploads.NewName(ext)
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	err = f.s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO files (name, data, created_at) VALUES (?, ?, ?)`, name, data, f.s.now().UTC())
		return err
	})
	if err != nil {
		return "", err
	}
	return name, nil
}

// Remove deletes stored files; names that are not there are skipped.
func (f *Files) Remove(names ...string) error {
	var valid []string
	for _, n := range names {
		if uploads.ValidName(n) {
			valid = append(valid, n)
		}
	}
	if len(valid) == 0 {
		return nil
	}
	return f.s.inTx(context.Background(), func(ctx context.Context, tx *Tx) error {
		for _, n := range valid {
			if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE name = ?`, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// Read returns a stored file's bytes; a name not stored is fs.ErrNotExist.
func (f *Files) Read(name string) ([]byte, error) {
	if !uploads.ValidName(name) {
		return nil, fs.ErrNotExist
	}
	var data []byte
	err := f.s.read.QueryRowContext(context.Background(), `SELECT data FROM files WHERE name = ?`, name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fs.ErrNotExist
	}
	return data, err
}

// Names lists the stored names, for tests that check nothing is left over.
func (f *Files) Names() ([]string, error) {
	rows, err := f.s.read.QueryContext(context.Background(), `SELECT name FROM files ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Put stores data under a name Save gave (by the folder storage, for a move into the
// database); a name already stored is left as it is.
func (f *Files) Put(name string, data []byte) error {
	if !uploads.ValidName(name) {
		return fmt.Errorf("files: %q is not a stored file's name", name)
	}
	return f.s.inTx(context.Background(), func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO files (name, data, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, data, f.s.now().UTC())
		return err
	})
}
