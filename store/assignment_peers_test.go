package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/storetest"
)

// TestAssignmentChangeReachesOtherServers: on PostgreSQL, a teacher closing an
// assignment through one portal server closes it on another that holds it in memory
// (its hot cache of assignments, filled by a start): the write's notice empties the
// other's caches, so its next start is refused.
func TestAssignmentChangeReachesOtherServers(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: SQLite is served by one process")
	}
	a, dsn := mustStore(t)
	ctx := context.Background()
	b, err := store.Open(ctx, dsn, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	school := mustSchool(t, a, "两台服务器中学")
	w := mustQuizWorld(t, a, school, 20)
	class := w.classes[0]
	q := &portal.Quiz{SchoolID: school.ID, Title: "关闭测试", Kind: portal.QuizKnowledge, Band: "junior", Questions: 10,
		TimeLimit: 15, PassMark: 80}
	if err := a.CreateQuiz(ctx, portal.SystemActor, q, 10); err != nil {
		t.Fatal(err)
	}
	if err := a.Assign(ctx, portal.SystemActor, school.ID, q.ID, []int64{class.ID}, now.Add(-time.Hour), now.Add(24*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	as, err := a.ClassAssignments(ctx, class.ID)
	if err != nil || len(as) != 1 {
		t.Fatalf("assignments %v, %v", as, err)
	}
	id := as[0].ID
	_, _, draw := tenQuestions()
	ids := w.ids[class.ID]
	student := func(i int) *portal.Student {
		st, err := b.GetStudent(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if _, _, err := b.StartAttempt(ctx, student(0), id, draw, "", ""); err != nil {
		t.Fatalf("start on B: %v", err)
	}
	if err := a.CloseAssignment(ctx, portal.SystemActor, school.ID, id); err != nil {
		t.Fatal(err)
	}
	// The notice arrives within milliseconds; each try is another student, since a
	// start that wrongly got through would be resumed by the next try of the same one.
	for i := 1; ; i++ {
		_, _, err := b.StartAttempt(ctx, student(i), id, draw, "", "")
		if errors.Is(err, store.ErrQuizClosed) {
			break
		}
		if i == len(ids)-1 {
			t.Fatalf("B still starts the assignment closed on A: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
