package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store/seed"
)

// taker is a student with a session who has started the exam: what they submit.
type taker struct {
	c       *http.Client
	attempt string // the attempt's path, /attempts/N
	answers url.Values
	acked   bool // the server answered the submission
}

// exam finds the data set's city-wide test of the exam spike.
func (b *bench) exam(ctx context.Context) (*portal.Assignment, error) {
	tests, err := b.store.CityTests(ctx)
	if err != nil {
		return nil, err
	}
	for i := range tests {
		if tests[i].Quiz != nil && tests[i].Quiz.Title == seed.CityExamTitle {
			return &tests[i], nil
		}
	}
	return nil, fmt.Errorf("the data set has no test %q (make it with portal seed -scale city)", seed.CityExamTitle)
}

// parallel runs fn for 0…n-1 on conc goroutines and returns the first error.
func parallel(n, conc int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// benchPIN is the PIN the benchmark's students set at their first join (the city data
// set's students have none yet) and give at every later one.
const benchPIN = "2580"

// joinTakers logs n students who have not taken the exam in, each through POST /join
// with their class's code, name and number: n sessions of n real students. Students are
// never handed out twice in a run.
// The exam spike takes the first spike students; quiz_submit those after them, up to n
// and at least need.
//
// With own, each student has a connection of their own, as each phone does, opened when
// they joined and kept alive while they look at the page with the test: the spike's
// students do not all dial at the same instant.
func (b *bench) joinTakers(ctx context.Context, a *portal.Assignment, offset, n, need int, own bool) ([]*http.Client, error) {
	cards, err := b.store.TestTakers(ctx, a, offset, n)
	if err != nil {
		return nil, err
	}
	if len(cards) < need {
		return nil, fmt.Errorf("the data set has %d students left for the exam, %d needed", len(cards), need)
	}
	n = len(cards)
	clients := make([]*http.Client, n)
	err = parallel(n, 32, func(i int) error {
		c := b.client()
		if own {
			c.Transport = newConnTransport(b.hostPort())
		}
		res, err := c.PostForm(b.base+"/join", url.Values{"code": {cards[i].Code}, "name": {cards[i].Name}, "number": {cards[i].Number},
			"pin": {benchPIN}})
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("join %s %s: status %d", cards[i].Code, cards[i].Number, res.StatusCode)
		}
		// The student's home, where the test is listed.
		if err := get(c, b.base+"/student", http.StatusOK); err != nil {
			return fmt.Errorf("student home: %w", err)
		}
		clients[i] = c
		return nil
	})
	return clients, err
}

// attrValues returns, for each occurrence of prefix in page, the text up to the next
// double quote: the values of the form's fields, found without a regular expression so that
// the clients leave the CPU to the server.
func attrValues(page []byte, prefix string) [][]byte {
	var out [][]byte
	p := []byte(prefix)
	for {
		i := bytes.Index(page, p)
		if i < 0 {
			return out
		}
		page = page[i+len(p):]
		j := bytes.IndexByte(page, '"')
		if j < 0 {
			return out
		}
		out = append(out, page[:j])
		page = page[j:]
	}
}

// start starts the exam as a student does: the start button, then the page of questions.
// The answers are the first option shown of each question.
func (b *bench) start(c *http.Client, a *portal.Assignment) (*taker, error) {
	res, err := c.PostForm(fmt.Sprintf("%s/quizzes/%d/start", b.base, a.ID), nil)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/attempts/") {
		return nil, fmt.Errorf("start: status %d, location %q", res.StatusCode, loc)
	}
	res, err = c.Get(b.base + loc)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("attempt page: status %d", res.StatusCode)
	}
	t := &taker{c: c, attempt: loc, answers: url.Values{}}
	for _, q := range attrValues(body, `name="q" value="`) {
		t.answers.Add("q", string(q))
	}
	// Each question's options are name="ans-ID" value="N"; the first shown is the answer.
	for _, q := range t.answers["q"] {
		if v := attrValues(body, `name="ans-`+q+`" value="`); len(v) > 0 {
			t.answers.Set("ans-"+q, string(v[0]))
		}
	}
	if len(t.answers["q"]) == 0 {
		return nil, errors.New("attempt page: no questions")
	}
	return t, nil
}

// submit hands the answers in; the 303 to the result comes after the commit. With
// result, the student's browser then reads the result page, as it does.
func (b *bench) submit(t *taker, result bool) error {
	res, err := t.c.PostForm(b.base+t.attempt+"/submit", t.answers)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return &statusError{got: res.StatusCode, want: http.StatusSeeOther}
	}
	t.acked = true
	if !result {
		return nil
	}
	return get(t.c, b.base+res.Header.Get("Location"), http.StatusOK)
}

