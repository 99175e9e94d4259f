//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
	"github.com/jinducity/portal/store/storetest"
)

// TestTwoServersOnePostgres is the proof that portal servers keep nothing of their own:
// two portal processes serve one PostgreSQL database behind what would be a proxy. A
// session made on one is valid on the other; a photo uploaded through one is served by
// the other; 200 volunteers racing for 30 places through both get exactly 30; a quiz
// submitted on one shows in the teacher's results on the other; a join code changed on
// one is refused at once by the other; and when one is killed mid-stream the other goes
// on and no acknowledged submission is lost.
func TestTwoServersOnePostgres(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: runs in the PostgreSQL half of the suite (set " + storetest.ServerEnv + ")")
	}
	if testing.Short() {
		t.Skip("builds the portal and runs two processes; skipped with -short")
	}
	ctx := context.Background()
	dsn := storetest.DSN(t)
	// The demo city is written once, before either server starts.
	if err := run(ctx, []string{"seed", "-scale", "demo", "-db", dsn}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	bin := buildPortal(t, dir)
	keyFile := filepath.Join(dir, "session.key") // the servers' one shared key
	// Behind the proxy every client has its own address (X-Forwarded-For).
	env := []string{"PORTAL_TRUSTED_PROXIES=127.0.0.1"}
	a := startPortalProcess(t, bin, dsn, keyFile, "a", env...)
	b := startPortalProcess(t, bin, dsn, keyFile, "b", env...)
	servers := []*portalProcess{a, b}

	// A session made on A is valid on B.
	teacher := newProxied(t, "10.1.0.1")
	teacher.login(t, a.base, "teacher")
	if status, _ := teacher.get(t, b.base+"/school"); status != http.StatusOK {
		t.Fatalf("the teacher's session from A on B: %d, want 200", status)
	}

	// A photo uploaded through A is served by B.
	u, _, err := st.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	classes, err := st.ListClasses(ctx, u.SchoolID, portal.SchoolYear(time.Now()), false)
	if err != nil || len(classes) == 0 {
		t.Fatalf("classes: %v", err)
	}
	form := url.Values{"type": {"law-class"}, "title": {"两台服务器的法制课"}, "date": {time.Now().In(portal.CST).Format(time.DateOnly)},
		"class": {strconv.FormatInt(classes[0].ID, 10)}, "students": {"40"}, "teachers": {"1"}}
	status := teacher.postPhoto(t, a.base+"/school/activities", form)
	if status != http.StatusSeeOther {
		t.Fatalf("the activity with a photo through A: %d, want 303\n%s", status, a.logTail())
	}
	acts, err := st.ListActivities(ctx, u.SchoolID, portal.SchoolYear(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var photo int64
	for _, x := range acts {
		if x.Title == "两台服务器的法制课" && len(x.Photos()) == 1 {
			photo = x.Photos()[0].ID
		}
	}
	if photo == 0 {
		t.Fatal("the record with the photo is not stored")
	}
	status, body := teacher.get(t, fmt.Sprintf("%s/files/%d", b.base, photo))
	if status != http.StatusOK || !bytes.HasPrefix([]byte(body), []byte{0xFF, 0xD8}) {
		t.Fatalf("the photo uploaded through A, from B: %d, %d bytes", status, len(body))
	}

	// 200 volunteers race for 30 places through both servers.
	assoc, err := st.ListAssociations(ctx)
	if err != nil || len(assoc) == 0 {
		t.Fatalf("associations: %v", err)
	}
	start := time.Now().Add(72 * time.Hour)
	opp := &portal.Opportunity{AssociationID: assoc[0].ID, Title: "两台服务器的抢位", Description: "三十个名额。", Place: "市禁毒教育馆",
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Deadline: start.Add(-24 * time.Hour), Capacity: 30}
	if err := st.CreateOpportunity(ctx, portal.SystemActor, opp, 0); err != nil {
		t.Fatal(err)
	}
	vols := make([]*proxied, 200)
	var logins sync.WaitGroup
	for i := range vols {
		vols[i] = newProxied(t, fmt.Sprintf("10.2.%d.%d", i/250, i%250+1))
		logins.Go(func() { vols[i].login(t, servers[i%2].base, fmt.Sprintf("v%03d", i+1)) })
	}
	logins.Wait()
	var signups sync.WaitGroup
	var answered atomic.Int64
	gate := make(chan struct{})
	for i, v := range vols {
		signups.Go(func() {
			<-gate
			if s := v.post(t, fmt.Sprintf("%s/opportunities/%d/signup", servers[(i+1)%2].base, opp.ID), url.Values{}); s == http.StatusSeeOther {
				answered.Add(1)
			}
		})
	}
	close(gate)
	signups.Wait()
	got, err := st.GetOpportunity(ctx, opp.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.Roster(ctx, opp.ID)
	if err != nil {
		t.Fatal(err)
	}
	confirmed, waiting, seqs := 0, 0, map[int]bool{}
	for _, x := range list {
		switch x.Status {
		case portal.SignupConfirmed:
			confirmed++
		case portal.SignupWaitlisted:
			waiting++
		}
		if seqs[x.Seq] {
			t.Errorf("two sign-ups with the same place in the queue: %d", x.Seq)
		}
		seqs[x.Seq] = true
	}
	if answered.Load() != 200 || confirmed != 30 || waiting != 170 || got.SignedUp != 30 {
		t.Fatalf("200 volunteers through both servers: %d answered 303, %d confirmed (%d counted), %d waiting; want 200, 30, 170",
			answered.Load(), confirmed, got.SignedUp, waiting)
	}

	// A join code changed on A is refused by B at once (the class cache of B is told).
	var cls, demo portal.Class
	for _, c := range classes {
		if c.JoinCode == seed.DemoJoinCode {
			demo = c
		} else {
			cls = c
		}
	}
	if cls.ID == 0 || demo.ID == 0 {
		t.Fatalf("the demo school has no class besides %s, or not that one: %+v", seed.DemoJoinCode, classes)
	}
	admin := newProxied(t, "10.1.0.2")
	oldCode := cls.JoinCode
	if s := teacher.post(t, fmt.Sprintf("%s/school/classes/%d/code", a.base, cls.ID), url.Values{}); s != http.StatusSeeOther {
		t.Fatalf("new join code on A: %d, want 303\n%s", s, a.logTail())
	}
	if s := admin.post(t, b.base+"/join", url.Values{"code": {oldCode}, "name": {"旧码"}, "number": {"7001"}, "pin": {"2580"}}); s == http.StatusSeeOther {
		t.Error("B let a student join with the join code A had just replaced")
	}

	// A quiz submitted on A shows in the teacher's results on B; then the stream, and A
	// is killed in the middle of it.
	tr := &http.Transport{MaxIdleConnsPerHost: 40}
	defer tr.CloseIdleConnections()
	students := make([]*durStudent, 20)
	for i := range students {
		students[i] = newDurStudent(t, tr, servers[i%2].base)
		if err := students[i].join(fmt.Sprintf("双机学生%02d", i), strconv.Itoa(8000+i)); err != nil {
			t.Fatalf("student %d joins: %v", i, err)
		}
	}
	probe := newDurStudent(t, tr, a.base)
	assignment := practiceAssignmentOf(t, probe, a)
	first, err := students[0].submitOnce(assignment, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatalf("a submission on A: %v", err)
	}
	status, body = teacher.get(t, fmt.Sprintf("%s/school/classes/%d/quizzes/%d", b.base, demo.ID, assignment))
	if status != http.StatusOK || !strings.Contains(body, "双机学生00") {
		t.Fatalf("the teacher's results on B after a submission on A (attempt %d): %d, student listed %v",
			first, status, strings.Contains(body, "双机学生00"))
	}

	var mu sync.Mutex
	acked := map[int64]bool{}
	var killed, stop atomic.Bool
	var afterKillOnB atomic.Int64
	var stream sync.WaitGroup
	for i, s := range students {
		stream.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for !stop.Load() {
				id, err := s.submitOnce(assignment, rng)
				onA := s.base == a.base
				if err != nil {
					if onA && killed.Load() {
						return // A is gone: its students stop
					}
					t.Errorf("student %d on %s: %v", i, map[bool]string{true: "A", false: "B"}[onA], err)
					return
				}
				mu.Lock()
				acked[id] = true
				mu.Unlock()
				if !onA && killed.Load() {
					afterKillOnB.Add(1)
				}
			}
		})
	}
	time.Sleep(2 * time.Second)
	killed.Store(true)
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.exited
	deadline := time.Now().Add(30 * time.Second)
	for afterKillOnB.Load() < 20 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	stop.Store(true)
	stream.Wait()
	if afterKillOnB.Load() < 20 {
		t.Errorf("B acknowledged %d submissions after A was killed, want it to go on serving", afterKillOnB.Load())
	}
	ids := make([]int64, 0, len(acked))
	for id := range acked {
		ids = append(ids, id)
	}
	stored, err := st.SubmittedAttempts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for _, id := range ids {
		if !stored[id] {
			lost++
		}
	}
	t.Logf("%d submissions acknowledged by the two servers (%d by B after A was killed); %d lost", len(ids), afterKillOnB.Load(), lost)
	if lost > 0 {
		t.Errorf("%d acknowledged submissions are not stored", lost)
	}
}

// buildPortal builds the portal binary into dir.
func buildPortal(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build the portal binary")
	}
	bin := filepath.Join(dir, "portal")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// browser is one person's browser behind the proxy: a cookie jar and a client address.
type proxied struct {
	c  *http.Client
	ip string
}

func newProxied(t *testing.T, ip string) *proxied {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &proxied{ip: ip, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *proxied) do(t *testing.T, req *http.Request) (int, string) {
	req.Header.Set("X-Forwarded-For", b.ip)
	res, err := b.c.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return 0, ""
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (b *proxied) get(t *testing.T, u string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(t, req)
}

func (b *proxied) post(t *testing.T, u string, form url.Values) int {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s, _ := b.do(t, req)
	return s
}

func (b *proxied) login(t *testing.T, base, username string) {
	if s := b.post(t, base+"/login", url.Values{"username": {username}, "password": {seed.DemoPassword}}); s != http.StatusSeeOther {
		t.Errorf("login as %s on %s: %d, want 303", username, base, s)
	}
}

// postPhoto posts form with one small PNG photo as a multipart form.
func (b *proxied) postPhoto(t *testing.T, u string, form url.Values) int {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.RGBA{200, 0, 0, 255})
	fw, _ := w.CreateFormFile("photos", "photo.png")
	png.Encode(fw, img)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	s, _ := b.do(t, req)
	return s
}
