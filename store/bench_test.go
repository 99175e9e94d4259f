package store_test

import (
	"context"
	"fmt"
	"github.com/jinducity/portal/store/storetest"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// benchSize is the medium city of the store benchmarks: a fifth of the load benchmark's
// schools and a tenth of its students. seed.City writes it in under a second; with the
// top-ups of mustBenchCity the setup takes about four.
var benchSize = seed.CitySize{Districts: 12, Schools: 400, Classes: 5000, Students: 100000, Associations: 40, Volunteers: 2000}

// benchCity is the medium city and what the benchmarks need to find in it.
type benchCity struct {
	s        *store.Store
	year     int
	bank     *content.Bank
	school   int64 // the benchmark teacher's school
	assoc    int64 // the benchmark coordinator's association
	test     int64 // a city-wide knowledge test the results class took
	class    int64 // a class of the teacher's school with results at test
	takers   []portal.Student
	practice map[string]int64 // band → city-wide practice assignment
	vols     []int64
	next     int     // the next taker of a fresh practice attempt
	open     []int64 // practice attempts started and not submitted, in order
	openBy   []int64 // their students
}

// BenchmarkCity runs the hot store queries of the load benchmark on one medium city,
// seeded once (in this function, so a plain go test never pays for it) into a temporary
// file. Reads come first; the writes (quiz attempts, sign-ups) follow and add rows.
func BenchmarkCity(b *testing.B) {
	c := mustBenchCity(b)
	s, ctx, year := c.s, context.Background(), c.year

	b.Run("CityFigures", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := s.CityFigures(ctx, year)
			if err != nil || f.Schools == 0 || f.StudentsRegistered == 0 {
				b.Fatalf("CityFigures = %+v, %v", f, err)
			}
		}
	})
	b.Run("ActivityCompletion", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			schools, done, err := s.ActivityCompletion(ctx, year, 0)
			if err != nil || len(schools) == 0 || len(done) == 0 {
				b.Fatalf("ActivityCompletion = %d schools, %d counts, %v", len(schools), len(done), err)
			}
		}
	})
	b.Run("ListActivities", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			acts, err := s.ListActivities(ctx, c.school, year)
			if err != nil || len(acts) == 0 {
				b.Fatalf("ListActivities = %d records, %v", len(acts), err)
			}
		}
	})
	b.Run("VolunteerHoursBetween", func(b *testing.B) {
		b.ReportAllocs()
		from, to := portal.SchoolYearBounds(year)
		for b.Loop() {
			h, err := s.VolunteerHoursBetween(ctx, from, to)
			if err != nil || h <= 0 {
				b.Fatalf("VolunteerHoursBetween = %v, %v", h, err)
			}
		}
	})
	b.Run("BaseVisitStudents", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, err := s.BaseVisitStudents(ctx, year)
			if err != nil || n <= 0 {
				b.Fatalf("BaseVisitStudents = %d, %v", n, err)
			}
		}
	})
	b.Run("QuizAttemptCount", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, err := s.QuizAttemptCount(ctx, year)
			if err != nil || n == 0 {
				b.Fatalf("QuizAttemptCount = %d, %v", n, err)
			}
		}
	})
	b.Run("CityAwareness", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a, err := s.CityAwareness(ctx, year)
			if err != nil || a.Students == 0 {
				b.Fatalf("CityAwareness = %+v, %v", a, err)
			}
		}
	})
	b.Run("SchoolAwareness", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := s.SchoolAwareness(ctx, year)
			if err != nil || len(m) == 0 {
				b.Fatalf("SchoolAwareness = %d schools, %v", len(m), err)
			}
		}
	})
	b.Run("ClassAwareness", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := s.ClassAwareness(ctx, c.school, year)
			if err != nil || len(m) == 0 {
				b.Fatalf("ClassAwareness = %d classes, %v", len(m), err)
			}
		}
	})
	b.Run("ClassResults", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, err := s.ClassResults(ctx, c.test, c.class)
			if err != nil || res.Submitted == 0 {
				b.Fatalf("ClassResults = %+v, %v", res, err)
			}
		}
	})
	// Each iteration starts a fresh practice attempt for another student; SubmitAttempt
	// hands these in, reading each attempt first as the handler does.
	b.Run("StartAttempt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.start(b)
		}
	})
	b.Run("SubmitAttempt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if len(c.open) == 0 {
				b.StopTimer()
				c.start(b)
				b.StartTimer()
			}
			id, st := c.open[0], c.openBy[0]
			c.open, c.openBy = c.open[1:], c.openBy[1:]
			res, err := s.SubmitAttempt(ctx, st, id, c.answers(b, st, id), c.bank.ByID)
			if err != nil || res.Late || res.Attempt == nil || !res.Attempt.Submitted() {
				b.Fatalf("SubmitAttempt(%d) = %+v, %v", id, res, err)
			}
		}
	})
	// Each iteration signs another volunteer up for an opportunity a month ahead: 30
	// places, then the waiting list. Every len(vols) sign-ups a new opportunity, a day
	// later, is added outside the timer.
	b.Run("Signup", func(b *testing.B) {
		b.ReportAllocs()
		var opp int64
		i := 0
		for b.Loop() {
			if i%len(c.vols) == 0 {
				b.StopTimer()
				opp = c.opportunity(b, 40+i/len(c.vols))
				b.StartTimer()
			}
			v := c.vols[i%len(c.vols)]
			i++
			res, err := s.Signup(ctx, portal.Actor{UserID: v}, opp, v)
			if err != nil || res.Status == "" {
				b.Fatalf("Signup(volunteer %d) = %+v, %v", v, res, err)
			}
		}
	})
}

