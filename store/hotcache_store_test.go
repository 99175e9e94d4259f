package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// TestSessionCacheFollowsWrites checks that a student's session, kept in memory between
// requests, always shows what the database holds: after the class or the school is renamed,
// after a touch, after logout, after the student is removed, and after a restart.
func TestSessionCacheFollowsWrites(t *testing.T) {
	s, path := mustStore(t)
	ctx := context.Background()
	school := mustSchool(t, s, "缓存中学")
	w := mustQuizWorld(t, s, school, 2)
	class := w.classes[0]
	sid := w.ids[class.ID][0]
	session := func(hash string) *store.Session {
		return &store.Session{TokenHash: hash, StudentID: sid, Data: map[string]string{}, CreatedAt: now, LastSeen: now,
			ExpiresAt: now.Add(30 * time.Minute)}
	}
	if err := s.SaveSession(ctx, session("a")); err != nil {
		t.Fatal(err)
	}
	get := func(hash string) *store.Session {
		t.Helper()
		se, err := s.GetSession(ctx, hash)
		if err != nil {
			t.Fatalf("session %s: %v", hash, err)
		}
		return se
	}
	first := get("a")
	if first.Student == nil || first.Student.ClassName != class.Name || first.Student.SchoolName != school.Name {
		t.Fatalf("session's student: %+v", first.Student)
	}
	// The cache keeps sessions packed (times as numbers, the class shared): what it gives
	// back is what the table gave, field for field.
	if cached := get("a"); !reflect.DeepEqual(cached, first) {
		t.Fatalf("from the cache:\n%+v %+v\nfrom the table:\n%+v %+v", cached, cached.Student, first, first.Student)
	}
	// What a caller does to its copy stays with it.
	first.Student.Name = "改过"
	first.Data["k"] = "v"
	if again := get("a"); again.Student.Name == "改过" || again.Data["k"] != "" {
		t.Fatal("a caller's change reached the cache")
	}

	class.Name = "初一（9）班"
	if err := s.UpdateClass(ctx, portal.SystemActor, class); err != nil {
		t.Fatal(err)
	}
	if got := get("a").Student.ClassName; got != class.Name {
		t.Errorf("after renaming the class the session shows %q, want %q", got, class.Name)
	}
	school.Name = "缓存第二中学"
	if err := s.UpdateSchool(ctx, portal.SystemActor, school); err != nil {
		t.Fatal(err)
	}
	if got := get("a").Student.SchoolName; got != school.Name {
		t.Errorf("after renaming the school the session shows %q, want %q", got, school.Name)
	}

	later := now.Add(5 * time.Minute)
	if err := s.TouchSession(ctx, "a", later, later.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := get("a").LastSeen; !got.Equal(later) {
		t.Errorf("after a touch last seen is %v, want %v", got, later)
	}

	if err := s.DeleteSession(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "a"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("after logout: %v, want not found", err)
	}

	if err := s.SaveSession(ctx, session("b")); err != nil {
		t.Fatal(err)
	}
	get("b")
	if err := s.TouchSession(ctx, "b", later, later.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// The touch is written when the store closes, and the next process reads it.
	s.Close()
	s2, err := store.Open(ctx, path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if se, err := s2.GetSession(ctx, "b"); err != nil || !se.LastSeen.Equal(later) {
		t.Fatalf("after a restart: %v, %v; want last seen %v", se, err, later)
	}
	if err := s2.RemoveStudent(ctx, portal.SystemActor, class.ID, sid); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.GetSession(ctx, "b"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("after the student was removed: %v, want not found", err)
	}
}

// TestAttemptCacheFollowsWrites checks that the attempt a student is taking, kept in
// memory, is what the database holds after each step: the start, answers saved, the
// submission, flags raised on it by other students' submissions, and the student's removal.
func TestAttemptCacheFollowsWrites(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	w := mustQuizWorld(t, s, mustSchool(t, s, "缓存答题中学"), 6)
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, w.as, nil); err != nil {
		t.Fatal(err)
	}
	bank, items, draw := tenQuestions()
	class := w.classes[0]
	students := w.ids[class.ID]
	start := func(i int) *portal.Attempt {
		t.Helper()
		st, err := s.GetStudent(ctx, students[i])
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := s.StartAttempt(ctx, st, w.test.ID, draw, fmt.Sprint("device-", i), "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	get := func(i int, id int64) *portal.Attempt {
		t.Helper()
		a, err := s.GetAttempt(ctx, students[i], id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a0 := start(0)
	if got := get(0, a0.ID); got.Submitted() || len(got.Items) != 10 || got.Device != "device-0" {
		t.Fatalf("started attempt reads back as %+v", got)
	}
	if _, err := s.GetAttempt(ctx, students[1], a0.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("another student's attempt: %v, want not found", err)
	}
	if err := s.SaveAnswers(ctx, students[0], a0.ID, map[string][]int{"J001": {1}}); err != nil {
		t.Fatal(err)
	}
	got := get(0, a0.ID)
	if c := got.Answers["J001"]; len(c) != 1 || c[0] != 1 {
		t.Fatalf("saved answer reads back as %v", got.Answers)
	}
	got.Answers["J002"] = []int{3} // the caller's copy only
	if _, ok := get(0, a0.ID).Answers["J002"]; ok {
		t.Fatal("a caller's change reached the cache")
	}

	// Four identical imperfect sheets in the class: the fourth flags all four.
	wrong := map[string][]int{}
	for _, it := range items {
		wrong[it.Q] = []int{1}
	}
	var ids []int64
	for i := range 4 {
		a := a0
		if i > 0 {
			a = start(i)
			get(i, a.ID) // in memory before the others' submissions
		}
		res, err := s.SubmitAttempt(ctx, students[i], a.ID, wrong, bank)
		if err != nil {
			t.Fatal(err)
		}
		if res.Attempt.Score != 0 {
			t.Fatalf("score %d, want 0", res.Attempt.Score)
		}
		ids = append(ids, a.ID)
	}
	for i, id := range ids {
		a := get(i, id)
		if !a.Submitted() || a.Flags&portal.FlagIdentical == 0 || a.Right["J001"] {
			t.Errorf("attempt %d after the fourth identical sheet: submitted %v, flags %b, right %v", i, a.Submitted(),
				a.Flags, a.Right)
		}
	}
	if _, err := s.SubmitAttempt(ctx, students[0], a0.ID, wrong, bank); err != store.ErrAlreadySubmitted {
		t.Fatalf("second submission: %v, want already submitted", err)
	}

	a5 := start(5)
	get(5, a5.ID)
	if err := s.RemoveStudent(ctx, portal.SystemActor, class.ID, students[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAttempt(ctx, students[5], a5.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("a removed student's attempt: %v, want not found", err)
	}
}

// TestSessionCacheRace has students read their sessions while their class is renamed
// over and over: once the writes stop, every session shows the last name, whatever the
// interleaving (run under -race in CI).
func TestSessionCacheRace(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	w := mustQuizWorld(t, s, mustSchool(t, s, "并发缓存中学"), 8)
	class := w.classes[0]
	var hashes []string
	for i, sid := range w.ids[class.ID] {
		h := fmt.Sprint("race-", i)
		if err := s.SaveSession(ctx, &store.Session{TokenHash: h, StudentID: sid, Data: map[string]string{},
			CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(30 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for _, h := range hashes {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.GetSession(ctx, h); err != nil {
					t.Error(err)
					return
				}
				s.TouchSession(ctx, h, now.Add(time.Minute), now.Add(31*time.Minute))
			}
		}()
	}
	for i := range 40 {
		class.Name = fmt.Sprintf("初一（%d）班", 10+i)
		if err := s.UpdateClass(ctx, portal.SystemActor, class); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	readers.Wait()
	for _, h := range hashes {
		se, err := s.GetSession(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if se.Student.ClassName != class.Name {
			t.Fatalf("session %s shows class %q after the last rename to %q", h, se.Student.ClassName, class.Name)
		}
	}
}
