package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jinducity/portal"
)

// TestBrowserParentConfirmsReceiptOnPhone: on a phone-sized screen the teacher finds the
// demo class's receipts and prints the slips; a parent opens a slip's link, picks the
// relation and confirms; the class's rate moves, and a second visit shows it received.
func TestBrowserParentConfirmsReceiptOnPhone(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.login("teacher")
	b.visit("/school/classes")
	links, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		`[...new Set([...document.querySelectorAll('a[href^="/school/classes/"]')].map(a => a.getAttribute("href").split("/")[3]).filter(x => /^[0-9]+$/.test(x)))]`))
	if err != nil || len(links) == 0 {
		t.Fatalf("class links = %v, %v", links, err)
	}
	page := ""
	for _, id := range links {
		p := "/school/receipts/" + id + "/"
		b.visit(p)
		if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#receipt-rate").length`)); n == 1 {
			page = p
			break
		}
	}
	if page == "" {
		t.Fatal("no class of the demo school has its receipts open")
	}
	before := b.text("#receipt-rate")
	b.visit(page + "print")
	codes, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".receipt-slip .code strong")].map(e => e.textContent)`))
	if err != nil || len(codes) == 0 {
		t.Fatalf("codes on the slips = %v, %v", codes, err)
	}
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector(".receipt-slip img").naturalWidth`))
	if err != nil || w == 0 {
		t.Errorf("QR code image width = %d, %v", w, err)
	}
	b.visit(page)
	var code string
	for _, c := range codes {
		b.do(chromedp.Navigate(b.base+"/r/"+c), chromedp.WaitVisible(chromedp.CSS("main")))
		if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="relation"]').length`)); n == 3 {
			code = c
			break
		}
	}
	if code == "" {
		t.Fatal("every receipt already confirmed")
	}
	b.checkA11y("parent's letter")
	b.shot("parent-letter")
	b.do(chromedp.Click(chromedp.CSS(`input[name="relation"][value="mother"]`)))
	b.fill("message", "已和孩子一起读过")
	b.submit(`main form[method="post"]`)
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".receipt-done").length`)); n != 1 {
		t.Errorf("after confirming: no received notice at %s", b.location())
	}
	noScroll, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if !noScroll {
		t.Error("the parent's page scrolls sideways on a phone")
	}
	b.shot("parent-confirmed")
	b.visit(page)
	if after := b.text("#receipt-rate"); after == before {
		t.Errorf("class rate %q did not move", after)
	}
}

// TestBrowserVisitorBooksAndCancels: a resident books a place of a public slot of the
// exhibition hall on a phone, gets a code, and cancels with it.
func TestBrowserVisitorBooksAndCancels(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	b.visit("/bases?kind=exhibition_hall")
	b.do(chromedp.Click(chromedp.CSS(`li.base h2 a`)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
	b.checkA11y("hall page")
	b.do(chromedp.Click(chromedp.CSS(`a[href^="/visits/book/"]`)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
	b.fill("name", "周小红")
	b.fill("mobile", "13900002222")
	b.fill("people", "3")
	b.submit(`main form[method="post"]`)
	code := b.text("#visit-code")
	if len(code) != 8 {
		t.Fatalf("booking code = %q at %s", code, b.location())
	}
	b.checkA11y("visit booked")
	b.shot("visit-booked")
	b.visit("/visits/cancel")
	b.fill("code", strings.ToLower(code))
	b.submit(`main form[method="post"]`)
	if loc := b.location(); loc != "/bases" {
		t.Errorf("after cancelling: at %s, want /bases", loc)
	}
}

// TestBrowserGroupVisit: the hall's manager publishes a term of slots and a slot later
// today; the teacher books it for two classes and prints the slip; the manager checks
// the group in by the slip's code; the school's matrix shows the base visit of both.
func TestBrowserGroupVisit(t *testing.T) {
	now := time.Now().In(portal.CST)
	start := now.Add(3 * time.Minute).Truncate(time.Minute)
	end := start.Add(10 * time.Minute) // a slot may not run past midnight
	if end.Day() != now.Day() {
		t.Skip("too close to midnight (CST) for a slot later today")
	}
	b := newBrowser(t, 1280, 900, false)
	b.login("base")
	b.do(chromedp.Click(chromedp.CSS(`li.base h2 a`)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
	manage := b.location()
	// A term of Monday and Thursday mornings next spring.
	spring := time.Date(now.Year()+1, time.March, 1, 0, 0, 0, 0, portal.CST)
	setDate := func(form, name string, v string) {
		b.do(chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v))
	}
	setDate("#pattern", "from", spring.Format(time.DateOnly))
	setDate("#pattern", "to", spring.AddDate(0, 4, -1).Format(time.DateOnly))
	b.do(chromedp.Click(chromedp.CSS(`#pattern input[name="wd1"]`)), chromedp.Click(chromedp.CSS(`#pattern input[name="wd4"]`)))
	setDate("#pattern", "start", "09:00")
	setDate("#pattern", "end", "10:30")
	setDate("#pattern", "capacity", "100")
	b.submit(`#pattern form`)
	if b.location() != manage {
		t.Fatalf("after the pattern: at %s", b.location())
	}
	setDate("#one-slot", "date", start.Format(time.DateOnly))
	setDate("#one-slot", "start", start.Format("15:04"))
	setDate("#one-slot", "end", end.Format("15:04"))
	setDate("#one-slot", "capacity", "80")
	b.submit(`#one-slot form`)
	slotID, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("tr.slot").dataset.slot`))
	if err != nil || slotID == "" {
		t.Fatalf("first slot = %q, %v", slotID, err)
	}
	n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("tr.slot").length`))
	if n < 30 {
		t.Errorf("%d coming slots after publishing a term, want at least 30", n)
	}

	teacher := browserOn(t, b.base, 375, 740, true)
	teacher.login("teacher")
	teacher.visit("/school/bookings/new?slot=" + slotID)
	classes, err := chromedp.Run(teacher.ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('input[name="class"]')].filter(i => /\d/.test(i.parentElement.textContent.split("(")[1] || "")).slice(0, 2).map(i => i.value)`))
	if err != nil || len(classes) != 2 {
		t.Fatalf("classes with students = %v, %v", classes, err)
	}
	for _, c := range classes {
		teacher.do(chromedp.Click(chromedp.CSS(`input[name="class"][value="` + c + `"]`)))
	}
	teacher.fill("students", "30")
	teacher.fill("teachers", "2")
	teacher.submit(`main form[method="post"]`)
	if !strings.HasSuffix(teacher.location(), "/slip") {
		t.Fatalf("after booking: at %s", teacher.location())
	}
	code := teacher.text(".slip .code strong")
	w, _ := chromedp.Run(teacher.ctx, chromedp.Evaluate[int](`document.querySelector(".slip img").naturalWidth`))
	if len(code) != 8 || w == 0 {
		t.Fatalf("slip: code %q, QR width %d", code, w)
	}
	teacher.checkA11y("booking slip")
	teacher.shot("slip")

	b.visit(strings.TrimSuffix(manage, "/") + "/day?date=" + start.Format(time.DateOnly))
	b.fill("code", code)
	b.fill("arrived", "28")
	b.submit(`#checkin form`)
	if got := b.text(`tr.booking-attended td:last-child`); !strings.Contains(got, "28") {
		t.Errorf("day list after check-in: %q", got)
	}
	b.shot("day-list")

	teacher.visit("/school/activities/")
	for _, c := range classes {
		n, _ := chromedp.Run(teacher.ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-type="base-visit"] td[data-class="`+c+`"][data-state="done"]').length`))
		if n != 1 {
			t.Errorf("matrix: class %s has no base visit", c)
		}
	}
}