// start starts a fresh practice attempt for the next student of the city.
func (c *benchCity) start(b *testing.B) {
	if c.next == len(c.takers) {
		b.Fatalf("every one of the %d students has an open practice attempt: fewer iterations, please", len(c.takers))
	}
	st := &c.takers[c.next]
	c.next++
	draw := func(q *portal.Quiz) []portal.Item {
		return portal.Draw(rand.New(rand.NewPCG(uint64(st.ID), 1)), c.bank.Pick(q.Band, q.Tags), q.Questions)
	}
	att, resumed, err := c.s.StartAttempt(context.Background(), st, c.practice[portal.Band(st.Grade)], draw, fmt.Sprintf("bench-device-%d", st.ID), "192.0.2.1")
	if err != nil || resumed || len(att.Items) == 0 {
		b.Fatalf("StartAttempt(student %d) = %v, resumed %v", st.ID, err, resumed)
	}
	c.open, c.openBy = append(c.open, att.ID), append(c.openBy, st.ID)
}

// answers answers the first option of every question of an open attempt. Reading the
// attempt is part of the submission's work (the handler reads it too).
func (c *benchCity) answers(b *testing.B, studentID, id int64) map[string][]int {
	a, err := c.s.GetAttempt(context.Background(), studentID, id)
	if err != nil {
		b.Fatal(err)
	}
	out := make(map[string][]int, len(a.Items))
	for _, it := range a.Items {
		out[it.Q] = []int{0}
	}
	return out
}

// opportunity adds a city-wide opportunity of 30 places, days ahead, for the sign-up
// benchmark. It is held in the evening, so it overlaps no daytime opportunity the city
// set may sign its volunteers up for.
func (c *benchCity) opportunity(b *testing.B, days int) int64 {
	start := time.Date(now.Year(), now.Month(), now.Day(), 19, 0, 0, 0, portal.CST).AddDate(0, 0, days)
	o := &store.SeedOpportunity{Opportunity: portal.Opportunity{AssociationID: c.assoc, Title: fmt.Sprintf("基准报名%d", days),
		Description: "基准测试。", Place: "市民广场", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Deadline: start.AddDate(0, 0, -2), Capacity: 30, Skills: []portal.Skill{portal.SkillPublicity}, CityWide: true, CreatedAt: now}}
	if err := c.s.BulkSeedVolunteers(context.Background(), portal.SystemActor, &store.SeedVolunteerData{
		Opportunities: []*store.SeedOpportunity{o}}); err != nil {
		b.Fatal(err)
	}
	return o.ID
}

