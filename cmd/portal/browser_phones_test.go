package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/storetest"
)

// phonePages are the pages of each role, forms included ("" is a visitor, "student"
// joins the demo class). A path starting with "~" is a regular expression: the page
// visits a link of the page before it whose address matches (a class, a result, an
// opportunity to manage), the n-th of them for the n-th path so that repeated patterns
// visit different rows, or the k-th for "~[k]". A path starting with "!" submits the form
// the CSS selector after it names on the page before (a student starting a quiz) and
// checks the page it leads to; "=name=value" fills a field and "+selector" clicks an
// element (a checkbox) on the way there; ">prefix>selector" visits prefix followed by the
// text of the element the selector finds (the parent's page of a receipt code).
// Each row is one browser, kept short enough for its time limit.
var phonePages = []struct {
	role  string
	paths []string
}{
	{"", []string{"/", "/schools", `~^/schools/\d+$`, "/demonstration-schools", "/lessons", "/lessons/junior-what-drugs-are",
		"/opportunities", `~^/opportunities/\d+$`, "/join", "/join/code", "/login", "/certificates/verify", "/volunteers/register"}},
	{"", []string{"/bases", `~[0]^/bases/\d+$`, `~^/visits/book/\d+`, "/visits/cancel", "/r"}},
	{"student", []string{"/student", `!form[action^="/quizzes/"]`, "/student", "/lessons/junior-addiction"}},
	{"teacher", []string{"/school", "/school/activities/", "/school/activities/new", "/school/activities/", `~^/activities/\d+$`,
		`~^/school/activities/\d+/edit$`, "/school/dashboard", "/school/assessment", "/account", "/account/password"}},
	{"teacher", []string{"/school/classes", "/school/classes/new", "/school/classes", `~^/school/classes/\d+/?$`,
		`~^/school/classes/\d+/edit$`, "/school/notice", "/school/import"}},
	{"teacher", []string{"/school/classes", `~^/school/classes/\d+/?$`, `~^/school/classes/\d+/quizzes$`,
		`~^/school/classes/\d+/quizzes/\d+$`, `~^/school/classes/\d+/quizzes/\d+/students/\d+$`}},
	{"teacher", []string{"/school/quizzes", `~^/school/quizzes/\d+$`, "/school/quizzes/new", "=title=手机上布置的测验", "=band=junior",
		`!form[action="/school/quizzes/new"]`, `+input[name="classes"]`, `!form[action$="/assign"]`, `~^/school/assignments/\d+$`}},
	{"teacher", []string{"/school/bookings/", "/bases", `~^/bases/\d+$`, `~^/school/bookings/new\?slot=\d+$`,
		"/school/creation/", `~^/school/creation/applications/\d+$`, "/volunteer-requests/"}},
	{"teacher", []string{"/school/receipts", `~^/school/receipts/\d+/?$`, `~^/school/receipts/\d+/print$`,
		">/r/>.receipt-slip .code strong"}},
	{"district", []string{"/district", "/district/activities", `~^/activities/schools/\d+`, `~^/activities/\d+$`,
		"/district/quizzes", "/district/creation/", `~^/district/creation/applications/\d+$`, "/district/assessment",
		"/district/dashboard", "/account"}},
	{"admin", []string{"/admin", "/admin/schools", "/admin/schools/new", "/admin/schools", `~^/admin/schools/\d+/edit$`,
		"/admin/schools/import", "/admin/users", "/admin/users/new", "/admin/users", `~^/admin/users/\d+/edit$`,
		"/admin/demonstrations", "/admin/demonstrations/new"}},
	{"admin", []string{"/admin/quizzes", "/admin/dashboard", "/admin/activities", "/admin/audit", "/admin/associations",
		"/admin/districts", "/admin/districts/new", "/admin/districts", `~^/admin/districts/\d+/edit$`}},
	{"admin", []string{"/admin/bases/", "/admin/bases/new", "/admin/bases/", `~^/admin/bases/\d+/edit$`, "/admin/bases/",
		`~^/admin/bases/\d+/report$`, "/admin/bases/coverage", "/admin/receipts", "/admin/letter"}},
	{"admin", []string{"/admin/creation/", `~^/admin/creation/standards/\d+$`, "/admin/creation/",
		`~^/admin/creation/applications/\d+$`, "/admin/creation/renewal", "/admin/assessment", "/admin/assessment/weights"}},
	{"admin", []string{"/city/volunteers/", "/city/volunteers/opportunities", "/city/volunteers/opportunities/new",
		"/city/volunteers/opportunities", `~^/city/volunteers/opportunities/\d+/edit$`}},
	{"coordinator", []string{"/association/", "/association/opportunities/new", "/association/",
		`~^/association/opportunities/\d+/$`, `~^/association/opportunities/\d+/edit$`, "/association/reports", "/account"}},
	{"coordinator", []string{"/association/", `~[2]^/association/opportunities/\d+/$`, "/opportunities"}},
	{"volunteer", []string{"/volunteer", "/opportunities", `~^/opportunities/\d+$`, "/volunteer/hours", "/volunteer/certificate",
		"/volunteer/checkin", "/volunteer/associations", "/volunteer/profile", "/account"}},
	{"base", []string{"/base/", `~^/base/bases/\d+/$`, `~^/base/bases/\d+/day`, "/base/", `~^/base/bases/\d+/$`,
		`~^/base/bases/\d+/report`, "/account"}},
}

