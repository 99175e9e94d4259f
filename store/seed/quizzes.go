package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
)

// bank is the embedded question bank, loaded once per process.
var bank = sync.OnceValues(func() (*content.Bank, error) {
	c, err := content.Load()
	if err != nil {
		return nil, err
	}
	return c.Bank, nil
})

// quizGen draws the demo's quiz data from its own fixed seed, so that adding it does not
// change the rest of the demo city.
type quizGen struct {
	r    *rand.Rand
	bank *content.Bank
	now  time.Time
}

// quizzes adds the demo's quiz data: a city-wide knowledge test per band this school year
// (open now) and last year (closed); at the demo school a pre-test, its post-test and a
// practice quiz assigned to every class, with the post-test still open, so that a student
// who joins DEMO01 has quizzes to take. Attempts: every class of the demo school (with
// answers, for item analysis, and a visible pre/post gain), the first class of each band
// at the other schools (scores only), and the demo school's classes last year. A few
// attempts are flagged: too fast, and one device for several students.
func quizzes(ctx context.Context, s *store.Store, now time.Time, schools []*portal.School, classes []*portal.Class) error {
	b, err := bank()
	if err != nil {
		return err
	}
	g := &quizGen{r: rand.New(rand.NewPCG(4, 626)), bank: b, now: now}
	year := portal.SchoolYear(now)
	ids, err := s.StudentIDsByClass(ctx)
	if err != nil {
		return err
	}
	var quizzes []*portal.Quiz
	var as []*portal.Assignment
	var atts []*store.SeedAttempt
	newQuiz := func(q *portal.Quiz) *portal.Quiz { quizzes = append(quizzes, q); return q }
	assign := func(q *portal.Quiz, classID int64, year int, opens, closes time.Time) *portal.Assignment {
		a := &portal.Assignment{Quiz: q, ClassID: classID, Band: q.Band, SchoolYear: year, OpensAt: opens, ClosesAt: closes}
		as = append(as, a)
		return a
	}
	city := map[[2]int]*portal.Assignment{} // (year, band index) → city-wide test
	prevStart, _ := portal.SchoolYearBounds(year - 1)
	for _, y := range []int{year - 1, year} {
		for i, band := range portal.Bands {
			q := newQuiz(&portal.Quiz{Title: fmt.Sprintf("%d学年全市禁毒知识测试（%s）", y, []string{"小学", "初中", "高中"}[i]),
				Kind: portal.QuizKnowledge, Band: band, Questions: 10, TimeLimit: 15, PassMark: 80})
			opens, closes := now.AddDate(0, 0, -30), now.AddDate(0, 0, 14)
			if y < year {
				opens, closes = prevStart.AddDate(0, 2, 0), prevStart.AddDate(0, 3, 0)
			}
			city[[2]int{y, i}] = assign(q, 0, y, opens, closes)
		}
	}
	demo := schools[0]
	pre := newQuiz(&portal.Quiz{SchoolID: demo.ID, Title: "禁毒法律知识前测", Kind: portal.QuizPre, Band: "junior",
		Tags: []string{"law", "minors", "help"}, Questions: 8, TimeLimit: 10, PassMark: 60})
	post := newQuiz(&portal.Quiz{SchoolID: demo.ID, Title: "禁毒法律知识后测", Kind: portal.QuizPost, Band: "junior",
		Tags: []string{"law", "minors", "help"}, Questions: 8, TimeLimit: 10, PassMark: 60})
	practice := newQuiz(&portal.Quiz{SchoolID: demo.ID, Title: "禁毒知识小练习", Kind: portal.QuizPractice, Band: "junior",
		Questions: 5, TimeLimit: 10, PassMark: 60})
	firstOfBand := map[[3]int64]bool{} // (school, year, band) seen
	for _, c := range classes {
		bandIdx := map[string]int{"primary": 0, "junior": 1, "senior": 2}[portal.Band(c.Grade)]
		students := ids[c.ID]
		if c.SchoolID == demo.ID && c.SchoolYear == year {
			ap := assign(pre, c.ID, year, now.AddDate(0, 0, -45), now.AddDate(0, 0, -35))
			apost := assign(post, c.ID, year, now.AddDate(0, 0, -7), now.AddDate(0, 0, 7))
			assign(practice, c.ID, year, now.AddDate(0, 0, -45), now.AddDate(0, 0, 30))
			for k, st := range students {
				ability := g.r.Float64()
				if g.r.IntN(10) < 9 {
					atts = append(atts, g.attempt(ap, c, demo, st, 0.35+0.3*ability, true))
				}
				if g.r.IntN(10) < 8 {
					atts = append(atts, g.attempt(apost, c, demo, st, 0.6+0.35*ability, true))
				}
				if g.r.IntN(10) < 8 {
					at := g.attempt(city[[2]int{year, bandIdx}], c, demo, st, 0.55+0.4*ability, true)
					switch {
					case c.Grade == 8 && k < 5:
						// Clicked through in seconds.
						at.SubmittedAt = at.StartedAt.Add(12 * time.Second)
						at.Flags |= portal.FlagFast
					case c.Grade == 9 && k < 3:
						// One phone handed round.
						at.Device = "demo-shared-phone-" + fmt.Sprint(c.ID)
						at.StartedAt = now.AddDate(0, 0, -3).Add(time.Duration(k) * 3 * time.Minute)
						at.Deadline = at.StartedAt.Add(15 * time.Minute)
						at.SubmittedAt = at.StartedAt.Add(2 * time.Minute)
						at.Flags |= portal.FlagDevice
					}
					atts = append(atts, at)
				}
			}
			continue
		}
		key := [3]int64{c.SchoolID, int64(c.SchoolYear), int64(bandIdx)}
		if firstOfBand[key] || (c.SchoolYear < year && c.SchoolID != demo.ID) {
			continue
		}
		if c.SchoolID != demo.ID {
			firstOfBand[key] = true
		}
		a := city[[2]int{c.SchoolYear, bandIdx}]
		for _, st := range students {
			if g.r.IntN(10) < 8 {
				atts = append(atts, g.attempt(a, c, &portal.School{ID: c.SchoolID}, st, 0.5+0.45*g.r.Float64(), false))
			}
		}
	}
	return s.BulkQuizzes(ctx, portal.SystemActor, quizzes, map[*portal.Quiz]*portal.Quiz{post: pre}, as, atts)
}

