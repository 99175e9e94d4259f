package handlers_test

import (
	"context"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// creationFixtures points the creation routes' parameters at the demo teacher's draft
// application (in the demo reviewer's district) and its document, a standard and a
// designation.
func creationFixtures(t *testing.T, e *testEnv, f fixtures, schoolID, designation int64) {
	t.Helper()
	ctx := context.Background()
	apps, err := e.Store.ListApplications(ctx, store.ApplicationFilter{SchoolID: schoolID})
	if err != nil || len(apps) == 0 {
		t.Fatalf("the demo teacher's school has no application (%v)", err)
	}
	app, err := e.Store.GetApplication(ctx, apps[0].ID)
	if err != nil || len(app.Documents) == 0 {
		t.Fatalf("the demo teacher's application has no document (%v)", err)
	}
	f["app"], f["doc"] = itoa(int(app.ID)), itoa(int(app.Documents[0].ID))
	f["std"], f["desig"], f["action"] = itoa(int(app.StandardID)), itoa(int(designation)), "notice"
	if app.Status != portal.AppDraft {
		t.Fatalf("the demo teacher's application is %s, want a draft", app.Status)
	}
}
