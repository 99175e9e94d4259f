package store_test

import (
	"context"
	"fmt"
	"github.com/jinducity/portal/store/storetest"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// quizWorld is a hand-built school with classes, students and a knowledge test.
type quizWorld struct {
	s       *store.Store
	school  *portal.School
	classes []*portal.Class
	ids     map[int64][]int64
	test    *portal.Assignment
	quizzes []*portal.Quiz
	as      []*portal.Assignment
}

func mustQuizWorld(t testing.TB, s *store.Store, school *portal.School, sizes ...int) *quizWorld {
	t.Helper()
	ctx := context.Background()
	w := &quizWorld{s: s, school: school}
	var students []portal.Student
	for i, n := range sizes {
		c := &portal.Class{SchoolID: school.ID, SchoolYear: portal.SchoolYear(now), Grade: 7, Name: fmt.Sprintf("初一（%d）班", i+1)}
		if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
			t.Fatal(err)
		}
		w.classes = append(w.classes, c)
		for k := range n {
			students = append(students, portal.Student{ClassID: c.ID, Name: "学生", Number: fmt.Sprint(k + 1)})
		}
	}
	if err := s.BulkJoinStudents(ctx, portal.SystemActor, students); err != nil {
		t.Fatal(err)
	}
	ids, err := s.StudentIDsByClass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.ids = ids
	q := &portal.Quiz{Title: "测试", Kind: portal.QuizKnowledge, Band: "junior", Questions: 10, TimeLimit: 15, PassMark: 80}
	w.quizzes = []*portal.Quiz{q}
	w.test = &portal.Assignment{Quiz: q, Band: "junior", SchoolYear: portal.SchoolYear(now), OpensAt: now.AddDate(0, 0, -10),
		ClosesAt: now.AddDate(0, 0, 10)}
	w.as = []*portal.Assignment{w.test}
	return w
}

func (w *quizWorld) attempt(class int, student int, score, flags int, at time.Time) *store.SeedAttempt {
	c := w.classes[class]
	items := make([]portal.Item, 10)
	for i := range items {
		items[i] = portal.Item{Q: fmt.Sprintf("J%03d", i+1), Perm: []int{0, 1, 2, 3}}
	}
	return &store.SeedAttempt{Assignment: w.test, Attempt: portal.Attempt{Kind: portal.QuizKnowledge,
		StudentID: w.ids[c.ID][student], ClassID: c.ID, SchoolID: w.school.ID, SchoolYear: c.SchoolYear, Items: items,
		StartedAt: at, Deadline: at.Add(15 * time.Minute), SubmittedAt: at.Add(5 * time.Minute), Score: score, Flags: flags}}
}

// TestAwarenessRate checks the contract's definition on a hand-built set: the latest
// attempt counts, not the best; flagged attempts drop out of the verified figure only;
// groups under five are not shown.
func TestAwarenessRate(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	w := mustQuizWorld(t, s, mustSchool(t, s, "知晓率中学"), 6, 3)
	day := now.AddDate(0, 0, -5)
	atts := []*store.SeedAttempt{
		// Class 1, six students.
		w.attempt(0, 0, 9, 0, day),                                             // aware
		w.attempt(0, 1, 10, 0, day), w.attempt(0, 1, 5, 0, day.Add(time.Hour)), // latest 5: not aware
		w.attempt(0, 2, 4, 0, day), w.attempt(0, 2, 8, 0, day.Add(time.Hour)), // latest 8: aware (80 %)
		w.attempt(0, 3, 10, portal.FlagFast, day), // aware, flagged
		w.attempt(0, 4, 7, 0, day),                // not aware
		// student 5 of class 1 did not take it
		// Class 2, three students: too few to show on its own.
		w.attempt(1, 0, 10, 0, day), w.attempt(1, 1, 2, 0, day),
		w.attempt(1, 2, 9, 0, day), w.attempt(1, 2, 10, portal.FlagIdentical, day.Add(time.Hour)), // verified: the earlier one
	}
	// A knowledge test is taken once per assignment; the later attempts go through a
	// second assignment of the same quiz.
	second := &portal.Assignment{Quiz: w.quizzes[0], Band: "junior", SchoolYear: w.test.SchoolYear, OpensAt: w.test.OpensAt,
		ClosesAt: w.test.ClosesAt}
	for _, a := range atts {
		if a.StartedAt.After(day) {
			a.Assignment = second
		}
	}
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, append(w.as, second), atts); err != nil {
		t.Fatal(err)
	}
	city, err := s.CityAwareness(ctx, portal.SchoolYear(now))
	if err != nil {
		t.Fatal(err)
	}
	// All: students 0,1,2,3,4 of class 1 and 0,1,2 of class 2 = 8; aware: 0,2,3 + 0,2 = 5.
	// Verified: class 1 without student 3 (only attempt flagged) = 4 students, aware 0,2 = 2;
	// class 2: 3 students, student 2's latest unflagged attempt is 9 → aware 0,2 = 2.
	want := portal.Awareness{Students: 8, Aware: 5, VerifiedStudents: 7, VerifiedAware: 4}
	if city != want {
		t.Errorf("CityAwareness = %+v, want %+v", city, want)
	}
	byClass, err := s.ClassAwareness(ctx, w.school.ID, portal.SchoolYear(now))
	if err != nil {
		t.Fatal(err)
	}
	if a := byClass[w.classes[0].ID]; !a.Shown() || a.Students != 5 || a.Aware != 3 {
		t.Errorf("class 1 = %+v, want 5 students, 3 aware, shown", a)
	}
	if a := byClass[w.classes[1].ID]; a.Shown() {
		t.Errorf("class 2 (%d students) is shown; groups under %d are not", a.Students, portal.MinGroup)
	}
	n, err := s.QuizAttemptCount(ctx, portal.SchoolYear(now))
	if err != nil || n != len(atts) {
		t.Errorf("QuizAttemptCount = %d, %v, want %d", n, err, len(atts))
	}
	if n, _ := s.QuizAttemptCount(ctx, portal.SchoolYear(now)-1); n != 0 {
		t.Errorf("last year's attempts = %d, want 0", n)
	}
}