// checkinPages has a coordinator publish an opportunity starting in 90 minutes on the
// phone and open its check-in, whose screen with the code is then checked too.
func checkinPages(now time.Time) struct {
	role  string
	paths []string
} {
	now = now.In(portal.CST)
	at := func(name string, d time.Duration) []string {
		t := now.Add(d)
		return []string{"=" + name + "_date=" + t.Format("2006-01-02"), "=" + name + "_time=" + t.Format("15:04")}
	}
	paths := []string{"/association/opportunities/new", "=title=手机测试：禁毒宣传站", "=place=市民广场东门", "=capacity=5",
		`+input[name="skills"][value="publicity"]`}
	paths = append(paths, at("starts_at", 90*time.Minute)...)
	paths = append(paths, at("ends_at", 210*time.Minute)...)
	paths = append(paths, at("deadline", 60*time.Minute)...)
	paths = append(paths, `!main form[method="post"]`, `!form[action$="/checkin"]`)
	return struct {
		role  string
		paths []string
	}{"coordinator", paths}
}

// walkPages signs in as the row's role (a student joins as who, with a number of the
// class no other run uses) and visits its pages one after another, calling check on each
// with a name for its screenshot.
func walkPages(t *testing.T, b *browser, role, who, number string, paths []string, check func(page, name string)) {
	t.Helper()
	switch role {
	case "":
	case "student":
		b.visit("/join")
		b.fill("code", "demo01")
		b.fill("name", who)
		b.fill("number", number)
		b.fill("pin", "2580")
		b.submit(`form[action="/join"]`)
	default:
		b.login(role)
	}
	prev := ""
	for n, p := range paths {
		switch {
		case strings.HasPrefix(p, "="):
			name, value, _ := strings.Cut(strings.TrimPrefix(p, "="), "=")
			if b.eval(fmt.Sprintf(`(() => { const e = document.querySelector('[name="' + %q + '"]'); if (e) e.value = %q; return e ? "1" : "" })()`, name, value)) == "" {
				t.Errorf("after %s: no field %s", prev, name)
			}
			continue
		case strings.HasPrefix(p, "+"):
			if b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (e) e.click(); return e ? "1" : "" })()`, p[1:])) == "" {
				t.Errorf("after %s: nothing to click at %s", prev, p[1:])
			}
			continue
		case strings.HasPrefix(p, ">"):
			prefix, sel, _ := strings.Cut(p[1:], ">")
			text := b.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
			if text == "" {
				t.Errorf("after %s: no %s", prev, sel)
				continue
			}
			p = prefix + strings.TrimSpace(text)
			b.visit(p)
		case strings.HasPrefix(p, "~"):
			pattern := strings.TrimPrefix(p, "~")
			if k, rest, ok := strings.Cut(pattern, "]"); ok && strings.HasPrefix(k, "[") {
				fmt.Sscan(k[1:], &n)
				pattern = rest
			}
			href := b.eval(fmt.Sprintf(`(() => { const re = new RegExp(%q); const as = [...document.querySelectorAll('main a[href]')]
				.map(a => a.getAttribute('href')).filter(h => re.test(h)); return as[%d %% Math.max(as.length, 1)] || '' })()`,
				pattern, n))
			if href == "" {
				t.Errorf("after %s: no link matching %s", prev, pattern)
				continue
			}
			p = href
			b.visit(p)
		case strings.HasPrefix(p, "!"):
			form := strings.TrimPrefix(p, "!")
			if b.eval(fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, form)) == "0" {
				t.Errorf("after %s: no form %s", prev, form)
				continue
			}
			b.submit(form)
			p = b.location()
		default:
			b.visit(p)
		}
		prev = p
		check(p, strings.NewReplacer("/", "_", "?", "_", "#", "_", "=", "_").Replace(strings.Trim(p, "/")))
	}
}

// sidewaysScroll is by how many pixels the page is wider than the window ("" when it is
// not), with the widest offenders outside a scrolling table, to fix.
func sidewaysScroll(b *browser) (string, string) {
	w := b.eval(`String(document.scrollingElement.scrollWidth - window.innerWidth)`)
	if w == "0" || strings.HasPrefix(w, "-") {
		return "", ""
	}
	return w, b.eval(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
		.filter(e => !e.closest('.table-wrap')).slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')`)
}

