package main

import (
	"fmt"
	"strings"
	"testing"
)

// phonePages are the main pages of each role ("" is a visitor, "student" joins the demo
// class). A path starting with "~" is a regular expression: the page visits a link of
// the page before it whose address matches (a class, a result, an opportunity to manage),
// the n-th of them for the n-th path so that repeated patterns visit different rows.
var phonePages = []struct {
	role  string
	paths []string
}{
	{"", []string{"/", "/schools", "/demonstration-schools", "/lessons", "/lessons/junior-what-drugs-are", "/opportunities",
		"/join", "/login", "/certificates/verify"}},
	{"student", []string{"/student", "/lessons/junior-addiction"}},
	{"teacher", []string{"/school", "/school/activities/", "/school/classes", `~^/school/classes/\d+/?$`, "/school/quizzes",
		`~^/school/quizzes/\d+$`, "/school/creation/", "/school/dashboard", "/volunteer-requests"}},
	{"teacher", []string{"/school/classes", `~^/school/classes/\d+/?$`, `~^/school/classes/\d+/quizzes$`,
		`~^/school/classes/\d+/quizzes/\d+$`}},
	{"district", []string{"/district", "/district/activities", `~^/activities/schools/\d+`, "/district/quizzes",
		"/district/creation/", "/district/assessment", "/district/dashboard"}},
	{"admin", []string{"/admin", "/admin/schools", "/admin/users", "/admin/demonstrations", "/admin/quizzes", "/admin/dashboard",
		"/admin/activities", "/admin/audit", "/city/volunteers/", "/admin/associations", "/admin/districts"}},
	{"coordinator", []string{"/association/", `~^/association/opportunities/\d+/$`, "/association/reports", "/opportunities"}},
	{"volunteer", []string{"/volunteer", "/opportunities", "/volunteer/hours", "/volunteer/certificate", "/volunteer/checkin",
		"/volunteer/associations", "/volunteer/profile"}},
}

// TestBrowserPhonesNoSidewaysScroll visits the main pages of every role on phones of
// 390 × 844 and 360 × 740 and fails on any page wider than the screen (the document's
// scrollWidth over innerWidth), keeping a screenshot of each page and running axe-core
// at 390.
func TestBrowserPhonesNoSidewaysScroll(t *testing.T) {
	findChromium(t)
	base, _, _ := startPortal(t, demoConfig(t), noEnv)
	for _, size := range [][2]int64{{390, 844}, {360, 740}} {
		for i, set := range phonePages {
			t.Run(fmt.Sprintf("%d/%s-%d", size[0], set.role, i), func(t *testing.T) {
				b := browserOn(t, base, size[0], size[1], true)
				switch set.role {
				case "":
				case "student":
					b.visit("/join")
					b.fill("code", "demo01")
					b.fill("name", fmt.Sprintf("宽度生%d", size[0]))
					b.fill("number", fmt.Sprint(60+size[0]%100))
					b.fill("pin", "2580")
					b.submit(`form[action="/join"]`)
				default:
					b.login(set.role)
				}
				prev := ""
				for n, p := range set.paths {
					if strings.HasPrefix(p, "~") {
						pattern := strings.TrimPrefix(p, "~")
						href := b.eval(fmt.Sprintf(`(() => { const re = new RegExp(%q); const as = [...document.querySelectorAll('main a[href]')]
							.map(a => a.getAttribute('href')).filter(h => re.test(h)); return as[%d %% Math.max(as.length, 1)] || '' })()`,
							pattern, n))
						if href == "" {
							t.Errorf("after %s: no link matching %s", prev, pattern)
							continue
						}
						p = href
					}
					b.visit(p)
					prev = p
					name := strings.NewReplacer("/", "_", "?", "_", "#", "_").Replace(strings.Trim(p, "/"))
					if w := b.eval(`String(document.scrollingElement.scrollWidth - window.innerWidth)`); w != "0" && !strings.HasPrefix(w, "-") {
						t.Errorf("%s at %d px scrolls sideways by %s px", p, size[0], w)
						// Name the widest offenders, to fix.
						t.Log(b.eval(`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
							.filter(e => !e.closest('.table-wrap')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')`))
					}
					b.shot(fmt.Sprintf("%d-%s", size[0], name))
					if size[0] == 390 {
						b.checkA11y(p)
					}
				}
			})
		}
	}
}

// TestBrowserEnglishDesktopTables: in English at 1366 px the district's and the city's
// pages neither scroll sideways nor cut a table's columns off (no table wider than its
// box).
func TestBrowserEnglishDesktopTables(t *testing.T) {
	findChromium(t)
	base, _, _ := startPortal(t, demoConfig(t), noEnv)
	for _, set := range []struct {
		role  string
		paths []string
	}{
		{"district", []string{"/district", "/district/activities", "/district/quizzes", "/district/assessment", "/district/dashboard"}},
		{"admin", []string{"/admin/schools", "/admin/activities", "/city/volunteers/"}},
	} {
		t.Run(set.role, func(t *testing.T) {
			b := browserOn(t, base, 1366, 900, false)
			b.visit("/lang/en")
			b.login(set.role)
			for _, p := range set.paths {
				b.visit(p)
				if w := b.eval(`String(document.scrollingElement.scrollWidth - window.innerWidth)`); w != "0" && !strings.HasPrefix(w, "-") {
					t.Errorf("%s in English at 1366 px scrolls sideways by %s px", p, w)
				}
				if cut := b.eval(`[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
					.map(w => (w.querySelector('table') || w).id + ' ' + (w.scrollWidth - w.clientWidth) + 'px').join(', ')`); cut != "" {
					t.Errorf("%s in English at 1366 px: tables cut off: %s", p, cut)
				}
				b.shot("1366-en-" + strings.NewReplacer("/", "_").Replace(strings.Trim(p, "/")))
			}
		})
	}
}
