package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jinducity/portal"
)

// moveOpportunity posts an opportunity's edit form at base (the coordinator's or the
// city's page of it) with a new start, length and capacity.
func moveOpportunity(t *testing.T, c *client, base string, o *portal.Opportunity, start time.Time, hours, capacity int) *response {
	t.Helper()
	return c.post(base+"edit", url.Values{"title": {o.Title}, "place": {o.Place},
		"starts_at": {start.In(portal.CST).Format("2006-01-02T15:04")},
		"ends_at":   {start.Add(time.Duration(hours) * time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"deadline":  {start.Add(-time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"capacity":  {fmt.Sprint(capacity)}, "skills": {"lecturing"}})
}

func signupStatus(t *testing.T, e *testEnv, oppID int64, username string) string {
	t.Helper()
	x, err := e.Store.UserSignup(context.Background(), oppID, userID(t, e, username))
	if err != nil || x == nil {
		t.Fatalf("%s's sign-up for %d: %v, %v", username, oppID, x, err)
	}
	return x.Status
}

// TestPromotionSkipsOverlaps checks that a waiting volunteer whose promotion would
// overlap another of their confirmed places stays waiting while the next one moves up,
// both when a place is given back and when a move adds places.
func TestPromotionSkipsOverlaps(t *testing.T) {
	e := mustEnv(t)
	coord := e.login("coordinator")
	start := e.Now.Add(72 * time.Hour).Truncate(time.Hour)
	signup := func(username string, o *portal.Opportunity, want string) {
		t.Helper()
		wantStatus(t, username+" signs up for "+o.Title, e.login(username).post(fmt.Sprintf("/opportunities/%d/signup", o.ID), nil),
			http.StatusSeeOther)
		if got := signupStatus(t, e, o.ID, username); got != want {
			t.Fatalf("%s on %s: %s, want %s", username, o.Title, got, want)
		}
	}

	// A cancellation: v061, first in the queue, now has a confirmed place at the same time.
	a := newOpportunity(t, e, coord, "候补跳过甲", start, 2, 1)
	b := newOpportunity(t, e, coord, "候补跳过乙", start.Add(5*time.Hour), 2, 5)
	signup("v060", a, portal.SignupConfirmed)
	signup("v061", b, portal.SignupConfirmed)
	signup("v061", a, portal.SignupWaitlisted)
	signup("v062", a, portal.SignupWaitlisted)
	wantStatus(t, "move b onto a", moveOpportunity(t, coord, fmt.Sprintf("/association/opportunities/%d/", b.ID), b, start, 2, 5),
		http.StatusSeeOther)
	wantStatus(t, "v060 cancels", e.login("v060").post(fmt.Sprintf("/opportunities/%d/cancel", a.ID), nil), http.StatusSeeOther)
	if got := signupStatus(t, e, a.ID, "v061"); got != portal.SignupWaitlisted {
		t.Errorf("v061 (booked at the same time) is %s on %s, want still waiting", got, a.Title)
	}
	if got := signupStatus(t, e, a.ID, "v062"); got != portal.SignupConfirmed {
		t.Errorf("v062 (next in the queue) is %s, want confirmed", got)
	}
	if got, _ := e.Store.GetOpportunity(context.Background(), a.ID); got.SignedUp != 1 || got.Waitlisted != 1 {
		t.Errorf("%s: %d confirmed, %d waiting; want 1 and 1", a.Title, got.SignedUp, got.Waitlisted)
	}

	// A move with more places: v064 waits for c, which moves onto d, where v064 has a place.
	c := newOpportunity(t, e, coord, "候补跳过丙", start.Add(24*time.Hour), 2, 1)
	d := newOpportunity(t, e, coord, "候补跳过丁", start.Add(30*time.Hour), 2, 5)
	signup("v063", c, portal.SignupConfirmed)
	signup("v064", d, portal.SignupConfirmed)
	signup("v064", c, portal.SignupWaitlisted)
	signup("v065", c, portal.SignupWaitlisted)
	wantStatus(t, "move c onto d with a second place",
		moveOpportunity(t, coord, fmt.Sprintf("/association/opportunities/%d/", c.ID), c, start.Add(30*time.Hour), 2, 2), http.StatusSeeOther)
	if got := signupStatus(t, e, c.ID, "v064"); got != portal.SignupWaitlisted {
		t.Errorf("v064 (booked at the new time) is %s on %s, want still waiting", got, c.Title)
	}
	if got := signupStatus(t, e, c.ID, "v065"); got != portal.SignupConfirmed {
		t.Errorf("v065 (next in the queue) is %s, want confirmed", got)
	}
}