// mustBenchCity seeds the medium city with seed.City and tops it up with what the city
// set may not hold yet: activities of the last school year and this one so far (about
// 20,000 records), a knowledge-test attempt by every student (100,000) and confirmed
// volunteer hours. It always adds a city-wide practice quiz per band for the attempt
// benchmarks.
func mustBenchCity(b *testing.B) *benchCity {
	b.Helper()
	t0 := time.Now()
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(b), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := seed.City(ctx, s, now, benchSize, 1, nil); err != nil {
		b.Fatal(err)
	}
	cnt, err := content.Load()
	if err != nil {
		b.Fatal(err)
	}
	c := &benchCity{s: s, year: portal.SchoolYear(now), bank: cnt.Bank, practice: map[string]int64{}}
	teacher, _, err := s.UserCredentials(ctx, seed.CityAccounts.Teacher)
	if err != nil {
		b.Fatal(err)
	}
	c.school = teacher.SchoolID
	coord, _, err := s.UserCredentials(ctx, seed.CityAccounts.Coordinator)
	if err != nil {
		b.Fatal(err)
	}
	c.assoc = coord.AssociationID
	schools, _, err := s.ListSchools(ctx, store.SchoolFilter{})
	if err != nil {
		b.Fatal(err)
	}
	classes := map[int64][]portal.Class{}
	for _, sc := range schools {
		if classes[sc.ID], err = s.ListClasses(ctx, sc.ID, c.year, false); err != nil {
			b.Fatal(err)
		}
	}
	ids, err := s.StudentIDsByClass(ctx)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2026, 11))

	if _, done, err := s.ActivityCompletion(ctx, c.year, 0); err != nil {
		b.Fatal(err)
	} else if len(done) == 0 {
		if err := benchActivities(ctx, s, r, cnt.Activities, schools, classes, c.year); err != nil {
			b.Fatal(err)
		}
	}

	// Quizzes: a practice quiz per band, city-wide, for the attempt benchmarks; and, if
	// the set has no attempts, a knowledge test per band taken by every student.
	var quizzes []*portal.Quiz
	var as []*portal.Assignment
	var atts []*store.SeedAttempt
	open, closes := now.AddDate(0, 0, -30), now.AddDate(0, 0, 30)
	practice := map[string]*portal.Assignment{}
	tests := map[string]*portal.Assignment{}
	draws := map[string][][]portal.Item{} // a few draws per band, shared: drawing 100,000 costs more than it shows
	n, err := s.QuizAttemptCount(ctx, c.year)
	if err != nil {
		b.Fatal(err)
	}
	for _, band := range portal.Bands {
		for range 64 {
			draws[band] = append(draws[band], portal.Draw(r, cnt.Bank.Pick(band, nil), 10))
		}
		q := &portal.Quiz{Title: "基准练习（" + band + "）", Kind: portal.QuizPractice, Band: band, Questions: 5, TimeLimit: 10, PassMark: 60}
		practice[band] = &portal.Assignment{Quiz: q, Band: band, SchoolYear: c.year, OpensAt: open, ClosesAt: closes}
		quizzes, as = append(quizzes, q), append(as, practice[band])
		if n == 0 {
			q := &portal.Quiz{Title: "基准知识测试（" + band + "）", Kind: portal.QuizKnowledge, Band: band, Questions: 10, TimeLimit: 15, PassMark: 80}
			tests[band] = &portal.Assignment{Quiz: q, Band: band, SchoolYear: c.year, OpensAt: open, ClosesAt: closes}
			quizzes, as = append(quizzes, q), append(as, tests[band])
		}
	}
	for _, sc := range schools {
		for _, cl := range classes[sc.ID] {
			band := portal.Band(cl.Grade)
			for _, id := range ids[cl.ID] {
				c.takers = append(c.takers, portal.Student{ID: id, ClassID: cl.ID, Grade: cl.Grade, SchoolID: sc.ID, SchoolYear: c.year})
				if n == 0 {
					atts = append(atts, benchAttempt(r, draws[band][r.IntN(64)], tests[band], &cl, id, sc.ID == c.school))
				}
			}
		}
	}
	// Take the students in a mixed order, so the writes do not walk one class.
	r.Shuffle(len(c.takers), func(i, j int) { c.takers[i], c.takers[j] = c.takers[j], c.takers[i] })
	if err := s.BulkQuizzes(ctx, portal.SystemActor, quizzes, nil, as, atts); err != nil {
		b.Fatal(err)
	}
	for band, a := range practice {
		c.practice[band] = a.ID
	}

	// The results class: the first class of the teacher's school with submissions at a
	// city-wide knowledge test of this year.
	cityTests, err := s.CityTests(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range cityTests {
		if t.SchoolYear != c.year || t.Quiz.Kind != portal.QuizKnowledge || c.class != 0 {
			continue
		}
		for _, cl := range classes[c.school] {
			if portal.Band(cl.Grade) != t.Band {
				continue
			}
			if res, err := s.ClassResults(ctx, t.ID, cl.ID); err == nil && res.Submitted > 0 {
				c.test, c.class = t.ID, cl.ID
				break
			}
		}
	}
	if c.class == 0 {
		b.Fatal("no class of the teacher's school has knowledge-test results")
	}

	from, to := portal.SchoolYearBounds(c.year)
	if h, err := s.VolunteerHoursBetween(ctx, from, to); err != nil {
		b.Fatal(err)
	} else if h == 0 {
		if err := benchService(ctx, s, r, c.year); err != nil {
			b.Fatal(err)
		}
	}
	vols, _, err := s.ListUsers(ctx, store.UserFilter{Role: portal.RoleVolunteer})
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range vols {
		c.vols = append(c.vols, v.ID)
	}
	b.Logf("medium city seeded in %v", time.Since(t0).Round(time.Millisecond))
	return c
}