// quizSubmit measures real submissions by distinct students, n at a time. Each student
// has joined and started the exam beforehand (not measured); a submission is one POST,
// answered after its commit. The pool is sized from insert_ceiling so that it lasts the
// run; should it run out, the run ends early and the rate is over the time measured.
func (b *bench) quizSubmit(n int) func(context.Context, time.Duration, time.Duration) (any, error) {
	return func(ctx context.Context, warmup, duration time.Duration) (any, error) {
		a, err := b.exam(ctx)
		if err != nil {
			return nil, err
		}
		rate := max(b.insertRPS, 1000)
		if b.submitRPS > 0 {
			rate = b.submitRPS // a later run: as many as the last one handed in, and more
		}
		size := min(int(rate*1.6*(warmup+duration).Seconds()), 40000)
		pool := b.pool
		if need := size - len(pool); need > 0 {
			t0 := time.Now()
			// The exam spike's runs keep the first students of the list for themselves.
			least := min(need, 100)
			if len(pool) > 0 {
				least = 0 // the run before left students: the set may have no more
			}
			clients, err := b.joinTakers(ctx, a, b.spike*b.runs, need, least, false)
			if err != nil {
				return nil, err
			}
			fresh := make([]*taker, len(clients))
			if err := parallel(len(clients), 32, func(i int) (err error) {
				fresh[i], err = b.start(clients[i], a)
				return err
			}); err != nil {
				return nil, err
			}
			pool = append(pool, fresh...)
			b.exhausted = len(fresh) < need
			b.logf("  %d students joined and started the exam in %.1f s (%d more from the run before)", len(fresh),
				time.Since(t0).Seconds(), len(b.pool))
		}
		// Each of the n at a time sends on a connection of its own, each student with
		// their own cookies.
		conns := make([]*connTransport, n)
		for w := range conns {
			conns[w] = newConnTransport(b.hostPort())
		}
		// A data set with fewer students than the runs would use shares them out, so that
		// every run has some.
		rest := pool[len(pool):]
		if left := b.runs - b.quizRuns; b.exhausted && left > 1 {
			pool, rest = pool[:len(pool)/left], pool[len(pool)/left:]
		}
		b.quizRuns++
		var next atomic.Int64
		res := drive(ctx, "quiz_submit", n, warmup, duration, func(w int) error {
			i := int(next.Add(1)) - 1
			if i >= len(pool) {
				return errPoolEmpty
			}
			t := pool[i]
			c := *t.c
			c.Transport = conns[w]
			t.c = &c
			return b.submit(t, false)
		})
		for _, c := range conns {
			c.CloseIdleConnections()
		}
		used := min(int(next.Load()), len(pool))
		if used >= len(pool) {
			b.logf("  the pool of %d students ran out; the rate is over the time it lasted", len(pool))
		}
		b.pool, b.submitRPS = append(pool[used:len(pool):len(pool)], rest...), res.RPS
		// Every acknowledged submission must be in the database.
		missing, err := b.unsubmitted(ctx, pool[:used])
		if err != nil {
			return nil, err
		}
		if missing > 0 {
			return nil, fmt.Errorf("%d acknowledged submissions are not in the database", missing)
		}
		b.logf("  all acknowledged submissions found in the database")
		return res, nil
	}
}

// unsubmitted counts the submissions the server acknowledged that the database does not
// hold as submitted.
func (b *bench) unsubmitted(ctx context.Context, pool []*taker) (int, error) {
	ids := map[int64]bool{}
	var list []int64
	for _, t := range pool {
		var id int64
		if _, err := fmt.Sscanf(t.attempt, "/attempts/%d", &id); err != nil {
			return 0, err
		}
		if t.acked {
			ids[id] = true
			list = append(list, id)
		}
	}
	got, err := b.store.SubmittedAttempts(ctx, list)
	if err != nil {
		return 0, err
	}
	missing := 0
	for id := range ids {
		if !got[id] {
			missing++
		}
	}
	return missing, nil
}

// spikeResult is the exam spike's line of the report.
type spikeResult struct {
	Name      string  `json:"name"`
	Students  int     `json:"students"`
	StartP50  float64 `json:"start_p50_ms"`
	StartP99  float64 `json:"start_p99_ms"`
	SubmitP50 float64 `json:"submit_p50_ms"`
	SubmitP99 float64 `json:"submit_p99_ms"`
	Errors    int64   `json:"errors"`
}

// examSpike has n students who joined beforehand start the exam within one second (each
// at its own instant, evenly spread), then hand it in within one second. A student's
// start is the start button and the page of questions; a submission is the hand-in and
// the result page.
func (b *bench) examSpike() func(context.Context, time.Duration, time.Duration) (any, error) {
	return func(ctx context.Context, _, _ time.Duration) (any, error) {
		n := b.spike
		a, err := b.exam(ctx)
		if err != nil {
			return nil, err
		}
		clients, err := b.joinTakers(ctx, a, 0, n, n, true)
		if err != nil {
			return nil, err
		}
		defer func() {
			for _, c := range clients {
				c.CloseIdleConnections()
			}
		}()
		var errs atomic.Int64
		takers := make([]*taker, n)
		startLat := make([]time.Duration, n)
		step := time.Second / time.Duration(n)
		wave := func(lat []time.Duration, fn func(i int) error) {
			var wg sync.WaitGroup
			t0 := time.Now().Add(50 * time.Millisecond)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Until(t0.Add(time.Duration(i) * step)))
					s := time.Now()
					if err := fn(i); err != nil {
						errs.Add(1)
						lat[i] = -1
						return
					}
					lat[i] = time.Since(s)
				}()
			}
			wg.Wait()
		}
		b.measuring("exam_spike")
		wave(startLat, func(i int) (err error) {
			takers[i], err = b.start(clients[i], a)
			return err
		})
		submitLat := make([]time.Duration, n)
		wave(submitLat, func(i int) error {
			if takers[i] == nil {
				return errors.New("not started")
			}
			return b.submit(takers[i], true)
		})
		b.measuring("")
		sp50, sp99 := percentiles(startLat)
		up50, up99 := percentiles(submitLat)
		return spikeResult{Name: "exam_spike", Students: n, StartP50: sp50, StartP99: sp99, SubmitP50: up50,
			SubmitP99: up99, Errors: errs.Load()}, nil
	}
}

// percentiles returns p50 and p99 in milliseconds of the successful latencies (failed
// ones are negative and counted as errors).
func percentiles(lat []time.Duration) (float64, float64) {
	var ok []time.Duration
	for _, d := range lat {
		if d >= 0 {
			ok = append(ok, d)
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i] < ok[j] })
	return ms(percentile(ok, 0.50)), ms(percentile(ok, 0.99))
}

var errPoolEmpty = errors.New("pool empty")
