package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// TestCityAdminRunsAnyAssociationsOpportunities checks that the city admin creates an
// opportunity for the association picked in the form, moves it and calls it off, with
// the coordinator's form and rules, and that a coordinator still creates only for their own.
func TestCityAdminRunsAnyAssociationsOpportunities(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	admin := e.login("admin")
	c2, _ := e.Store.GetUser(ctx, userID(t, e, "coordinator2"))
	start := e.Now.Add(96 * time.Hour).Truncate(time.Hour)
	vals := url.Values{"title": {"市禁办发布的项目"}, "place": {"市民中心"},
		"starts_at": {start.In(portal.CST).Format("2006-01-02T15:04")},
		"ends_at":   {start.Add(2 * time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"deadline":  {start.Add(-time.Hour).In(portal.CST).Format("2006-01-02T15:04")},
		"capacity":  {"8"}, "skills": {"publicity"}}

	form := admin.get(views.CityOpportunitiesURL + "/new")
	wantStatus(t, "admin's form", form, http.StatusOK)
	// The association is typed, with every association's name as a suggestion (a city
	// has too many for a drop-down).
	if n := form.Doc(t).Find(`input[name="association"][list="association-list"]`).Length(); n != 1 {
		t.Error("no association field")
	}
	if n := form.Doc(t).Find(`datalist#association-list option`).Length(); n < 3 {
		t.Errorf("association choices = %d, want every association", n)
	}
	// No association, or one that does not exist: 422 with the message by the field.
	for _, id := range []string{"", "999999"} {
		bad := url.Values{}
		for k, v := range vals {
			bad[k] = v
		}
		bad.Set("association_id", id)
		res := admin.post(views.CityOpportunitiesURL+"/new", bad)
		wantStatus(t, "association "+id, res, http.StatusUnprocessableEntity)
		if fieldError(t, res, "association_id") == "" || inputValue(t, res, "title") != "市禁办发布的项目" {
			t.Errorf("association %q: message %q, title kept %q", id, fieldError(t, res, "association_id"), inputValue(t, res, "title"))
		}
	}
	// A name no association has is refused by the field, the name kept.
	unknown := url.Values{}
	for k, v := range vals {
		unknown[k] = v
	}
	unknown.Set("association", "没有这个协会")
	res := admin.post(views.CityOpportunitiesURL+"/new", unknown)
	wantStatus(t, "unknown association", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "association_id") == "" || inputValue(t, res, "association") != "没有这个协会" {
		t.Errorf("unknown association: message %q, field %q", fieldError(t, res, "association_id"), inputValue(t, res, "association"))
	}
	// The association by its name.
	as, err := e.Store.GetAssociation(ctx, c2.AssociationID)
	if err != nil {
		t.Fatal(err)
	}
	vals.Set("association", as.Name)
	res = admin.post(views.CityOpportunitiesURL+"/new", vals)
	wantStatus(t, "admin creates", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != views.CityOpportunitiesURL {
		t.Errorf("after creating: Location %q, want %q", loc, views.CityOpportunitiesURL)
	}
	o := oppByTitle(t, e, "市禁办发布的项目")
	if o.AssociationID != c2.AssociationID || o.Capacity != 8 {
		t.Fatalf("created %+v, want association %d", o, c2.AssociationID)
	}
	audit, _, _ := e.Store.ListAudit(ctx, store.AuditFilter{Entity: "opportunity", EntityID: o.ID})
	if len(audit) != 1 || audit[0].Action != "opportunity.create" || audit[0].ActorID != userID(t, e, "admin") {
		t.Errorf("audit = %+v, want the admin's opportunity.create", audit)
	}
	list := admin.get(views.CityOpportunitiesURL)
	wantStatus(t, "list", list, http.StatusOK)
	if list.Doc(t).Find(fmt.Sprintf(`tr[data-id="%d"]`, o.ID)).Length() != 1 {
		t.Error("the new opportunity is not on the city's list")
	}
	// The association's coordinator runs it; another association's does not.
	wantStatus(t, "its coordinator", e.login("coordinator2").get(views.ManageURL(o.ID)), http.StatusOK)
	wantStatus(t, "other coordinator", e.login("coordinator").get(views.ManageURL(o.ID)+"edit"), http.StatusForbidden)

	// The admin moves it with the same form.
	base := views.CityOpportunityURL(o.ID)
	wantStatus(t, "edit form", admin.get(base+"edit"), http.StatusOK)
	wantStatus(t, "admin moves", moveOpportunity(t, admin, base, o, start.Add(24*time.Hour), 3, 8), http.StatusSeeOther)
	if got, _ := e.Store.GetOpportunity(ctx, o.ID); !got.StartsAt.Equal(start.Add(24*time.Hour)) || got.AssociationID != c2.AssociationID {
		t.Errorf("after the move: starts %v, association %d", got.StartsAt, got.AssociationID)
	}
	res = moveOpportunity(t, admin, base, o, start, 3, 0)
	wantStatus(t, "bad capacity", res, http.StatusUnprocessableEntity)
	if fieldError(t, res, "capacity") == "" {
		t.Error("no message by the capacity")
	}

	// And calls it off; a second time is refused with the reason.
	wantStatus(t, "admin calls off", admin.post(base+"withdraw", nil), http.StatusSeeOther)
	if got, _ := e.Store.GetOpportunity(ctx, o.ID); got.Status != portal.OppCancelled {
		t.Errorf("status %s, want cancelled", got.Status)
	}
	res = admin.post(base+"withdraw", nil)
	wantStatus(t, "call off twice", res, http.StatusConflict)
	if res.Doc(t).Find("#refusal").Text() == "" {
		t.Error("no reason shown for the refusal")
	}

	// A coordinator's pick of another association is ignored: theirs is their own.
	coord := e.login("coordinator")
	c1, _ := e.Store.GetUser(ctx, userID(t, e, "coordinator"))
	vals.Set("title", "协会自己的项目")
	wantStatus(t, "coordinator creates", coord.post("/association/opportunities/new", vals), http.StatusSeeOther)
	if got := oppByTitle(t, e, "协会自己的项目"); got.AssociationID != c1.AssociationID {
		t.Errorf("coordinator's opportunity went to association %d, want %d", got.AssociationID, c1.AssociationID)
	}
	if strings.Contains(coord.get("/association/opportunities/new").Body, `name="association_id"`) {
		t.Error("the coordinator's form offers a choice of association")
	}
}
