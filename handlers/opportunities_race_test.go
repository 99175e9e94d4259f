package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// loadOpportunity returns the demo's coming opportunity with 30 free places.
func loadOpportunity(t *testing.T, e *testEnv) *portal.Opportunity {
	t.Helper()
	list, _, err := e.Store.ListOpportunities(context.Background(), store.OpportunityFilter{OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].Title == seed.DemoLoadTitle {
			if list[i].Capacity != seed.DemoLoadCapacity || list[i].SignedUp != 0 {
				t.Fatalf("load opportunity: %d places, %d taken", list[i].Capacity, list[i].SignedUp)
			}
			return &list[i]
		}
	}
	t.Fatal("no load opportunity in the demo")
	return nil
}

// TestSignupRace has 200 volunteers sign up for 30 places at the same instant, through
// real HTTP on a real SQLite file: exactly 30 get a place, the other 170 wait in the
// order they arrived, no one twice. Run with -race.
func TestSignupRace(t *testing.T) {
	e := mustEnv(t)
	o := loadOpportunity(t, e)
	const n = seed.DemoVolunteers
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = e.loginQuick(fmt.Sprintf("v%03d", i+1))
	}
	path := fmt.Sprintf("/opportunities/%d/signup", o.ID)
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodPost, e.Srv.URL+path, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := c.hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusSeeOther {
			t.Errorf("v%03d: status %d, want 303", i+1, code)
		}
	}
	roster, err := e.Store.Roster(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	confirmed, waiting, seen := 0, 0, map[int64]bool{}
	lastSeq := 0
	for _, x := range roster {
		if seen[x.UserID] {
			t.Errorf("user %d listed twice", x.UserID)
		}
		seen[x.UserID] = true
		switch x.Status {
		case portal.SignupConfirmed:
			confirmed++
		case portal.SignupWaitlisted:
			waiting++
			if x.Seq <= lastSeq {
				t.Errorf("waiting list out of arrival order: seq %d after %d", x.Seq, lastSeq)
			}
			lastSeq = x.Seq
		}
	}
	if confirmed != 30 || waiting != n-30 {
		t.Fatalf("confirmed %d, waiting %d; want 30 and %d", confirmed, waiting, n-30)
	}
	// Every confirmed place arrived before every waiting one.
	maxConfirmed := 0
	for _, x := range roster {
		if x.Status == portal.SignupConfirmed {
			maxConfirmed = max(maxConfirmed, x.Seq)
		}
	}
	for _, x := range roster {
		if x.Status == portal.SignupWaitlisted && x.Seq < maxConfirmed {
			t.Errorf("seq %d waits while seq %d has a place", x.Seq, maxConfirmed)
		}
	}

	// Cancels racing new sign-ups never lose or double a place: 10 confirmed volunteers
	// cancel while 10 more sign up.
	var cancelers []*client
	byUser := map[int64]int{}
	for i := range clients {
		u, _, _ := e.Store.UserCredentials(context.Background(), fmt.Sprintf("v%03d", i+1))
		byUser[u.ID] = i
	}
	for _, x := range roster {
		if x.Status == portal.SignupConfirmed && len(cancelers) < 10 {
			cancelers = append(cancelers, clients[byUser[x.UserID]])
		}
	}
	late := []*client{e.login("volunteer")}
	start = make(chan struct{})
	for _, c := range cancelers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c.post(fmt.Sprintf("/opportunities/%d/cancel", o.ID), url.Values{})
		}()
	}
	for _, c := range late {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c.post(path, url.Values{})
		}()
	}
	close(start)
	wg.Wait()
	got, err := e.Store.GetOpportunity(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SignedUp != 30 || got.Waitlisted != n-30-10+len(late) {
		t.Errorf("after the cancels: %d signed up, %d waiting; want 30 and %d", got.SignedUp, got.Waitlisted, n-30-10+len(late))
	}
}
