package main

import (
	"path/filepath"

	"github.com/chromedp/chromedp"
	"strings"
	"testing"
)

// A student joins DEMO01 on their phone with a PIN; a classmate who types the same name
// and number on another phone is refused without the PIN and with a wrong one; the
// student gets in on a second device with their PIN.
func TestBrowserClassmateNeedsPIN(t *testing.T) {
	findChromium(t)
	base, _, _ := startPortal(t, serveConfig{db: filepath.Join(t.TempDir(), "portal.db"), demo: true}, noEnv)
	join := func(b *browser, pin string) {
		b.visit("/join")
		b.fill("code", "DEMO01")
		b.fill("name", "周小安")
		b.fill("number", "17")
		if pin != "" {
			b.fill("pin", pin)
		}
		b.submit(`form[action="/join"]`)
	}
	own := browserOn(t, base, 375, 740, true)
	join(own, "2580")
	if loc := own.location(); loc != "/student" {
		t.Fatalf("the student after joining: at %s, want /student", loc)
	}

	mate := browserOn(t, base, 375, 740, true)
	join(mate, "")
	if loc := mate.location(); loc != "/join" || mate.text("#err-pin") == "" {
		t.Errorf("classmate without a PIN: at %s, message next to the PIN %q", loc, mate.text("#err-pin"))
	}
	join(mate, "1357")
	if msg := mate.text("#err-pin"); !strings.Contains(msg, "对不上") {
		t.Errorf("classmate with a wrong PIN: message next to the PIN %q", msg)
	}
	mate.checkA11y("join refused")
	mate.shot("join-refused")
	mate.visit("/student")
	if loc := mate.location(); strings.HasPrefix(loc, "/student") {
		t.Errorf("the classmate reached %s", loc)
	}

	second := browserOn(t, base, 1280, 800, false)
	join(second, "2580")
	if loc := second.location(); loc != "/student" {
		t.Fatalf("the student on a second device: at %s, want /student", loc)
	}
	if h := second.text("h1"); !strings.Contains(h, "周小安") {
		t.Errorf("second device heading = %q", h)
	}

	// The teacher sees the PIN set and prints the student's personal slip; its code signs
	// the student in on a third device without the PIN.
	teacher := browserOn(t, base, 375, 740, true)
	teacher.login("teacher")
	teacher.visit("/school/classes")
	href, err := chromedp.Run(teacher.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === "初一（1）班").getAttribute("href")`))
	if err != nil {
		t.Fatalf("the demo class is not listed: %v", err)
	}
	teacher.visit(href)
	if pin := teacher.text(`#students tr[data-student-id] .student-pin`); !strings.Contains(pin, "已设定") {
		t.Errorf("class page PIN column = %q, want set", pin)
	}
	teacher.checkA11y("class page with PINs")
	teacher.shot("class-pins")
	teacher.submit(`#students tr[data-student-id] form[action$="/slips"]`)
	code := teacher.text(".student-slip .personal-code")
	if len(code) != 19 {
		t.Fatalf("personal code on the slip = %q", code)
	}
	teacher.checkA11y("personal slips")
	teacher.shot("personal-slips")

	third := browserOn(t, base, 375, 740, true)
	third.visit("/join/code?c=" + code)
	third.checkA11y("personal code form")
	third.submit(`form[action="/join/code"]`)
	if loc := third.location(); loc != "/student" {
		t.Fatalf("signed in with the slip's code: at %s, want /student", loc)
	}
	if h := third.text("h1"); !strings.Contains(h, "周小安") {
		t.Errorf("third device heading = %q", h)
	}
}