// TestAwarenessMovesWithTheLatestTest checks the triggers when a student's latest test
// was taken at another school than the one before (migration 0008 moves their row from
// one school's sums to the other's): the figures equal a recount, and the school the
// student left keeps no row of zeros.
func TestAwarenessMovesWithTheLatestTest(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	w := mustQuizWorld(t, s, mustSchool(t, s, "原来的中学"), 2)
	other := mustQuizWorld(t, s, mustSchool(t, s, "后来的中学"), 1)
	day := now.AddDate(0, 0, -5)
	first := w.attempt(0, 0, 10, 0, day)
	later := w.attempt(0, 0, 4, portal.FlagFast, day.Add(time.Hour))
	later.ClassID, later.SchoolID = other.classes[0].ID, other.school.ID
	second := &portal.Assignment{Quiz: w.quizzes[0], Band: "junior", SchoolYear: w.test.SchoolYear, OpensAt: w.test.OpensAt,
		ClosesAt: w.test.ClosesAt}
	later.Assignment = second
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, []*portal.Assignment{w.test, second},
		[]*store.SeedAttempt{first, later}); err != nil {
		t.Fatal(err)
	}
	maintained := mustEqualRecount(t, s, "after both tests")
	year := portal.SchoolYear(now)
	if a, ok := maintained.Awareness[fmt.Sprint(year, "/", w.school.ID)]; ok {
		t.Errorf("the school the student left still has %+v", a)
	}
	want := portal.Awareness{Students: 1, Aware: 0, VerifiedStudents: 1, VerifiedAware: 1}
	if a := maintained.Awareness[fmt.Sprint(year, "/", other.school.ID)]; a != want {
		t.Errorf("the student's new school has %+v, want %+v (latest test 4 of 10, the unflagged one 10 of 10)", a, want)
	}
}

// BenchmarkClassResults reads the teacher's view of one class of 1,000 students who all
// took the test, with answers for item analysis.
func BenchmarkClassResults(b *testing.B) {
	s, _ := mustStoreB(b)
	ctx := context.Background()
	w := mustQuizWorld(b, s, mustSchoolB(b, s), 1000)
	var atts []*store.SeedAttempt
	for i := range 1000 {
		a := w.attempt(0, i, i%11, 0, now.AddDate(0, 0, -1))
		a.Answers, a.Right = map[string][]int{}, map[string]bool{}
		for k, it := range a.Items {
			a.Answers[it.Q] = []int{k % 4}
			a.Right[it.Q] = k < a.Score
		}
		atts = append(atts, a)
	}
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, w.as, atts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := s.ClassResults(ctx, w.test.ID, w.classes[0].ID)
		if err != nil || res.Submitted != 1000 || len(res.Items) != 10 {
			b.Fatalf("ClassResults = %d submitted, %d items, %v", res.Submitted, len(res.Items), err)
		}
	}
}

