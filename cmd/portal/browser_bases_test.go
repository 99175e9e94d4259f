package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
