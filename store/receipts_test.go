package store_test

import (
	"context"
	"testing"

	"github.com/jinducity/portal"
)

// TestReceipts: a collection gives every student a code; a parent confirms once; closing
// records the class's parents'-letter activity; the year's rate counts the receipts.
func TestReceipts(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc, c := mustBookableClass(t, s, "回执学校", 4)
	if err := s.OpenCollection(ctx, portal.SystemActor, sc.ID+1000, c.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("OpenCollection of another school's class = %v", err)
	}
	if err := s.OpenCollection(ctx, portal.SystemActor, sc.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenCollection(ctx, portal.SystemActor, sc.ID, c.ID); portal.ErrorMessage(err) != "ErrReceiptsOpen" {
		t.Errorf("second OpenCollection = %v", err)
	}
	col, err := s.ClassCollection(ctx, c.ID)
	if err != nil || len(col.Receipts) != 4 {
		t.Fatalf("ClassCollection = %+v, %v", col, err)
	}
	codes := map[string]bool{}
	for _, r := range col.Receipts {
		codes[r.Code] = true
	}
	if len(codes) != 4 {
		t.Errorf("codes %v: want four different", codes)
	}
	code := col.Receipts[0].Code
	if already, err := s.ConfirmReceipt(ctx, code, "mother", "孩子已经读过了"); err != nil || already {
		t.Fatalf("ConfirmReceipt = %v, %v", already, err)
	}
	if already, err := s.ConfirmReceipt(ctx, code, "father", ""); err != nil || !already {
		t.Errorf("second ConfirmReceipt = %v, %v, want already", already, err)
	}
	if _, err := s.ConfirmReceipt(ctx, "NOSUCHCODE", "father", ""); portal.ErrorMessage(err) != "ErrReceiptBadCode" {
		t.Errorf("ConfirmReceipt(unknown) = %v", err)
	}
	if _, err := s.ConfirmReceipt(ctx, col.Receipts[1].Code, "uncle", ""); err == nil {
		t.Error("ConfirmReceipt(bad relation) accepted")
	}
	got, _ := s.ClassCollection(ctx, c.ID)
	if got.Confirmed() != 1 || got.Receipts[0].Relation != "mother" {
		t.Errorf("after one confirmation: %d confirmed, %+v", got.Confirmed(), got.Receipts[0])
	}
	if n, d, err := s.ParentReceipts(ctx, portal.SchoolYear(now)); err != nil || n != 1 || d != 4 {
		t.Errorf("ParentReceipts = %d/%d, %v, want 1/4", n, d, err)
	}
	if err := s.CloseCollection(ctx, portal.SystemActor, sc.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ClassCollection(ctx, c.ID)
	act, err := s.GetActivity(ctx, got.ActivityID)
	if err != nil || act.Type != "parent-letter" || act.Parents != 1 || act.Students != 4 || len(act.ClassIDs) != 1 {
		t.Errorf("closing recorded %+v, %v", act, err)
	}
	if err := s.CloseCollection(ctx, portal.SystemActor, sc.ID, c.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("second CloseCollection = %v", err)
	}
}