// benchActivities adds about 25 records a school in each of the last and this school year,
// of every type the school runs, for the whole school or a class.
func benchActivities(ctx context.Context, s *store.Store, r *rand.Rand, cat *portal.ActivityCatalogue, schools []portal.School,
	classes map[int64][]portal.Class, year int) error {
	types := append(append([]portal.ActivityType{}, cat.Ten...), cat.Other...)
	var acts []*portal.Activity
	for _, y := range []int{year - 1, year} {
		start, end := portal.SchoolYearBounds(y)
		if end.After(now) {
			end = now
		}
		days := int(end.Sub(start).Hours()/24) - 1
		for i := range schools {
			sc := &schools[i]
			cs := classes[sc.ID]
			for range 25 {
				t := &types[r.IntN(len(types))]
				if !t.AppliesToSchool(sc) {
					continue
				}
				a := &portal.Activity{SchoolID: sc.ID, SchoolYear: y, Type: t.Key, Title: t.Name, Date: start.AddDate(0, 0, r.IntN(days)),
					Students: 40 + r.IntN(sc.Enrolment), Teachers: 2 + r.IntN(20), Description: t.Desc, Published: r.IntN(10) < 4}
				var fits []int64
				for _, cl := range cs {
					if t.AppliesToClass(sc, cl.Grade) {
						fits = append(fits, cl.ID)
					}
				}
				if len(fits) == 0 || r.IntN(3) == 0 {
					a.WholeSchool = true
				} else {
					a.ClassIDs = []int64{fits[r.IntN(len(fits))]}
				}
				a.CreatedAt = a.Date.Add(18 * time.Hour)
				acts = append(acts, a)
			}
		}
	}
	return s.BulkCreateActivities(ctx, portal.SystemActor, acts)
}

// benchAttempt is a student's submitted knowledge-test attempt; the teacher's school keeps
// the answers, for item analysis.
func benchAttempt(r *rand.Rand, items []portal.Item, a *portal.Assignment, cl *portal.Class, student int64, withAnswers bool) *store.SeedAttempt {
	started := a.OpensAt.Add(time.Duration(r.IntN(29*24)) * time.Hour)
	at := &store.SeedAttempt{Assignment: a, Attempt: portal.Attempt{Kind: a.Quiz.Kind, StudentID: student, ClassID: cl.ID,
		SchoolID: cl.SchoolID, SchoolYear: cl.SchoolYear, Items: items, StartedAt: started, Deadline: started.Add(15 * time.Minute),
		SubmittedAt: started.Add(time.Duration(180+r.IntN(360)) * time.Second), Score: 4 + r.IntN(len(items)-3)}}
	if withAnswers {
		at.Answers, at.Right = map[string][]int{}, map[string]bool{}
		for k, it := range items {
			at.Right[it.Q] = k < at.Score
			at.Answers[it.Q] = []int{k % 2}
		}
	}
	return at
}

// benchService adds ten past opportunities per association this school year, each with
// fifteen volunteers whose hours are confirmed.
func benchService(ctx context.Context, s *store.Store, r *rand.Rand, year int) error {
	vols, _, err := s.ListUsers(ctx, store.UserFilter{Role: portal.RoleVolunteer})
	if err != nil {
		return err
	}
	byAssoc := map[int64][]int64{}
	for _, u := range vols {
		byAssoc[u.AssociationID] = append(byAssoc[u.AssociationID], u.ID)
	}
	start, _ := portal.SchoolYearBounds(year)
	days := int(now.Sub(start).Hours()/24) - 2
	d := &store.SeedVolunteerData{}
	for _, assoc := range slices.Sorted(maps.Keys(byAssoc)) {
		members := byAssoc[assoc]
		for k := range 10 {
			at := time.Date(start.Year(), start.Month(), start.Day(), 9, 0, 0, 0, portal.CST).AddDate(0, 0, r.IntN(days))
			o := &store.SeedOpportunity{Opportunity: portal.Opportunity{AssociationID: assoc, Title: fmt.Sprintf("禁毒宣传%d", k+1),
				Description: "基准测试。", Place: "社区", StartsAt: at, EndsAt: at.Add(3 * time.Hour), Deadline: at.AddDate(0, 0, -1),
				Capacity: 20, Skills: []portal.Skill{portal.SkillPublicity}, HoursConfirmed: true, CreatedAt: at.AddDate(0, 0, -14)}}
			for _, j := range r.Perm(len(members))[:min(15, len(members))] {
				o.Signups = append(o.Signups, store.SeedSignup{UserID: members[j], Status: portal.SignupConfirmed, Attended: true, Hours: 3})
			}
			d.Opportunities = append(d.Opportunities, o)
		}
	}
	return s.BulkSeedVolunteers(ctx, portal.SystemActor, d)
}
