package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// browserOn starts a headless browser of its own (its own cookies) against a running portal.
func browserOn(t *testing.T, base string, width, height int64, mobile bool) *browser {
	t.Helper()
	ctx, cancelTime := context.WithTimeout(startChromium(t), 120*time.Second)
	t.Cleanup(cancelTime)
	return setUpBrowser(t, ctx, base, width, height, mobile)
}

// startChromium starts a headless Chromium for t, with the flags every test's browser
// has, and returns the context of its first tab; it is closed when t ends.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "zh-CN"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	return ctx
}

// setUpBrowser sets a tab's viewport and where its screenshots go.
func setUpBrowser(t *testing.T, ctx context.Context, base string, width, height int64, mobile bool) *browser {
	t.Helper()
	var vp []chromedp.EmulateViewportOption
	if mobile {
		vp = append(vp, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	b := &browser{t: t, ctx: ctx, base: base, dir: dir}
	b.do(chromedp.EmulateViewport(width, height, vp...))
	return b
}

// browsers is one Chromium shared by the subtests of a walk: each subtest's tab opens in
// a browser context of its own (its own cookies and storage, as a browser of its own
// would have), which costs a tab instead of starting a browser.
type browsers struct {
	ctx  context.Context
	base string
}

func sharedBrowser(t *testing.T, base string) *browsers {
	t.Helper()
	ctx := startChromium(t)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	return &browsers{ctx: ctx, base: base}
}

// open returns a fresh tab, in a browser context of its own, for t.
func (bs *browsers) open(t *testing.T, width, height int64, mobile bool) *browser {
	t.Helper()
	ctx, cancelTab := chromedp.NewContext(bs.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTime := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab() })
	return setUpBrowser(t, ctx, bs.base, width, height, mobile)
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
}

func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(sel)+`).getAttribute(`+strconv.Quote(name)+`)`))
	if err != nil {
		b.t.Fatalf("%s[%s]: %v", sel, name, err)
	}
	return v
}

// TestBrowserVolunteerServiceToCertificate runs an event without paper: the coordinator
// publishes an opportunity, a volunteer signs up on a phone, the coordinator opens
// check-in, the volunteer checks in and out with the code, the coordinator confirms the
// hours and the volunteer's certificate shows them.
func TestBrowserVolunteerServiceToCertificate(t *testing.T) {
	findChromium(t)
	cfg := demoConfig(t)
	base, _, _ := startPortal(t, cfg, noEnv)
	coord := browserOn(t, base, 1280, 900, false)
	vol := browserOn(t, base, 375, 740, true)

	vol.login("volunteer")
	vol.visit("/volunteer/hours")
	before, _ := strconv.ParseFloat(vol.attr("#total-hours", "data-hours"), 64)

	coord.login("coordinator")
	coord.visit("/association/opportunities/new")
	coord.checkA11y("new opportunity")
	now := time.Now().In(portal.CST).Truncate(time.Minute)
	local := func(t time.Time) string { return t.Format("2006-01-02T15:04") }
	coord.fill("title", "浏览器测试：禁毒宣传站")
	coord.fill("place", "市民广场东门")
	for name, v := range map[string]string{"starts_at": local(now.Add(90 * time.Minute)),
		"ends_at": local(now.Add(210 * time.Minute)), "deadline": local(now.Add(60 * time.Minute))} {
		date, hm, _ := strings.Cut(v, "T")
		coord.do(chromedp.SetValue(chromedp.CSS(`[name="`+name+`_date"]`), date),
			chromedp.SetValue(chromedp.CSS(`[name="`+name+`_time"]`), hm))
	}
	coord.fill("capacity", "5")
	coord.do(chromedp.Click(chromedp.CSS(`input[name="skills"][value="publicity"]`)))
	coord.submit(`main form[method="post"]`)
	manage := coord.location()
	if !strings.HasPrefix(manage, "/association/opportunities/") {
		t.Fatalf("after publishing: at %s", manage)
	}
	id := strings.Split(manage, "/")[3]

	// The volunteer signs up on their phone.
	vol.visit("/opportunities/" + id)
	vol.checkA11y("opportunity")
	vol.shot("opportunity")
	vol.click(`form[action$="/signup"]`)
	if s := vol.text("#my-status"); !strings.Contains(s, "已报名") {
		t.Fatalf("after signing up: %q", s)
	}
	vol.shot("signed-up")
	vol.visit("/volunteer")
	vol.checkA11y("volunteer home")
	vol.shot("volunteer-home")

	// The coordinator opens check-in and shows the code on a screen.
	coord.visit(manage)
	coord.click("#open-checkin")
	code := coord.text("#checkin-code")
	if len(code) != store.CheckinCodeLength {
		t.Fatalf("check-in code = %q", code)
	}
	w, err := chromedp.Run(coord.ctx, chromedp.Evaluate[int](`document.querySelector(".checkin-qr").naturalWidth`))
	if err != nil || w == 0 {
		t.Errorf("QR code image width = %d, %v", w, err)
	}
	coord.checkA11y("check-in screen")
	coord.shot("checkin-screen")

	// The volunteer types the code on their phone.
	vol.visit("/volunteer/checkin")
	vol.checkA11y("check-in")
	vol.fill("code", strings.ToLower(code))
	vol.click(`button[value="in"]`)
	if n := vol.text(".notice"); !strings.Contains(n, "签到成功") {
		t.Errorf("after checking in: %q", n)
	}
	vol.shot("checked-in")

	// The event takes place: move it and the check-in into the past, as the clock would.
	st, err := store.Open(context.Background(), cfg.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sqldb := st.SQL()
	start := time.Now().Add(-3 * time.Hour).UTC()
	if _, err := sqldb.Exec(`UPDATE opportunities SET starts_at = ?, ends_at = ?, deadline = ? WHERE id = ?`,
		start, start.Add(2*time.Hour), start.Add(-time.Hour), id); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec(`UPDATE signups SET checkin_at = ?, checkout_at = ? WHERE opportunity_id = ?`,
		start.Add(-10*time.Minute), start.Add(2*time.Hour+5*time.Minute), id); err != nil {
		t.Fatal(err)
	}

	// The coordinator confirms the proposed hours.
	coord.visit(manage)
	coord.checkA11y("manage opportunity")
	coord.click("#confirm-hours")
	if coord.text("#hours-confirmed") == "" {
		t.Fatal("hours not confirmed")
	}
	coord.shot("hours-confirmed")

	// The certificate shows them.
	vol.visit("/volunteer/certificate")
	got, _ := strconv.ParseFloat(vol.text("#cert-hours"), 64)
	if got != before+2 {
		t.Errorf("certificate hours = %g, want %g", got, before+2)
	}
	certCode := vol.text("#cert-code")
	vol.checkA11y("certificate")
	vol.shot("certificate")
	vol.visit("/certificates/verify?code=" + certCode)
	if h := vol.text("#v-hours"); h != strconv.FormatFloat(got, 'f', -1, 64) {
		t.Errorf("verified hours = %q", h)
	}
	vol.checkA11y("verify certificate")
	vol.shot("verified")
}
