package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserTeacherLogsActivityOnPhone: on a phone-sized screen the teacher opens the
// matrix, taps a class's missing activity, attaches a photo, saves, and sees the cell done.
func TestBrowserTeacherLogsActivityOnPhone(t *testing.T) {
	b := newBrowser(t, 375, 740, true)
	photo := filepath.Join(t.TempDir(), "班会.png")
	img := image.NewNRGBA(image.Rect(0, 0, 320, 240))
	for x := range 320 {
		for y := range 240 {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	b.login("teacher")
	b.visit("/school/activities")
	b.checkA11y("activity matrix")
	b.shot("matrix-before")
	href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`(document.querySelector('td.cell.todo[data-class] a') || {}).getAttribute?.call(document.querySelector('td.cell.todo[data-class] a'), 'href') || ''`))
	if err != nil || href == "" {
		t.Fatalf("no missing cell to tap: %q, %v", href, err)
	}
	u, _ := url.Parse(href)
	typ, class := u.Query().Get("type"), u.Query().Get("class")
	cell := `tr[data-type="` + typ + `"] td[data-class="` + class + `"]`

	start := time.Now()
	b.do(chromedp.Click(chromedp.CSS(cell+" a")), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main form")))
	if !strings.HasPrefix(b.location(), "/school/activities/new") {
		t.Fatalf("tapping the cell opened %s", b.location())
	}
	b.checkA11y("activity form")
	b.shot("form")
	// The type, the class and today's date are filled in; the teacher adds the numbers and a photo.
	b.fill("students", "46")
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`input[name="photos"]`), []string{photo}))
	b.submit(`main form[method="post"]`)
	if time.Since(start) > time.Minute {
		t.Errorf("logging took %v", time.Since(start))
	}
	if loc := b.location(); !strings.HasPrefix(loc, "/school/activities") || strings.Contains(loc, "/new") {
		t.Fatalf("after saving: at %s (%s)", loc, b.text("main"))
	}
	state, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('`+cell+`').dataset.state`))
	if err != nil || state != "done" {
		t.Fatalf("cell %s after logging = %q, %v; want done", cell, state, err)
	}
	b.checkA11y("activity matrix after logging")
	b.shot("matrix-after")

	// The record shows the photo's thumbnail, served to the teacher.
	b.do(chromedp.Click(chromedp.CSS(cell+" a")), chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS(".act-photos img")))
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`new Promise(r => { const i = document.querySelector(".act-photos img");
		if (i.complete) r(i.naturalWidth); else i.onload = () => r(i.naturalWidth); })`, chromedp.EvalAwaitPromise))
	if err != nil || w == 0 {
		t.Errorf("thumbnail width = %d, %v", w, err)
	}
	b.checkA11y("activity record")
	b.shot("record")
}

func TestBrowserReviewerTables(t *testing.T) {
	b := newBrowser(t, 1280, 900, false)
	b.login("admin")
	b.visit("/admin/activities")
	b.checkA11y("city table")
	b.shot("admin-activities")
	b.visit("/schools/1")
	b.checkA11y("school public page with showcase")
	b.shot("school-public")
}