// attempt makes a submitted attempt at an assignment by a student who knows each answer
// with probability p; withAnswers keeps the answers for item analysis.
func (g *quizGen) attempt(a *portal.Assignment, c *portal.Class, sc *portal.School, student int64, p float64, withAnswers bool) *store.SeedAttempt {
	pool := g.bank.Pick(a.Quiz.Band, a.Quiz.Tags)
	items := portal.Draw(g.r, pool, a.Quiz.Questions)
	span := a.ClosesAt.Sub(a.OpensAt)
	if end := g.now.Sub(a.OpensAt); end < span {
		span = end
	}
	started := a.OpensAt.Add(time.Duration(g.r.Int64N(int64(max(span-20*time.Minute, time.Minute)))))
	at := &store.SeedAttempt{Assignment: a, Attempt: portal.Attempt{Kind: a.Quiz.Kind, StudentID: student, ClassID: c.ID,
		SchoolID: sc.ID, SchoolYear: c.SchoolYear, Items: items, StartedAt: started,
		Deadline:    started.Add(time.Duration(a.Quiz.TimeLimit) * time.Minute),
		SubmittedAt: started.Add(time.Duration(3*60+g.r.IntN(6*60)) * time.Second)}}
	answers := map[string][]int{}
	right := map[string]bool{}
	for _, it := range items {
		q := g.bank.ByID[it.Q]
		if g.r.Float64() < min(p, 0.98) {
			answers[it.Q] = q.Answer
			right[it.Q] = true
			at.Score++
			continue
		}
		// A wrong answer: one option that is not the (whole) right answer.
		for {
			o := g.r.IntN(len(q.Options))
			if !q.Right([]int{o}) {
				answers[it.Q] = []int{o}
				break
			}
		}
	}
	if withAnswers {
		at.Answers, at.Right = answers, right
	}
	return at
}