// layoutOnSQLiteOnly skips a walk of every page in the suite's PostgreSQL half: what it
// checks (widths, field sizes, accessibility) is the pages' layout, the same on both
// engines, and the journeys that write run on both.
func layoutOnSQLiteOnly(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("layout walk: run in the SQLite half only (pages lay out the same on both engines)")
	}
}

// TestBrowserPhonesNoSidewaysScroll visits every page of every role on phones of 390 ×
// 844 and 360 × 740, and in English at 390 (in one Chromium, a browser context per row),
// and fails on any page wider than the screen (the document's scrollWidth over
// innerWidth) or with a date or time field smaller than a thumb. It keeps a screenshot
// of each page at 390 (of a failing page at the other sizes) and runs axe-core at 390 in
// Chinese.
func TestBrowserPhonesNoSidewaysScroll(t *testing.T) {
	findChromium(t)
	layoutOnSQLiteOnly(t)
	base, _, _ := startPortal(t, demoConfig(t), noEnv)
	bs := sharedBrowser(t, base)
	for _, size := range []struct {
		name          string
		width, height int64
		lang          string
		number        string
	}{{"390", 390, 844, "", "151"}, {"360", 360, 740, "", "152"}, {"390-en", 390, 844, "en", "153"}} {
		for i, set := range append(phonePages, checkinPages(time.Now())) {
			t.Run(fmt.Sprintf("%s/%s-%d", size.name, set.role, i), func(t *testing.T) {
				b := bs.open(t, size.width, size.height, true)
				if size.lang != "" {
					b.visit("/lang/" + size.lang)
				}
				walkPages(t, b, set.role, "宽度生"+size.name, size.number, set.paths, func(p, name string) {
					failedBefore := t.Failed()
					if w, why := sidewaysScroll(b); w != "" {
						t.Errorf("%s at %s px scrolls sideways by %s px: %s", p, size.name, w, why)
					}
					// Dates and times are for a thumb: 44 px tall at least, the field's full width.
					if small := b.eval(`[...document.querySelectorAll('main input[type=date], main input[type=time], main input[type=datetime-local]')]
						.filter(e => e.offsetParent !== null).filter(e => { const r = e.getBoundingClientRect();
							return r.height < 44 || r.width < e.parentElement.clientWidth - 2 }).map(e => e.name).join(' ')`); small != "" {
						t.Errorf("%s at %s px: date or time fields too small for a thumb: %s", p, size.name, small)
					}
					// Every page's picture at 390 in Chinese; at the other sizes, of a page that failed.
					if size.name == "390" || t.Failed() && !failedBefore {
						b.shot(size.name + "-" + name)
					}
					if size.name == "390" {
						b.checkA11y(p)
					}
				})
			})
		}
	}
}

