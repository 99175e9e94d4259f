package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// logout ends the browser's session through the menu's form.
func (b *browser) logout() {
	b.t.Helper()
	b.exec(`document.querySelector('form[action="/logout"]').submit()`)
	b.do(chromedp.Sleep(300*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main")))
}

// exec runs a script on the page.
func (b *browser) exec(js string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js)); err != nil {
		b.t.Fatalf("run %s: %v", js, err)
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// noSidewaysScroll fails when the page is wider than the phone's screen.
func (b *browser) noSidewaysScroll(page string) {
	b.t.Helper()
	if w := b.eval(`String(document.documentElement.scrollWidth - window.innerWidth)`); w != "0" && !strings.HasPrefix(w, "-") {
		b.t.Errorf("%s scrolls sideways by %s px", page, w)
	}
}

// TestBrowserCreationCycle runs the cycle on a phone: the demo teacher completes and
// submits the draft with a document, the district recommends, the city scores and
// designates, the school is on the public list and in the API; then the city revokes a
// designation due for review and it leaves the list.
func TestBrowserCreationCycle(t *testing.T) {
	b := newBrowser(t, 390, 844, true)
	pdf := filepath.Join(t.TempDir(), "工作计划.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	b.login("teacher")
	b.visit("/school/creation")
	b.checkA11y("school creation")
	b.noSidewaysScroll("school creation")
	b.click("table.applications tr.app-draft a")
	app := b.location()
	if !strings.HasPrefix(app, "/school/creation/applications/") {
		t.Fatalf("draft link opened %s", app)
	}
	id := app[strings.LastIndex(app, "/")+1:]
	b.checkA11y("application draft")
	b.noSidewaysScroll("application draft")
	b.shot("draft")
	forms := strings.Fields(b.eval(`[...document.querySelectorAll('form.upload')].map(f => f.id).join(' ')`))
	if len(forms) == 0 {
		t.Fatal("no document to upload")
	}
	for _, f := range forms {
		b.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][form="`+f+`"]`), []string{pdf}))
		b.click(`button[form="` + f + `"]`)
	}
	b.exec(`document.querySelectorAll('#indicators input[name^="score_"]').forEach(i => i.value = i.max)`)
	b.click(`#indicators button[value="submit"]`)
	if b.eval(`document.querySelector('.frozen') ? 'yes' : 'no'`) != "yes" {
		t.Fatalf("not submitted: %s", b.text("main"))
	}
	b.shot("submitted")
	b.logout()

	b.login("district")
	b.visit("/district/creation/applications/" + id)
	b.checkA11y("district review")
	b.do(chromedp.SendKeys(chromedp.CSS(`#review textarea[name="comment"]`), "材料齐全，同意推荐。"))
	b.click(`#review button[value="recommend"]`)
	if loc := b.location(); loc != "/district/creation" {
		t.Fatalf("after recommending: at %s (%s)", loc, b.text("main"))
	}
	b.logout()

	b.login("admin")
	b.visit("/admin/creation/applications/" + id)
	b.checkA11y("city scoring")
	b.noSidewaysScroll("city scoring")
	b.exec(`document.querySelectorAll('#indicators input[name^="city_"]').forEach(i => i.value = i.max)`)
	b.click(`#indicators button[type="submit"]`)
	if b.eval(`document.querySelector('#city-total.below') ? 'below' : 'ok'`) != "ok" {
		t.Fatalf("full marks are below the pass mark: %s", b.text("#city-total"))
	}
	b.shot("scored")
	b.click(`#designate button[type="submit"]`)
	if status := b.text(".badge.app-designated"); status == "" {
		t.Fatalf("not designated: %s", b.text("main"))
	}
	school := strings.TrimSpace(strings.Split(b.text("h1"), "·")[0])
	b.visit("/demonstration-schools")
	if !strings.Contains(b.text("main"), school) {
		t.Errorf("%s is not on the public list", school)
	}
	b.do(chromedp.Navigate(b.base + "/api/v1/demonstration-schools"))
	if body := b.eval(`document.body.innerText`); !strings.Contains(body, school) {
		t.Errorf("%s is not in the API", school)
	}

	for _, p := range []string{"/admin/creation", "/admin/assessment", "/admin/assessment/weights"} {
		b.visit(p)
		b.checkA11y(p)
		b.noSidewaysScroll(p)
	}
	b.visit("/admin/creation")
	b.click("#standards li.standard a")
	b.checkA11y("standard form")
	b.noSidewaysScroll("standard form")
	b.visit("/admin/creation/renewal")
	b.checkA11y("renewal")
	b.shot("renewal")
	t.Logf("renewal: %s designations due, %s below the pass mark",
		b.eval(`String(document.querySelectorAll('li.designation.due').length)`), b.eval(`String(document.querySelectorAll('li.designation.below').length)`))
	due := b.eval(`document.querySelector('li.designation.due').dataset.school`)
	name := b.eval(`document.querySelector('li.designation.due .school').textContent.trim()`)
	row := `li.designation[data-school="` + due + `"]`
	b.do(chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "复核不合格"))
	b.click(row + ` button.danger`)
	b.visit("/demonstration-schools")
	if strings.Contains(b.text("main"), name) {
		t.Errorf("%s is still on the public list after the revocation", name)
	}
}
