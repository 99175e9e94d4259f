package main

import (
	"path/filepath"
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
}
