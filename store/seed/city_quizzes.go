package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// bandNames are the bands' names in quiz titles.
var bandNames = map[string]string{"primary": "小学", "junior": "初中", "senior": "高中"}

// attemptChunk is the number of attempts written per transaction.
const attemptChunk = 40000

// cityQuizzes writes the quiz side of the city: a city-wide knowledge test per band held
// earlier this school year and now closed, a practice quiz per school and band assigned
// to its classes and open, n submitted attempts of this year's students at them, and the
// exam spike's test (CityExamTitle) with none. A class's share of the attempts follows its
// size; about nine in ten of its students took the city test, the rest of its share are
// practice attempts spread over its students. Each student answers each question right
// with a chance of their own (three in four score 80 % or more); about one knowledge
// attempt in a hundred was clicked through too fast, and a few classes handed one phone
// round three students: both are flagged as the app would. Attempts keep their drawn
// questions but no answers.
func cityQuizzes(ctx context.Context, s *store.Store, r *rand.Rand, now time.Time, classes []*portal.Class,
	enrolled map[int64]int, n int, progress func(string)) error {
	year := portal.SchoolYear(now)
	start, _ := portal.SchoolYearBounds(year)
	var quizzes []*portal.Quiz
	var as []*portal.Assignment
	assign := func(q *portal.Quiz, classID int64, opens, closes time.Time) *portal.Assignment {
		a := &portal.Assignment{Quiz: q, ClassID: classID, Band: q.Band, SchoolYear: year, OpensAt: opens, ClosesAt: closes}
		as = append(as, a)
		return a
	}

	// The exam: the band with the most students.
	perBand := map[string]int{}
	for _, c := range classes {
		perBand[portal.Band(c.Grade)] += enrolled[c.ID]
	}
	examBand := portal.Bands[0]
	for _, b := range portal.Bands {
		if perBand[b] > perBand[examBand] {
			examBand = b
		}
	}
	exam := &portal.Quiz{Title: CityExamTitle, Kind: portal.QuizKnowledge, Band: examBand, Questions: 10, TimeLimit: 20,
		PassMark: 80, CreatedAt: now.Add(-2 * time.Hour)}
	quizzes = append(quizzes, exam)
	assign(exam, 0, now.Add(-time.Hour).Truncate(time.Second), now.AddDate(0, 0, 30).Truncate(time.Second))
	if n == 0 {
		return s.BulkQuizzes(ctx, portal.SystemActor, quizzes, nil, as, nil)
	}

	b, err := bank()
	if err != nil {
		return err
	}
	pools := map[string][]*portal.Question{}
	for _, band := range portal.Bands {
		pools[band] = b.Pick(band, nil)
	}
	// Windows, counted back from now over the part of the year that has passed (at least
	// two days, for a set made on the first day of a school year).
	passed := max(now.Sub(start), 48*time.Hour)
	at := func(f float64) time.Time { return now.Add(-time.Duration(f * float64(passed))).Truncate(time.Second) }
	cityTest := map[string]*portal.Assignment{}
	for _, band := range portal.Bands {
		q := &portal.Quiz{Title: fmt.Sprintf("%d学年全市禁毒知识测试（%s）", year, bandNames[band]), Kind: portal.QuizKnowledge,
			Band: band, Questions: 10, TimeLimit: 15, PassMark: 80, CreatedAt: at(0.75)}
		quizzes = append(quizzes, q)
		cityTest[band] = assign(q, 0, at(0.7), at(0.35))
	}
	quota := make([]float64, len(classes))
	for i, c := range classes {
		quota[i] = float64(enrolled[c.ID])
	}
	share := apportion(n, quota)
	practice := map[int64]*portal.Assignment{} // by class
	type schoolBand struct {
		school int64
		band   string
	}
	schoolQuiz := map[schoolBand]*portal.Quiz{}
	for i, c := range classes {
		if share[i] < 2 {
			continue
		}
		band := portal.Band(c.Grade)
		q := schoolQuiz[schoolBand{c.SchoolID, band}]
		if q == nil {
			q = &portal.Quiz{SchoolID: c.SchoolID, Title: "禁毒知识小练习", Kind: portal.QuizPractice, Band: band, Questions: 5,
				TimeLimit: 10, PassMark: 60, CreatedAt: at(0.85)}
			quizzes = append(quizzes, q)
			schoolQuiz[schoolBand{c.SchoolID, band}] = q
		}
		practice[c.ID] = assign(q, c.ID, at(0.8), now.AddDate(0, 0, 60).Truncate(time.Second))
	}
	if err := s.BulkQuizzes(ctx, portal.SystemActor, quizzes, nil, as, nil); err != nil {
		return err
	}
	progress(fmt.Sprintf("%d quizzes, %d assignments", len(quizzes), len(as)))

	ids, err := s.StudentIDsByClass(ctx)
	if err != nil {
		return err
	}
	// One goroutine draws the chunks in order (the same seed gives the same rows) while
	// this one writes the previous chunk.
	g := &attemptGen{r: r, now: now, pools: pools}
	chunks := make(chan []*store.SeedAttempt)
	stop := make(chan struct{})
	go func() {
		defer close(chunks)
		batch := make([]*store.SeedAttempt, 0, attemptChunk)
		for i, c := range classes {
			students := ids[c.ID]
			if share[i] > 0 && len(students) > 0 {
				batch = g.class(batch, c, students, share[i], cityTest[portal.Band(c.Grade)], practice[c.ID])
			}
			if len(batch) >= attemptChunk || i == len(classes)-1 && len(batch) > 0 {
				select {
				case chunks <- batch:
				case <-stop:
					return
				}
				batch = make([]*store.SeedAttempt, 0, attemptChunk)
			}
		}
	}()
	defer func() {
		close(stop)
		for range chunks {
		}
	}()
	total := 0
	for batch := range chunks {
		if err := s.BulkAttempts(ctx, portal.SystemActor, batch); err != nil {
			return err
		}
		total += len(batch)
		progress(fmt.Sprintf("%d attempts", total))
	}
	if total != n {
		return fmt.Errorf("%d attempts written, want %d", total, n)
	}
	return nil
}

