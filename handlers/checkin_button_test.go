package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// TestCheckinButtonSaysWhy: while opening check-in can only fail, the coordinator's
// button is disabled and the reason is next to it (with the time it opens); when it can
// succeed, the button works.
func TestCheckinButtonSaysWhy(t *testing.T) {
	e := mustEnv(t)
	coord := e.login("coordinator")
	start := e.Now.Add(26 * time.Hour).Truncate(time.Hour)
	o := newOpportunity(t, e, coord, "签到按钮测试", start, 3, 10)
	manage := fmt.Sprintf("/association/opportunities/%d/", o.ID)

	button := func(what string) (disabled bool, why string) {
		t.Helper()
		doc := coord.get(manage).Doc(t)
		b := doc.Find("#open-checkin")
		if b.Length() != 1 {
			t.Fatalf("%s: no check-in button", what)
		}
		_, disabled = b.Attr("disabled")
		return disabled, strings.TrimSpace(doc.Find("#checkin-why").Text())
	}
	disabled, why := button("a day before")
	opens := views.DateTime(start.Add(-portal.CheckinOpensBefore))
	if !disabled || !strings.Contains(why, opens) {
		t.Errorf("a day before: disabled %v, reason %q, want disabled and the time %s", disabled, why, opens)
	}
	wantStatus(t, "open early", coord.post(manage+"checkin", nil), http.StatusConflict)

	e.advance(25 * time.Hour)
	coord = e.login("coordinator")
	if disabled, why := button("an hour before"); disabled || why != "" {
		t.Errorf("an hour before: disabled %v, reason %q", disabled, why)
	}
	wantStatus(t, "open", coord.post(manage+"checkin", nil), http.StatusSeeOther)

	e.advance(7 * time.Hour) // three hours after the end
	coord = e.login("coordinator")
	if disabled, why := button("after the end"); !disabled || !strings.Contains(why, "已结束") {
		t.Errorf("after the end: disabled %v, reason %q", disabled, why)
	}
}