func mustStoreB(b *testing.B) (*store.Store, string) {
	b.Helper()
	path := storetest.DSN(b)
	s, err := store.Open(context.Background(), path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

func mustSchoolB(b *testing.B, s *store.Store) *portal.School {
	b.Helper()
	ctx := context.Background()
	d := &portal.District{Name: "测试区"}
	if err := s.CreateDistrict(ctx, portal.SystemActor, d); err != nil {
		b.Fatal(err)
	}
	sc := &portal.School{DistrictID: d.ID, Name: "基准中学", Stage: portal.StageJunior, Enrolment: 2000, HasGraduating: true}
	if err := s.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
		b.Fatal(err)
	}
	return sc
}

// TestStartAttemptRace checks that a student's starts racing each other (a double tap on
// a phone, a class of students each tapping twice) end with one attempt each.
func TestStartAttemptRace(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	w := mustQuizWorld(t, s, mustSchool(t, s, "并发中学"), 20)
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, w.as, nil); err != nil {
		t.Fatal(err)
	}
	draw := func(q *portal.Quiz) []portal.Item {
		items := make([]portal.Item, q.Questions)
		for i := range items {
			items[i] = portal.Item{Q: fmt.Sprintf("J%03d", i+1), Perm: []int{0, 1, 2, 3}}
		}
		return items
	}
	ids := w.ids[w.classes[0].ID]
	got := make([][]int64, len(ids))
	var wg sync.WaitGroup
	for i, sid := range ids {
		st, err := s.GetStudent(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = make([]int64, 4)
		for k := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				att, _, err := s.StartAttempt(ctx, st, w.test.ID, draw, "", "")
				if err != nil {
					t.Errorf("start: %v", err)
					return
				}
				got[i][k] = att.ID
			}()
		}
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, g := range got {
		for _, id := range g {
			if id != g[0] || id == 0 {
				t.Fatalf("student %d got attempts %v, want one", i, g)
			}
		}
		if seen[g[0]] {
			t.Fatalf("two students share attempt %d", g[0])
		}
		seen[g[0]] = true
	}
}

// TestSharedDeviceFlagsItsStudents checks the shared-browser sign: two students who
// started on one tablet are not flagged; the third within ten minutes flags all three
// at their hand-in; a student on another device, or on the tablet much later, is not.
func TestSharedDeviceFlagsItsStudents(t *testing.T) {
	clock := now
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(t), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := mustQuizWorld(t, s, mustSchool(t, s, "共用平板中学"), 6)
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, w.as, nil); err != nil {
		t.Fatal(err)
	}
	bank, items, draw := tenQuestions()
	students := w.ids[w.classes[0].ID]
	t0 := now
	started := map[int]int64{}
	take := func(i int, device string, at time.Time) {
		t.Helper()
		clock = at
		st, err := s.GetStudent(ctx, students[i])
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := s.StartAttempt(ctx, st, w.test.ID, draw, device, "")
		if err != nil {
			t.Fatal(err)
		}
		started[i] = a.ID
		clock = at.Add(5 * time.Minute)
		answers := map[string][]int{}
		for k, it := range items {
			answers[it.Q] = []int{k % 4} // different sheets: only the device can flag
		}
		answers[items[0].Q] = []int{i % 4}
		if _, err := s.SubmitAttempt(ctx, students[i], a.ID, answers, bank); err != nil {
			t.Fatal(err)
		}
	}
	flagged := func() map[int]bool {
		out := map[int]bool{}
		for i, id := range started {
			a, err := s.GetAttempt(ctx, students[i], id)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = a.Flags&portal.FlagDevice != 0
		}
		return out
	}
	take(0, "tablet", t0)
	take(1, "tablet", t0.Add(time.Minute))
	take(2, "phone", t0.Add(time.Minute))
	take(3, "tablet", t0.Add(30*time.Minute))
	if got := flagged(); got[0] || got[1] || got[2] || got[3] {
		t.Fatalf("flagged before a third student on the tablet: %v", got)
	}
	take(4, "tablet", t0.Add(2*time.Minute))
	want := map[int]bool{0: true, 1: true, 2: false, 3: false, 4: true}
	if got := flagged(); !maps.Equal(got, want) {
		t.Fatalf("flagged after the third student on the tablet: %v, want %v", got, want)
	}
}