// attemptGen draws the city's attempts.
type attemptGen struct {
	r     *rand.Rand
	now   time.Time
	pools map[string][]*portal.Question
}

// class appends a class's n attempts to out, student by student: the city test for about
// nine in ten (at most n-1 when the class has a practice quiz, which gets the rest; a
// class without one has a share of one).
func (g *attemptGen) class(out []*store.SeedAttempt, c *portal.Class, students []int64, n int, city, practice *portal.Assignment) []*store.SeedAttempt {
	r := g.r
	takes := make([]bool, len(students))
	tests := 0
	limit := n
	if practice != nil {
		limit = n - 1
	}
	for k := range students {
		if tests < limit && r.IntN(10) < 9 {
			takes[k] = true
			tests++
		}
	}
	if practice == nil && tests < n {
		// A class with a share of one: one student took the test.
		clear(takes)
		takes[r.IntN(len(students))], tests = true, 1
	}
	practices := make([]int, len(students))
	if practice != nil {
		for range n - tests {
			practices[r.IntN(len(students))]++
		}
	}
	// A phone handed round three classmates, now and then.
	shared := -1
	if k := r.IntN(len(students)); r.IntN(100) < 8 && k+2 < len(students) && takes[k] && takes[k+1] && takes[k+2] {
		shared = k
	}
	var device string
	var sharedStart time.Time
	for k, st := range students {
		// The chance this student knows an answer: three in four score 80 % or more.
		p := math.Min(0.98, 0.55+0.44*math.Sqrt(r.Float64()))
		if takes[k] {
			at := g.attempt(city, c, st, p)
			switch {
			case shared >= 0 && k >= shared && k < shared+3:
				if k == shared {
					device = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
					sharedStart = at.StartedAt
				}
				at.Device = device
				g.retime(at, sharedStart.Add(time.Duration(k-shared)*3*time.Minute), 2*time.Minute+time.Duration(r.IntN(120))*time.Second)
				at.Flags |= portal.FlagDevice
			case r.IntN(100) == 0:
				// Clicked through in seconds, mostly guessing.
				g.retime(at, at.StartedAt, time.Duration(5+r.IntN(14))*time.Second)
				at.Score = g.score(len(at.Items), 0.4)
				at.Flags |= portal.FlagFast
			}
			out = append(out, at)
		}
		for range practices[k] {
			out = append(out, g.attempt(practice, c, st, p))
		}
	}
	return out
}

// attempt makes a submitted attempt at an assignment, started at a random time while it
// was open (and before now), taking three to nine minutes of a ten-question quiz's time
// in proportion.
func (g *attemptGen) attempt(a *portal.Assignment, c *portal.Class, student int64, p float64) *store.SeedAttempt {
	q := a.Quiz
	limit := time.Duration(q.TimeLimit) * time.Minute
	last := a.ClosesAt
	if g.now.Before(last) {
		last = g.now
	}
	last = last.Add(-limit)
	started := a.OpensAt
	if span := last.Sub(a.OpensAt); span > 0 {
		started = a.OpensAt.Add(time.Duration(g.r.Int64N(int64(span)/1e9)) * time.Second)
	}
	items := portal.Draw(g.r, g.pools[q.Band], q.Questions)
	at := &store.SeedAttempt{Assignment: a, Attempt: portal.Attempt{Kind: q.Kind, StudentID: student, ClassID: c.ID,
		SchoolID: c.SchoolID, SchoolYear: c.SchoolYear, Items: items}}
	took := time.Duration(len(items)) * (18*time.Second + time.Duration(g.r.IntN(36))*time.Second)
	g.retime(at, started, took)
	at.Score = g.score(len(items), p)
	return at
}

// retime sets an attempt's start, deadline (the quiz's time limit later) and submission.
func (g *attemptGen) retime(at *store.SeedAttempt, started time.Time, took time.Duration) {
	at.StartedAt = started
	at.Deadline = started.Add(time.Duration(at.Assignment.Quiz.TimeLimit) * time.Minute)
	at.SubmittedAt = started.Add(took)
	if at.SubmittedAt.After(at.Deadline) {
		at.SubmittedAt = at.Deadline
	}
}

// score counts the right answers of n questions, each right with chance p.
func (g *attemptGen) score(n int, p float64) int {
	k := 0
	for range n {
		if g.r.Float64() < p {
			k++
		}
	}
	return k
}
