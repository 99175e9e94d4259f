package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// consoleErrors collects the page's console errors, uncaught exceptions and browser log
// errors (a Content-Security-Policy refusal is one).
type consoleErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (c *consoleErrors) listen(b *browser) {
	err := chromedp.Listen(b.ctx, func(ev any) {
		c.mu.Lock()
		defer c.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			c.msgs = append(c.msgs, fmt.Sprintf("exception: %s %+v", ev.ExceptionDetails.Text, ev.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				c.msgs = append(c.msgs, "console.error: "+strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				c.msgs = append(c.msgs, "log: "+ev.Entry.Text)
			}
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, log.Enable, cdp.Empty{}); err != nil {
		b.t.Fatal(err)
	}
}

func (c *consoleErrors) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.msgs
	c.msgs = nil
	return out
}

// TestBrowserDashboards opens the city, district and school dashboards on a phone and on
// a desktop and checks that every chart is drawn (as SVG), its table is there, the page
// does not scroll sideways and the console stays clean; screenshots show them.
func TestBrowserDashboards(t *testing.T) {
	findChromium(t)
	base, _, _ := startPortal(t, serveConfig{db: filepath.Join(t.TempDir(), "portal.db"), demo: true}, noEnv)
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		for _, page := range []struct{ user, path string }{
			{"admin", "/admin/dashboard"}, {"admin", "/admin/dashboard/wall"}, {"district", "/district/dashboard"},
			{"teacher", "/school/dashboard"},
		} {
			b := browserOn(t, base, size.width, size.height, size.mobile)
			var errs consoleErrors
			errs.listen(b)
			b.login(page.user)
			b.visit(page.path)
			want, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-chart-option]").length`))
			if err != nil || want == 0 {
				t.Fatalf("%s %s: %d charts (%v)", size.name, page.path, want, err)
			}
			drawn := 0
			for range 50 {
				drawn, _ = chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-drawn="true"] svg').length`))
				if drawn >= want {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if drawn < want {
				t.Errorf("%s %s: %d of %d charts drawn as SVG", size.name, page.path, drawn, want)
			}
			tables, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart-figure table.chart-data tbody tr").length`))
			if tables == 0 {
				t.Errorf("%s %s: no table rows under the charts", size.name, page.path)
			}
			wide, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if wide {
				t.Errorf("%s %s: the page scrolls sideways", size.name, page.path)
			}
			b.checkA11y(page.path)
			b.shot(fmt.Sprintf("%s-%s", strings.ReplaceAll(strings.Trim(page.path, "/"), "/", "-"), size.name))
			if e := errs.take(); len(e) > 0 {
				t.Errorf("%s %s: console errors:\n%s", size.name, page.path, strings.Join(e, "\n"))
			}
		}
	}
}
