package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal/store/storetest"
)

// TestHandInFindsAttemptByID: on PostgreSQL the hand-in's UPDATE finds its attempt by
// the primary key even when the statistics say no attempt is open (as after ANALYZE on a
// quiet day) while thousands are, during a test. With `submitted_at IS NULL` the planner
// took the partial index of open attempts and read all of them for each hand-in.
func TestHandInFindsAttemptByID(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, storetest.DSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.engine != postgresEngine {
		t.Skip("SQLite finds a row by its id whatever the other indexes")
	}
	// An empty table's plan is a sequential scan whatever the condition: with those
	// off, the planner shows which index it takes for the statement.
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan []string
	rows, err := tx.QueryContext(ctx, `EXPLAIN `+handInSQL(s.engine), time.Now(), 1, 0, "", 42)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "quiz_attempts_pkey") || strings.Contains(p, "quiz_attempts_open") {
		t.Errorf("the hand-in's plan does not go by the primary key:\n%s", p)
	}
}
