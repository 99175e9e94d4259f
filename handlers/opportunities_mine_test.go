package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestOpportunityListMarksMine: the opportunity list marks those the volunteer signed up
// for and those they wait for; others see no mark.
func TestOpportunityListMarksMine(t *testing.T) {
	e := mustEnv(t)
	o := newOpportunity(t, e, e.login("coordinator"), "标记我的报名", e.Now.Add(3*time.Hour).Truncate(time.Hour), 2, 1)
	signed, waiting, other := e.login("v020"), e.login("v021"), e.login("v022")
	for _, c := range []*client{signed, waiting} {
		wantStatus(t, "signup", c.post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil), http.StatusSeeOther)
	}
	mark := func(c *client) string {
		t.Helper()
		li := c.get("/opportunities").Doc(t).Find(fmt.Sprintf(`li.opportunity[data-id="%d"]`, o.ID))
		if li.Length() != 1 {
			t.Fatalf("opportunity %d not on the first page", o.ID)
		}
		return li.Find("[data-mine]").AttrOr("data-mine", "")
	}
	if m := mark(signed); m != "confirmed" {
		t.Errorf("signed up: mark %q", m)
	}
	if m := mark(waiting); m != "waitlisted" {
		t.Errorf("waiting: mark %q", m)
	}
	if m := mark(other); m != "" {
		t.Errorf("not signed up: mark %q", m)
	}
	if m := mark(e.client()); m != "" {
		t.Errorf("visitor: mark %q", m)
	}
}
