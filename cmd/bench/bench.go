package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// bench is a portal serving a copy of the data set on a loopback port.
type bench struct {
	dir     string
	store   *store.Store
	cmd     *exec.Cmd // the server's process
	stdin   io.WriteCloser
	base    string
	dataset dataset
	// volunteers is the number of volunteer accounts (vol00001…): the sign-up race uses up
	// to 200 of them.
	volunteers int
	// insertRPS is insert_ceiling's result, which sizes quiz_submit's pool of students.
	insertRPS float64
	// spike is the number of students of the exam spike, runs how many times each
	// scenario runs.
	spike, runs int
	// submitRPS is quiz_submit's last rate, which sizes its next pool; pool holds the
	// students who started the exam and have not handed it in yet, for the next run.
	submitRPS float64
	pool      []*taker
	// exhausted: the data set had no more students for quiz_submit; quizRuns counts its runs.
	exhausted bool
	quizRuns  int
	// raced is set after the first sign-up race: the next one starts from no sign-ups.
	raced bool
	logf  func(string, ...any)
	// cpuProfile is where the server process writes its CPU profile, if anywhere.
	cpuProfile string
	dropCopy   func() error // PostgreSQL: drops the database the benchmark ran on
}

func newBench(ctx context.Context, src, cpuProfile string, logf func(string, ...any)) (*bench, error) {
	dir, err := os.MkdirTemp("", "portal-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{dir: dir, logf: logf, cpuProfile: cpuProfile}
	t0 := time.Now()
	var copyPath string
	if store.IsPostgres(src) {
		if copyPath, b.dropCopy, err = copyPostgres(ctx, src); err != nil {
			return nil, fmt.Errorf("copy the data set: %w", err)
		}
	} else {
		if _, err := os.Stat(src); err != nil {
			return nil, err
		}
		copyPath = filepath.Join(dir, "portal.db")
		orig, err := store.Open(ctx, src, store.Options{})
		if err != nil {
			return nil, err
		}
		err = orig.Backup(ctx, copyPath)
		orig.Close()
		if err != nil {
			return nil, fmt.Errorf("copy the data set: %w", err)
		}
	}
	logf("copied the data set in %.1f s", time.Since(t0).Seconds())

	// The server is a process of its own, so that its memory, its garbage collector and
	// its profile are its own; the clients run here.
	t0 = time.Now()
	if err := b.startServer(copyPath); err != nil {
		return nil, err
	}
	logf("server up in %.0f ms at %s (pid %d)", float64(time.Since(t0).Microseconds())/1000, b.base, b.cmd.Process.Pid)
	if b.store, err = store.Open(ctx, copyPath, store.Options{}); err != nil {
		return nil, err
	}
	f, err := b.store.CityFigures(ctx, portal.SchoolYear(time.Now()))
	if err != nil {
		return nil, err
	}
	acts, atts, err := b.store.DatasetCounts(ctx)
	if err != nil {
		return nil, err
	}
	b.dataset = dataset{Schools: f.Schools, Students: f.StudentsRegistered, Activities: acts, QuizAttempts: atts}
	b.volunteers = f.Volunteers
	return b, nil
}

func (b *bench) close() {
	b.stopServer()
	b.store.Close()
	if b.dropCopy != nil {
		if err := b.dropCopy(); err != nil {
			b.logf("drop the copy of the data set: %v", err)
		}
	}
	os.RemoveAll(b.dir)
}

// transport is shared by every client: each has its own cookie jar (its own session),
// and connections are reused whoever sends.
var transport = &http.Transport{MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute}

// hostPort is the server's address for connTransport.
func (b *bench) hostPort() string { return strings.TrimPrefix(b.base, "http://") }

// client returns an HTTP client with its own cookie jar.
func (b *bench) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 60 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login returns a client logged in as username with the data set's password.
func (b *bench) login(username string) (*http.Client, error) {
	c := b.client()
	res, err := c.PostForm(b.base+"/login", url.Values{"username": {username}, "password": {seed.DemoPassword}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: status %d", username, res.StatusCode)
	}
	return c, nil
}

// scenario is one line of the report.
type scenario struct {
	name string
	run  func(ctx context.Context, warmup, duration time.Duration) (any, error)
}

func (b *bench) scenarios() []scenario {
	return []scenario{
		{"static_ceiling", b.pages("static_ceiling", "/__ceiling", "", 64)},
		{"home", b.pages("home", "/", "", 64)},
		{"dashboard", b.pages("dashboard", "/admin/activities", seed.CityAccounts.Admin, 16)},
		{"school_page", b.pages("school_page", "/school/activities/", seed.CityAccounts.Teacher, 16)},
		{"insert_ceiling", b.insertCeiling(16)},
		{"quiz_submit", b.quizSubmit(16)},
		{"exam_spike", b.examSpike()},
		{"signup_race", b.signupRace(min(200, b.volunteers))},
	}
}

// pages reads one page from n clients, logged in as username when given.
func (b *bench) pages(name, path, username string, n int) func(context.Context, time.Duration, time.Duration) (any, error) {
	return func(ctx context.Context, warmup, duration time.Duration) (any, error) {
		clients := make([]*http.Client, n)
		for i := range clients {
			var err error
			if username == "" {
				clients[i] = b.client()
			} else if clients[i], err = b.login(username); err != nil {
				return nil, err
			}
			// Each worker sends on a connection of its own (conn.go).
			clients[i].Transport = newConnTransport(b.hostPort())
		}
		defer func() {
			for _, c := range clients {
				c.CloseIdleConnections()
			}
		}()
		return drive(ctx, name, n, warmup, duration, func(w int) error {
			return get(clients[w], b.base+path, http.StatusOK)
		}), nil
	}
}

// insertCeiling measures bare durable single-row inserts from n goroutines on the same
// database file and settings, without HTTP.
func (b *bench) insertCeiling(n int) func(context.Context, time.Duration, time.Duration) (any, error) {
	return func(ctx context.Context, warmup, duration time.Duration) (any, error) {
		if err := b.store.PrepareInsertCeiling(ctx); err != nil {
			return nil, err
		}
		var seq atomic.Int64
		res := drive(ctx, "insert_ceiling", n, warmup, duration, func(int) error {
			return b.store.InsertCeiling(context.Background(), seq.Add(1))
		})
		b.insertRPS = res.RPS
		return res, nil
	}
}

// raceResult is the sign-up race's line of the report.
type raceResult struct {
	Name       string `json:"name"`
	Capacity   int    `json:"capacity"`
	Attempts   int    `json:"attempts"`
	Accepted   int    `json:"accepted"`
	Waitlisted int    `json:"waitlisted"`
	Errors     int64  `json:"errors"`
}

// signupRace logs n volunteers in, then has all of them sign up for the data set's
// 30-place opportunity at the same instant, and reads back how many got a place.
func (b *bench) signupRace(n int) func(context.Context, time.Duration, time.Duration) (any, error) {
	return func(ctx context.Context, _, _ time.Duration) (any, error) {
		opp, err := b.loadOpportunity()
		if err != nil {
			return nil, err
		}
		if b.raced {
			if err := b.store.ClearSignups(ctx, opp.ID); err != nil {
				return nil, err
			}
		}
		b.raced = true
		clients := make([]*http.Client, n)
		errs := make(chan error, n)
		sem := make(chan struct{}, 8)
		for i := range clients {
			go func(i int) {
				sem <- struct{}{}
				defer func() { <-sem }()
				c, err := b.login(fmt.Sprintf("vol%05d", i+1))
				clients[i] = c
				errs <- err
			}(i)
		}
		for range clients {
			if err := <-errs; err != nil {
				return nil, err
			}
		}
		var failed atomic.Int64
		start := make(chan struct{})
		done := make(chan struct{}, n)
		for _, c := range clients {
			go func(c *http.Client) {
				defer func() { done <- struct{}{} }()
				<-start
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/opportunities/%d/signup", b.base, opp.ID), nil)
				res, err := c.Do(req)
				if err != nil {
					failed.Add(1)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					failed.Add(1)
				}
			}(c)
		}
		close(start)
		for range clients {
			<-done
		}
		after, err := b.loadOpportunity()
		if err != nil {
			return nil, err
		}
		return raceResult{Name: "signup_race", Capacity: after.Capacity, Attempts: n, Accepted: after.SignedUp,
			Waitlisted: after.Waitlisted, Errors: failed.Load()}, nil
	}
}

// apiOpportunity is an entry of GET /api/v1/opportunities.
type apiOpportunity struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Capacity   int    `json:"capacity"`
	SignedUp   int    `json:"signed_up"`
	Waitlisted int    `json:"waitlisted"`
}

// loadOpportunity finds the data set's load opportunity through the public API.
func (b *bench) loadOpportunity() (*apiOpportunity, error) {
	res, err := http.Get(b.base + "/api/v1/opportunities")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var list []apiOpportunity
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Title == seed.DemoLoadTitle {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("the data set has no opportunity %q", seed.DemoLoadTitle)
}