// TestBrowserEnglishDesktopTables: in English at 1366 px every role's pages neither
// scroll sideways nor cut a table's columns off (no table wider than its box).
func TestBrowserEnglishDesktopTables(t *testing.T) {
	findChromium(t)
	layoutOnSQLiteOnly(t)
	base, _, _ := startPortal(t, demoConfig(t), noEnv)
	bs := sharedBrowser(t, base)
	for i, set := range append(phonePages, checkinPages(time.Now())) {
		t.Run(fmt.Sprintf("%s-%d", set.role, i), func(t *testing.T) {
			b := bs.open(t, 1366, 900, false)
			b.visit("/lang/en")
			walkPages(t, b, set.role, "桌面生", "154", set.paths, func(p, name string) {
				if w, why := sidewaysScroll(b); w != "" {
					t.Errorf("%s in English at 1366 px scrolls sideways by %s px: %s", p, w, why)
				}
				if cut := b.eval(`[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
					.map(w => (w.querySelector('table') || w).id + ' ' + (w.scrollWidth - w.clientWidth) + 'px').join(', ')`); cut != "" {
					t.Errorf("%s in English at 1366 px: tables cut off: %s", p, cut)
				}
				b.shot("1366-en-" + name)
			})
		})
	}
}

// TestBrowserClassFilter: a school's long class list gets a filter box on a phone that
// leaves the classes whose name holds what is typed, and the grades they are in.
func TestBrowserClassFilter(t *testing.T) {
	findChromium(t)
	cfg := demoConfig(t)
	base, _, _ := startPortal(t, cfg, noEnv)
	st, err := store.Open(context.Background(), cfg.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tu, _, err := st.UserCredentials(context.Background(), "teacher")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		c := &portal.Class{SchoolID: tu.SchoolID, SchoolYear: portal.SchoolYear(time.Now()), Grade: 8, Name: fmt.Sprintf("初二（%d）班", 11+i)}
		if err := st.CreateClass(context.Background(), portal.SystemActor, c); err != nil {
			t.Fatal(err)
		}
	}
	b := browserOn(t, base, 360, 740, true)
	b.login("teacher")
	b.visit("/school/activities/new")
	if b.eval(`String(document.querySelectorAll('fieldset.pick-list > input.pick-filter').length)`) != "1" {
		t.Fatal("the long class list has no filter box")
	}
	b.do(chromedp.SendKeys(chromedp.CSS(`input.pick-filter`), "（1"))
	shown := b.eval(`[...document.querySelectorAll('.pick-list label.check')].filter(l => l.offsetParent !== null && !l.querySelector('[name=grade],[name=whole_school]'))
		.map(l => l.textContent.trim()).join(' ')`)
	for _, want := range []string{"初一（1）班", "初二（1）班", "初二（11）班", "初二（16）班"} {
		if !strings.Contains(shown, want) {
			t.Errorf("filtered by （1: %q missing from %q", want, shown)
		}
	}
	if strings.Contains(shown, "初一（2）班") {
		t.Errorf("filtered by （1: still shows 初一（2）班: %q", shown)
	}
	if w, why := sidewaysScroll(b); w != "" {
		t.Errorf("the filtered list scrolls sideways by %s px: %s", w, why)
	}
	b.checkA11y("class filter")
	b.shot("class-filter")
}
