//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
	"github.com/jinducity/portal/store/storetest"
	"github.com/jinducity/portal/views"
)

const (
	durStudents  = 40  // distinct student sessions submitting at once
	durThreshold = 150 // acknowledged submissions before the kill
)

// TestDurabilityKill9 builds the portal, serves the demo city from a separate process,
// has many students submit practice quizzes concurrently, and kills the process with
// SIGKILL in the middle of the stream. After a restart on the same file the database
// must pass PRAGMA integrity_check and hold every submission the server acknowledged
// (answered 303 to the result page) before it died, each complete with its score and
// answer rows. A killed process loses nothing the operating system already holds, so
// this checks that the portal commits before it answers and that SQLite recovers its
// WAL; a power cut (synchronous=FULL's fsync) is beyond what a test can simulate.
func TestDurabilityKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the portal and runs it as a separate process; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build the portal binary")
	}
	began := time.Now()
	dir := t.TempDir()
	bin := filepath.Join(dir, "portal")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the portal in %v", time.Since(began).Round(time.Millisecond))
	db := filepath.Join(dir, "portal.db")
	if storetest.Postgres() {
		db = storetest.DSN(t)
	}
	keyFile := filepath.Join(dir, "session.key")

	srv := startPortalProcess(t, bin, db, keyFile, "first")
	var inflight atomic.Int64 // requests sent and not yet answered
	tr := &countingTransport{inner: &http.Transport{MaxIdleConns: 2 * durStudents, MaxIdleConnsPerHost: 2 * durStudents}, n: &inflight}
	defer tr.inner.CloseIdleConnections()

	// Students: one cookie jar each, all joining the demo class as new students.
	students := make([]*durStudent, durStudents)
	for i := range students {
		students[i] = newDurStudent(t, tr, srv.base)
	}
	var joins sync.WaitGroup
	joinErrs := make([]error, durStudents)
	for i, s := range students {
		joins.Go(func() { joinErrs[i] = s.join(fmt.Sprintf("断电测试%02d", i), strconv.Itoa(9000+i)) })
	}
	joins.Wait()
	for i, err := range joinErrs {
		if err != nil {
			t.Fatalf("student %d joins %s: %v\n%s", i, seed.DemoJoinCode, err, srv.logTail())
		}
	}
	assignment := practiceAssignmentOf(t, newDurStudent(t, tr, srv.base), srv)
	t.Logf("%d students joined; practice assignment %d (%v in)", durStudents, assignment, time.Since(began).Round(time.Millisecond))

	// The stream: every student starts a practice attempt, reads it, answers it and
	// submits it, again and again, until a request fails once the server is gone.
	var (
		mu       sync.Mutex
		acked    []int64 // attempts whose submission the server acknowledged
		ackedBy  = map[int64]*durStudent{}
		started  []int64 // every attempt the server said it started
		firstErr error   // a failure before the kill
	)
	var killed, stop atomic.Bool
	var failedAfterKill atomic.Int64
	reached := make(chan struct{})
	var reachedOnce sync.Once
	var stream sync.WaitGroup
	for i, s := range students {
		stream.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 626))
			for !stop.Load() {
				id, err := s.submitOnce(assignment, rng)
				mu.Lock()
				if id != 0 {
					started = append(started, id)
				}
				if err == nil {
					acked = append(acked, id)
					ackedBy[id] = s
				} else if !killed.Load() && firstErr == nil {
					firstErr = fmt.Errorf("student %d: %w", i, err)
				}
				n := len(acked)
				mu.Unlock()
				if err != nil {
					if killed.Load() {
						failedAfterKill.Add(1)
					} else {
						stop.Store(true)
					}
					return
				}
				if n >= durThreshold {
					reachedOnce.Do(func() { close(reached) })
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { stream.Wait(); close(done) }()

	streamStart := time.Now()
	select {
	case <-reached:
	case <-done:
	case <-time.After(60 * time.Second):
	}
	if stop.Load() || !isClosed(reached) {
		stop.Store(true)
		<-done
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the stream stopped before the kill with %d acknowledged submissions (want %d): %v\n%s",
			len(acked), durThreshold, firstErr, srv.logTail())
	}
	inflightAtKill := inflight.Load()
	killed.Store(true)
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	<-srv.exited
	ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the server did not die of SIGKILL: %v", srv.cmd.ProcessState)
	}
	streamed := time.Since(streamStart)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the students' requests did not end within 60 s of the kill")
	}
	mu.Lock()
	if firstErr != nil {
		t.Errorf("a request failed before the kill: %v", firstErr)
	}
	ackedIDs := append([]int64(nil), acked...)
	startedIDs := append([]int64(nil), started...)
	mu.Unlock()
	if len(ackedIDs) < durThreshold {
		t.Fatalf("%d acknowledged submissions, want at least %d", len(ackedIDs), durThreshold)
	}
	walSize := int64(-1)
	if fi, err := os.Stat(db + "-wal"); err == nil {
		walSize = fi.Size()
	}
	t.Logf("killed after %v of stream: %d submissions acknowledged, %d requests in flight at the kill, %d failed after it; WAL left behind: %d bytes",
		streamed.Round(time.Millisecond), len(ackedIDs), inflightAtKill, failedAfterKill.Load(), walSize)
	if failedAfterKill.Load() == 0 {
		t.Log("no request was cut off by the kill this time (timing); the acknowledged ones are still checked")
	}

	// Restart on the same file: the server comes up, and each student still sees the
	// result of every submission acknowledged to them.
	restarted := time.Now()
	srv2 := startPortalProcess(t, bin, db, keyFile, "restart")
	t.Logf("the restarted portal answered /healthz after %v", time.Since(restarted).Round(time.Millisecond))
	tr2 := &http.Transport{MaxIdleConnsPerHost: durStudents}
	defer tr2.CloseIdleConnections()
	var pageErr error
	var pageMu sync.Mutex
	var pages sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, id := range ackedIDs {
		c := ackedBy[id].clientFor(tr2)
		sem <- struct{}{}
		pages.Go(func() {
			defer func() { <-sem }()
			res, err := c.Get(srv2.base + views.AttemptURL(id))
			var body []byte
			if err == nil {
				body, _ = io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="score"`) {
					err = fmt.Errorf("GET %s after the restart: %d, result page with a score: %v",
						views.AttemptURL(id), res.StatusCode, strings.Contains(string(body), `id="score"`))
				}
			}
			if err != nil {
				pageMu.Lock()
				pageErr = err
				pageMu.Unlock()
			}
		})
	}
	pages.Wait()
	if pageErr != nil {
		t.Errorf("an acknowledged submission's result page: %v", pageErr)
	}
	// Connections the transport dialled but never used count as active for 5 s in
	// http.Server.Shutdown; closing them lets the server stop at once.
	tr2.CloseIdleConnections()
	if err := srv2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-srv2.exited:
		if srv2.err != nil {
			t.Errorf("the restarted server did not stop cleanly: %v\n%s", srv2.err, srv2.logTail())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the restarted server did not stop within 30 s of SIGTERM")
	}

	t.Logf("%d result pages checked and the restarted portal stopped, %v after the restart", len(ackedIDs), time.Since(restarted).Round(time.Millisecond))

	// The file itself.
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatalf("open the database after the kill: %v", err)
	}
	defer st.Close()
	if st.Postgres() {
		// PostgreSQL recovers from its own WAL; the rows below are what matters.
	} else if report, err := st.IntegrityCheck(ctx); err != nil || report != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q, %v; want ok", report, err)
	}
	got, err := st.SubmittedAttempts(ctx, ackedIDs)
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for _, id := range ackedIDs {
		if !got[id] {
			lost++
			if lost <= 10 {
				t.Errorf("attempt %d was acknowledged as submitted but is not stored submitted and scored", id)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged submissions lost", lost, len(ackedIDs))
	}
	all, err := st.SubmittedAttempts(ctx, startedIDs)
	if err != nil {
		t.Fatal(err)
	}
	extra := 0
	for _, ok := range all {
		if ok {
			extra++
		}
	}
	t.Logf("%d attempts started, %d stored submitted (%d committed without the answer reaching the client); whole test %v",
		len(startedIDs), extra, extra-(len(ackedIDs)-lost), time.Since(began).Round(time.Millisecond))
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// portalProcess is a portal server running as a child process.
type portalProcess struct {
	cmd    *exec.Cmd
	base   string
	log    string        // its stdout and stderr
	exited chan struct{} // closed when it has exited; err is then its exit error
	err    error
}

// logTail returns the end of the process's output, for failure messages.
func (p *portalProcess) logTail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// startPortalProcess starts `portal serve -demo` on db at a free local port and waits
// until /healthz answers 200. A port taken in the meantime by someone else is retried.
func startPortalProcess(t *testing.T, bin, db, keyFile, name string, extraEnv ...string) *portalProcess {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTAL_") {
			env = append(env, kv)
		}
	}
	env = append(env, extraEnv...)
	for try := 1; ; try++ {
		port := freePort(t)
		p := &portalProcess{log: filepath.Join(filepath.Dir(keyFile), fmt.Sprintf("%s-%d.log", name, try)), exited: make(chan struct{})}
		out, err := os.Create(p.log)
		if err != nil {
			t.Fatal(err)
		}
		p.cmd = exec.Command(bin, "serve", "-demo", "-db", db, "-key-file", keyFile, "-addr", "127.0.0.1:"+port)
		p.cmd.Env = env
		p.cmd.Stdout, p.cmd.Stderr = out, out
		if err := p.cmd.Start(); err != nil {
			out.Close()
			t.Fatalf("start the portal: %v", err)
		}
		go func() { p.err = p.cmd.Wait(); out.Close(); close(p.exited) }()
		t.Cleanup(func() {
			select {
			case <-p.exited:
			default:
				p.cmd.Process.Kill()
				<-p.exited
			}
		})
		p.base = "http://127.0.0.1:" + port
		health := &http.Client{Timeout: 2 * time.Second}
		deadline := time.Now().Add(60 * time.Second)
		for {
			select {
			case <-p.exited:
				if tail := p.logTail(); strings.Contains(tail, "address already in use") && try < 3 {
					goto retry
				}
				t.Fatalf("the %s portal exited before it answered /healthz: %v\n%s", name, p.err, p.logTail())
			default:
			}
			if res, err := health.Get(p.base + "/healthz"); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return p
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the %s portal did not answer /healthz 200 within 60 s\n%s", name, p.logTail())
			}
			time.Sleep(50 * time.Millisecond)
		}
	retry:
	}
}

// freePort returns a local TCP port nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// durStudent is one student's browser: its own cookie jar, redirects not followed.
type durStudent struct {
	jar  http.CookieJar
	c    *http.Client
	base string
}

func newDurStudent(t *testing.T, tr http.RoundTripper, base string) *durStudent {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &durStudent{jar: jar, base: base}
	s.c = s.clientFor(tr)
	return s
}

// clientFor returns a client with the student's cookies over tr.
func (s *durStudent) clientFor(tr http.RoundTripper) *http.Client {
	return &http.Client{Jar: s.jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// post posts a form and returns the status and the Location header.
func (s *durStudent) post(path string, form url.Values) (int, string, error) {
	res, err := s.c.PostForm(s.base+path, form)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

func (s *durStudent) get(path string) (string, error) {
	res, err := s.c.Get(s.base + path)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", path, res.StatusCode)
	}
	return string(body), err
}

// join joins the demo class as a new student.
func (s *durStudent) join(name, number string) error {
	status, _, err := s.post("/join", url.Values{"code": {seed.DemoJoinCode}, "name": {name}, "number": {number}, "pin": {"2580"}})
	if err == nil && status != http.StatusSeeOther {
		err = fmt.Errorf("POST /join: %d, want 303", status)
	}
	return err
}

var (
	startFormRe = regexp.MustCompile(`action="/quizzes/(\d+)/start"`)
	questionRe  = regexp.MustCompile(`name="q" value="([^"]+)"`)
	optionRe    = regexp.MustCompile(`name="ans-([^"]+)" value="(\d+)"`)
)

// start starts an attempt at an assignment and returns its ID.
func (s *durStudent) start(assignment int64) (int64, error) {
	path := fmt.Sprintf("/quizzes/%d/start", assignment)
	status, loc, err := s.post(path, nil)
	if err != nil {
		return 0, err
	}
	id, perr := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if status != http.StatusSeeOther || perr != nil || loc != views.AttemptURL(id) {
		return 0, fmt.Errorf("POST %s: %d to %q, want 303 to an attempt", path, status, loc)
	}
	return id, nil
}

// practiceAssignmentOf finds, as a probe student, the assignment of the demo class that
// is a practice quiz (its attempt page carries the practice hint); only practice can be
// taken again and again.
func practiceAssignmentOf(t *testing.T, probe *durStudent, srv *portalProcess) int64 {
	t.Helper()
	if err := probe.join("断电测试探针", "8999"); err != nil {
		t.Fatalf("probe joins: %v", err)
	}
	home, err := probe.get("/student")
	if err != nil {
		t.Fatalf("student home: %v", err)
	}
	for _, m := range startFormRe.FindAllStringSubmatch(home, -1) {
		aid, _ := strconv.ParseInt(m[1], 10, 64)
		id, err := probe.start(aid)
		if err != nil {
			t.Fatalf("probe: %v\n%s", err, srv.logTail())
		}
		page, err := probe.get(views.AttemptURL(id))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(page, "practice-hint") {
			return aid
		}
	}
	t.Fatalf("the demo class offers no open practice quiz; student home:\n%s", home)
	return 0
}

// submitOnce starts a practice attempt, reads its questions, answers each with one of
// its options at random and submits it. It returns the attempt's ID once the server
// started one, and a nil error only when the server acknowledged the submission: 303 to
// the attempt's result page.
func (s *durStudent) submitOnce(assignment int64, rng *rand.Rand) (int64, error) {
	att, err := s.start(assignment)
	if err != nil {
		return 0, err
	}
	page, err := s.get(views.AttemptURL(att))
	if err != nil {
		return att, err
	}
	options := map[string][]string{}
	for _, m := range optionRe.FindAllStringSubmatch(page, -1) {
		options[m[1]] = append(options[m[1]], m[2])
	}
	form := url.Values{}
	for _, m := range questionRe.FindAllStringSubmatch(page, -1) {
		q := m[1]
		form.Add("q", q)
		if opts := options[q]; len(opts) > 0 {
			form.Set("ans-"+q, opts[rng.IntN(len(opts))])
		}
	}
	if len(form["q"]) == 0 {
		return att, fmt.Errorf("attempt %d shows no questions", att)
	}
	path := views.AttemptURL(att) + "/submit"
	status, loc, err := s.post(path, form)
	if err == nil && (status != http.StatusSeeOther || loc != views.AttemptURL(att)) {
		err = fmt.Errorf("POST %s: %d to %q, want 303 to %s", path, status, loc, views.AttemptURL(att))
	}
	return att, err
}

// countingTransport counts the requests under way.
type countingTransport struct {
	inner *http.Transport
	n     *atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	defer c.n.Add(-1)
	return c.inner.RoundTrip(r)
}