// TestAwarenessOfHandIns checks the hand-in's own awareness trigger (migration 0009)
// against a recount: a test handed in too fast is flagged, so the verified figure keeps
// the student's earlier unflagged test, or none; and a test handed in after the clock
// went back, or at the same instant as a test started later, is not the student's latest.
func TestAwarenessOfHandIns(t *testing.T) {
	clock := now
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(t), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := mustQuizWorld(t, s, mustSchool(t, s, "交卷中学"), 5)
	second := &portal.Assignment{Quiz: w.quizzes[0], Band: "junior", SchoolYear: w.test.SchoolYear, OpensAt: w.test.OpensAt,
		ClosesAt: w.test.ClosesAt}
	if err := s.BulkQuizzes(ctx, portal.SystemActor, w.quizzes, nil, []*portal.Assignment{w.test, second}, nil); err != nil {
		t.Fatal(err)
	}
	bank, items, draw := tenQuestions()
	right, wrong := map[string][]int{}, map[string][]int{}
	for i, it := range items {
		right[it.Q], wrong[it.Q] = []int{0}, []int{1 + i%3}
	}
	students := w.ids[w.classes[0].ID]
	start := func(i int, as *portal.Assignment, at time.Time) int64 {
		t.Helper()
		clock = at
		st, err := s.GetStudent(ctx, students[i])
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := s.StartAttempt(ctx, st, as.ID, draw, fmt.Sprint("device-", i, "-", as.ID), "")
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	handIn := func(i int, id int64, answers map[string][]int, at time.Time) {
		t.Helper()
		clock = at
		if _, err := s.SubmitAttempt(ctx, students[i], id, answers, bank); err != nil {
			t.Fatal(err)
		}
		mustEqualRecount(t, s, fmt.Sprintf("student %d's hand-in", i))
	}
	t0 := now.Add(-time.Hour)
	// Student 0: right at leisure, then wrong in ten seconds (flagged too fast).
	handIn(0, start(0, w.test, t0), right, t0.Add(5*time.Minute))
	a := start(0, second, t0.Add(6*time.Minute))
	handIn(0, a, wrong, t0.Add(6*time.Minute+10*time.Second))
	// Student 1: right in ten seconds, the only test (no verified result).
	a = start(1, second, t0)
	handIn(1, a, right, t0.Add(10*time.Second))
	// Student 2: the second test handed in at 0:10, then the first at 0:08 (the clock went
	// back): the second stays the latest.
	first := start(2, w.test, t0)
	a = start(2, second, t0.Add(time.Minute))
	handIn(2, a, wrong, t0.Add(10*time.Minute))
	handIn(2, first, right, t0.Add(8*time.Minute))
	// Student 3: both tests handed in at the same instant, the later started first: the
	// later started (higher ID) is the latest.
	first = start(3, w.test, t0)
	a = start(3, second, t0.Add(time.Minute))
	handIn(3, a, wrong, t0.Add(10*time.Minute))
	handIn(3, first, right, t0.Add(10*time.Minute))
	got := mustEqualRecount(t, s, "at the end")
	// Latest: 0 wrong, 1 right, 2 and 3 wrong; verified: 0 right (the earlier test), 2 and
	// 3 wrong.
	want := portal.Awareness{Students: 4, Aware: 1, VerifiedStudents: 3, VerifiedAware: 1}
	if a := got.Awareness[fmt.Sprint(w.test.SchoolYear, "/", w.school.ID)]; a != want {
		t.Errorf("school = %+v, want %+v", a, want)
	}
}

// tenQuestions is a bank of ten single-choice questions (the first option right) and the
// draw that hands every attempt all ten in their order.
func tenQuestions() (map[string]*portal.Question, []portal.Item, func(*portal.Quiz) []portal.Item) {
	bank := map[string]*portal.Question{}
	var items []portal.Item
	for i := range 10 {
		id := fmt.Sprintf("J%03d", i+1)
		bank[id] = &portal.Question{ID: id, Kind: portal.SingleChoice, Options: []string{"a", "b", "c", "d"}, Answer: []int{0}}
		items = append(items, portal.Item{Q: id, Perm: []int{0, 1, 2, 3}})
	}
	return bank, items, func(*portal.Quiz) []portal.Item { return items }
}

// mustEqualRecount fails the test unless the maintained awareness and attempt counts
// equal a recount of the rows, and returns the maintained figures.
func mustEqualRecount(t *testing.T, s *store.Store, when string) *store.Recount {
	t.Helper()
	ctx := context.Background()
	maintained, err := s.Recount(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	recount, err := s.Recount(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(maintained.Awareness, recount.Awareness) || !maps.Equal(maintained.Attempts, recount.Attempts) {
		t.Fatalf("%s: awareness %v, attempts %v; recount %v, %v", when, maintained.Awareness, maintained.Attempts,
			recount.Awareness, recount.Attempts)
	}
	return maintained
}
