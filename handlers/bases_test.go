package handlers_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// demoHall returns the demo exhibition hall.
func demoHall(t *testing.T, e *testEnv) portal.Base {
	t.Helper()
	list, err := e.Store.ListBases(context.Background(), store.BaseFilter{Kind: portal.KindExhibitionHall})
	if err != nil || len(list) == 0 || list[0].Name != seed.DemoHall {
		t.Fatalf("ListBases(hall) = %v, %v", list, err)
	}
	return list[0]
}

// firstSlot returns the hall's first coming slot for schools, or for the public.
func firstSlot(t *testing.T, e *testEnv, baseID int64, public bool, after time.Duration) portal.Slot {
	t.Helper()
	slots, err := e.Store.UpcomingSlots(context.Background(), baseID, 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range slots {
		if sl.Public == public && sl.StartsAt.Sub(e.Now) > after && sl.Free() > 10 {
			return sl
		}
	}
	t.Fatalf("no coming slot (public %v) at base %d", public, baseID)
	return portal.Slot{}
}

// baseFixtures: the hall, a public slot, and a booking of the teacher's throwaway class.
func baseFixtures(t *testing.T, e *testEnv, f fixtures) {
	t.Helper()
	hall := demoHall(t, e)
	f["base"] = itoa(int(hall.ID))
	f["publicslot"] = itoa(int(firstSlot(t, e, hall.ID, true, 0).ID))
	sl := firstSlot(t, e, hall.ID, false, 48*time.Hour)
	teacher, _, _ := e.Store.UserCredentials(context.Background(), "teacher")
	bk := &portal.Booking{SlotID: sl.ID, SchoolID: teacher.SchoolID, Students: 1, ClassIDs: []int64{int64(atoi(t, f["class"]))}}
	if err := e.Store.BookSlot(context.Background(), portal.SystemActor, bk); err != nil {
		t.Fatalf("BookSlot fixture: %v", err)
	}
	f["booking"] = itoa(int(bk.ID))
	f["bid"] = f["booking"]
	// The throwaway class's receipts, open, with the code of its one student.
	if err := e.Store.OpenCollection(context.Background(), portal.SystemActor, teacher.SchoolID, bk.ClassIDs[0]); err != nil {
		t.Fatalf("OpenCollection fixture: %v", err)
	}
	col, err := e.Store.ClassCollection(context.Background(), bk.ClassIDs[0])
	if err != nil || len(col.Receipts) != 1 {
		t.Fatalf("ClassCollection fixture = %+v, %v", col, err)
	}
	f["code"] = col.Receipts[0].Code
}

func jsonBody(r *response, v any) error { return json.Unmarshal([]byte(r.Body), v) }
