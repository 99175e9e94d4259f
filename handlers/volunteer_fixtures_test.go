package handlers_test

import (
	"context"
	"testing"

	"github.com/jinducity/portal/store"
)

// mustVolunteerFixtures adds the IDs the volunteer routes point at: a coming opportunity
// of the demo coordinator's association with free places that the demo volunteer has not
// signed up for, a pending application, an open school request, the school's
// opportunity to confirm and the association.
func mustVolunteerFixtures(t *testing.T, e *testEnv, f fixtures) {
	t.Helper()
	ctx := context.Background()
	coord, _, err := e.Store.UserCredentials(ctx, "coordinator")
	if err != nil {
		t.Fatal(err)
	}
	teacher, _, err := e.Store.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	as := coord.AssociationID
	f["association"] = itoa(int(as))
	opps, _, err := e.Store.ListOpportunities(ctx, store.OpportunityFilter{AssociationID: as, From: e.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opps {
		if o.SignedUp < o.Capacity && !o.CityWide && o.SchoolID == 0 && o.Capacity < 30 {
			f["opportunity"] = itoa(int(o.ID))
			break
		}
	}
	apps, err := e.Store.Applications(ctx, as)
	if err != nil || len(apps) == 0 {
		t.Fatalf("no pending application in the demo: %v", err)
	}
	f["application"] = itoa(int(apps[0].ID))
	reqs, err := e.Store.AssociationRequests(ctx, as)
	if err != nil || len(reqs) == 0 {
		t.Fatalf("no open school request in the demo: %v", err)
	}
	f["request"] = itoa(int(reqs[0].ID))
	sopps, err := e.Store.SchoolOpportunities(ctx, teacher.SchoolID)
	if err != nil || len(sopps) == 0 {
		t.Fatalf("no opportunity for the demo school: %v", err)
	}
	f["schoolopp"] = itoa(int(sopps[0].ID))
	if f["opportunity"] == "" {
		t.Fatal("no coming opportunity with free places in the demo")
	}
}
