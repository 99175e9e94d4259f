package main

import (
	"context"
	"github.com/jinducity/portal/store/storetest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab against a demo portal.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // screenshots
}

// findChromium returns the browser's path, or skips the test where there is none unless
// PORTAL_E2E=1 asks for browser tests to be required.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PORTAL_E2E") == "1" {
		t.Fatal("PORTAL_E2E=1 but no Chromium found: apt-get install chromium fonts-noto-cjk")
	}
	t.Skip("no Chromium found; browser tests skipped (install chromium and fonts-noto-cjk, or set PORTAL_E2E=1 to require them)")
	return ""
}

// newBrowser starts a demo portal on a fresh database and a headless browser with the
// given viewport.
func newBrowser(t *testing.T, width, height int64, mobile bool) *browser {
	t.Helper()
	findChromium(t) // skip before starting a portal for nothing
	base, _, _ := startPortal(t, demoConfig(t), noEnv)
	return browserOn(t, base, width, height, mobile)
}

// demoConfig serves the demo city from a fresh database of the suite's engine.
func demoConfig(t *testing.T) serveConfig {
	return serveConfig{db: storetest.DSN(t), demo: true, keyFile: filepath.Join(t.TempDir(), "session.key")}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(s, b.base)
}

// shot saves a full-page screenshot as NAME.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.dir, strings.ReplaceAll(b.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// axeViolation is what axe-core reports of one broken rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkA11y runs axe-core (testdata/axe.min.js, axe-core 4.14.1 from npm) on the current
// page and fails on any serious or critical violation.
func (b *browser) checkA11y(page string) {
	b.t.Helper()
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](string(src))); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("%s: accessibility %s (%s): %s, at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

func (b *browser) visit(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

// fill types into a form field by name.
func (b *browser) fill(name, value string) {
	b.t.Helper()
	sel := chromedp.CSS(`[name="` + name + `"]`)
	b.do(chromedp.Clear(sel), chromedp.SendKeys(sel, value))
}

// submit clicks a form's submit button and waits for the next page.
func (b *browser) submit(form string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)), chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(chromedp.CSS("main")))
}

func TestBrowserStudentJoinsOnPhone(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/join")
	b.checkA11y("join")
	b.shot("join-empty")
	b.fill("code", "demo01")
	b.fill("name", "李小明")
	b.fill("number", "23")
	b.fill("pin", "2580")
	b.submit(`form[action="/join"]`)
	if loc := b.location(); loc != "/student" {
		t.Fatalf("after joining: at %s, want /student", loc)
	}
	if h := b.text("h1"); !strings.Contains(h, "李小明") {
		t.Errorf("student home heading = %q", h)
	}
	b.checkA11y("student home")
	b.shot("student-home")
}

func TestBrowserWrongJoinCodeKeepsInput(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/join")
	b.fill("code", "NOPE99")
	b.fill("name", "王芳")
	b.fill("number", "5")
	b.fill("pin", "2580")
	b.submit(`form[action="/join"]`)
	if msg := b.text("#err-code"); !strings.Contains(msg, "没有找到这个班级码") {
		t.Errorf("error next to the code = %q", msg)
	}
	name, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`[name="name"]`)))
	if err != nil || name != "王芳" {
		t.Errorf("name kept = %q, %v", name, err)
	}
	b.checkA11y("join with errors")
	b.shot("join-wrong-code")
}

func TestBrowserSwitchToEnglish(t *testing.T) {
	b := newBrowser(t, 1280, 900, false)
	b.visit("/")
	if lang, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "zh-CN" {
		t.Errorf("default language = %q, want zh-CN", lang)
	}
	b.do(chromedp.Click(chromedp.CSS(`.nav-wide a[hreflang="en"]`)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
	if lang, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "en" {
		t.Fatalf("after switching: lang = %q, want en", lang)
	}
	// The choice is remembered on the next page.
	b.visit("/login")
	if h := b.text("h1"); h != "Log in" {
		t.Errorf("login heading in English = %q", h)
	}
	b.checkA11y("login in English")
	b.shot("login-en")
}

// login fills the login form.
func (b *browser) login(username string) {
	b.t.Helper()
	b.visit("/login")
	b.fill("username", username)
	b.fill("password", "demo12345")
	b.submit(`form[action="/login"]`)
}

func TestBrowserTeacherCreatesClassAndPrintsSlips(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 375, 740, true}, {"desktop", 1280, 900, false}} {
		t.Run(size.name, func(t *testing.T) {
			b := newBrowser(t, size.width, size.height, size.mobile)
			b.login("teacher")
			if loc := b.location(); loc != "/school" {
				t.Fatalf("teacher landed on %s, want /school", loc)
			}
			b.checkA11y("school overview")
			b.shot("school")
			b.visit("/school/classes/new")
			b.do(chromedp.SetValue(chromedp.CSS(`select[name="grade"]`), "8"))
			b.fill("name", "初二（9）班")
			b.submit(`main form[method="post"]`)
			if !strings.HasPrefix(b.location(), "/school/classes/") {
				t.Fatalf("after creating a class: at %s", b.location())
			}
			code := b.text(".code-large")
			if len(code) != 6 {
				t.Errorf("join code on the class page = %q, want 6 characters", code)
			}
			b.checkA11y("class page")
			b.shot("class")
			b.do(chromedp.Click(chromedp.CSS(`a[href$="/slip"]`)), chromedp.Sleep(300*time.Millisecond),
				chromedp.WaitVisible(chromedp.CSS(".slip")))
			slips, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".slip").length`))
			if err != nil || slips < 2 {
				t.Errorf("slips on the sheet = %d, %v", slips, err)
			}
			if txt := b.text(".slip"); !strings.Contains(txt, code) {
				t.Errorf("slip %q lacks the code %s", txt, code)
			}
			// The QR code image loaded.
			w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector(".slip img").naturalWidth`))
			if err != nil || w == 0 {
				t.Errorf("QR code image width = %d, %v", w, err)
			}
			b.checkA11y("join slips")
			b.shot("slips")
		})
	}
}

func TestBrowserAdminAndPublicPages(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	for _, p := range []string{"/", "/schools", "/demonstration-schools"} {
		b.visit(p)
		b.checkA11y(p)
		b.shot(strings.Trim(strings.ReplaceAll(p, "/", "_"), "_") + "public")
	}
	b.login("admin")
	for _, p := range []string{"/admin", "/admin/schools", "/admin/users/new", "/admin/demonstrations", "/admin/audit"} {
		b.visit(p)
		b.checkA11y(p)
		b.shot(strings.ReplaceAll(strings.Trim(p, "/"), "/", "_"))
	}
}
