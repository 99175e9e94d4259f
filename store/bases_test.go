package store_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/storetest"
)

// mustBase registers a base in the first district with a fresh manager account.
func mustBase(t *testing.T, s interface {
	CreateUser(context.Context, portal.Actor, *portal.User, string) error
	CreateBase(context.Context, portal.Actor, *portal.Base) error
}, districtID int64, name string) (*portal.Base, *portal.User) {
	t.Helper()
	ctx := context.Background()
	u := &portal.User{Username: "mgr-" + portal.RandomToken(3), DisplayName: "场馆管理员", Role: portal.RoleBase}
	if err := s.CreateUser(ctx, portal.SystemActor, u, "x"); err != nil {
		t.Fatalf("CreateUser(base role) = %v", err)
	}
	b := &portal.Base{Name: name, Kind: portal.KindBase, DistrictID: districtID, Address: "测试区测试路1号", ManagerIDs: []int64{u.ID}}
	if err := s.CreateBase(ctx, portal.SystemActor, b); err != nil {
		t.Fatalf("CreateBase = %v", err)
	}
	return b, u
}

func TestBaseManagersAreBaseAccounts(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	b, u := mustBase(t, s, sc.DistrictID, "测试教育基地")
	got, err := s.GetBase(ctx, b.ID)
	if err != nil || len(got.ManagerIDs) != 1 || got.ManagerIDs[0] != u.ID {
		t.Fatalf("GetBase = %+v, %v, want manager %d", got, err, u.ID)
	}
	if ok, _ := s.Manages(ctx, u.ID, b.ID); !ok {
		t.Error("Manages(manager, base) = false")
	}
	// A teacher account cannot manage a base, and names are unique.
	teacher := &portal.User{Username: "teacher-x", DisplayName: "老师", Role: portal.RoleTeacher, SchoolID: sc.ID}
	if err := s.CreateUser(ctx, portal.SystemActor, teacher, "x"); err != nil {
		t.Fatal(err)
	}
	b2 := &portal.Base{Name: "测试教育基地", Kind: portal.KindPark, DistrictID: sc.DistrictID, Address: "测试区测试路2号",
		ManagerIDs: []int64{teacher.ID}}
	err = s.CreateBase(ctx, portal.SystemActor, b2)
	f, _ := err.(portal.FieldErrors)
	if f["name"].ID != "ErrBaseNameTaken" || f["managers"].ID != "ErrBaseManager" {
		t.Errorf("CreateBase(taken name, teacher manager) = %v, want name and managers refused", err)
	}
}

// mustBookableClass adds a class of n joined students to a new school of the district.
func mustBookableClass(t *testing.T, s *store.Store, name string, n int) (*portal.School, *portal.Class) {
	t.Helper()
	ctx := context.Background()
	sc := mustSchool(t, s, name)
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: portal.SchoolYear(now), Grade: 7, Name: "七年级1班"}
	if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, _, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "学生" + strconv.Itoa(i), Number: strconv.Itoa(i + 1), PIN: "2580"}); err != nil {
			t.Fatal(err)
		}
	}
	return sc, c
}

func mustSlot(t *testing.T, s *store.Store, baseID int64, at time.Time, capacity int, public bool) *portal.Slot {
	t.Helper()
	sl := portal.Slot{StartsAt: at, EndsAt: at.Add(90 * time.Minute), Capacity: capacity, Public: public}
	if _, err := s.CreateSlots(context.Background(), portal.SystemActor, baseID, []portal.Slot{sl}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SlotsBetween(context.Background(), baseID, at, at.Add(time.Minute))
	if err != nil || len(got) != 1 {
		t.Fatalf("SlotsBetween = %v, %v", got, err)
	}
	return &got[0]
}

// TestBookingRaceLastPlaces: twelve schools book five places each of a slot of 30 at the
// same instant: exactly six get them, the others are told the slot is full, and the
// slot's count is the sum of the bookings.
func TestBookingRaceLastPlaces(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	first := mustSchool(t, s, "基地测试中学")
	b, _ := mustBase(t, s, first.DistrictID, "竞争测试基地")
	sl := mustSlot(t, s, b.ID, now.Add(72*time.Hour), 30, false)
	type school struct {
		sc *portal.School
		c  *portal.Class
	}
	var schools []school
	for i := range 12 {
		sc, c := mustBookableClass(t, s, "竞争学校"+strconv.Itoa(i), 5)
		schools = append(schools, school{sc, c})
	}
	var wg sync.WaitGroup
	var ok, full, other atomic.Int32
	start := make(chan struct{})
	for _, x := range schools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := s.BookSlot(ctx, portal.SystemActor, &portal.Booking{SlotID: sl.ID, SchoolID: x.sc.ID, Students: 5, ClassIDs: []int64{x.c.ID}})
			var e *portal.Error
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &e) && e.Message == store.ErrSlotFull:
				full.Add(1)
			default:
				other.Add(1)
				t.Errorf("BookSlot = %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok.Load() != 6 || full.Load() != 6 || other.Load() != 0 {
		t.Errorf("bookings: %d accepted, %d full, %d other; want 6, 6, 0", ok.Load(), full.Load(), other.Load())
	}
	got, _ := s.GetSlot(ctx, sl.ID)
	if got.Booked != 30 {
		t.Errorf("slot booked = %d, want 30", got.Booked)
	}
}

// TestBookingRaceWithCancel: a school cancels while others race for its places; the
// slot never holds more than its capacity and its count matches the live bookings.
func TestBookingRaceWithCancel(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	first := mustSchool(t, s, "基地测试中学")
	b, _ := mustBase(t, s, first.DistrictID, "取消测试基地")
	sl := mustSlot(t, s, b.ID, now.Add(72*time.Hour), 10, false)
	holder, hc := mustBookableClass(t, s, "先约学校", 10)
	bk := &portal.Booking{SlotID: sl.ID, SchoolID: holder.ID, Students: 10, ClassIDs: []int64{hc.ID}}
	if err := s.BookSlot(ctx, portal.SystemActor, bk); err != nil {
		t.Fatal(err)
	}
	var others []*portal.Booking
	for i := range 4 {
		sc, c := mustBookableClass(t, s, "候补学校"+strconv.Itoa(i), 5)
		others = append(others, &portal.Booking{SlotID: sl.ID, SchoolID: sc.ID, Students: 5, ClassIDs: []int64{c.ID}})
	}
	var wg sync.WaitGroup
	var ok atomic.Int32
	start := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		if err := s.CancelBooking(ctx, portal.SystemActor, holder.ID, bk.ID); err != nil {
			t.Errorf("CancelBooking = %v", err)
		}
	}()
	for _, o := range others {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range 20 { // retry until the cancellation has freed places
				if err := s.BookSlot(ctx, portal.SystemActor, o); err == nil {
					ok.Add(1)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	got, _ := s.GetSlot(ctx, sl.ID)
	if got.Booked > got.Capacity || got.Booked != int(ok.Load())*5 {
		t.Errorf("slot booked = %d with %d bookings of 5, capacity %d", got.Booked, ok.Load(), got.Capacity)
	}
}

// mustStoreClock opens a store whose clock the test sets.
func mustStoreClock(t *testing.T) (*store.Store, func(time.Time)) {
	t.Helper()
	var clk atomic.Pointer[time.Time]
	at := now
	clk.Store(&at)
	s, err := store.Open(context.Background(), storetest.DSN(t), store.Options{Now: func() time.Time { return *clk.Load() }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, func(t time.Time) { clk.Store(&t) }
}

func TestBookingRules(t *testing.T) {
	s, setNow := mustStoreClock(t)
	ctx := context.Background()
	sc, c := mustBookableClass(t, s, "规则学校", 8)
	b, _ := mustBase(t, s, sc.DistrictID, "规则测试基地")
	sl := mustSlot(t, s, b.ID, now.Add(48*time.Hour), 40, false)
	book := func(bk portal.Booking) error { return s.BookSlot(ctx, portal.SystemActor, &bk) }
	fieldIs := func(err error, field, id string) bool {
		f, _ := err.(portal.FieldErrors)
		return f[field].ID == id
	}
	if err := book(portal.Booking{SlotID: sl.ID, SchoolID: sc.ID, Students: 9, ClassIDs: []int64{c.ID}}); !fieldIs(err, "students", "ErrBaseTooManyStudents") {
		t.Errorf("more students than the class has: %v", err)
	}
	other := mustSchool(t, s, "别的学校")
	if err := book(portal.Booking{SlotID: sl.ID, SchoolID: other.ID, Students: 1, ClassIDs: []int64{c.ID}}); !fieldIs(err, "classes", "ErrActClassUnknown") {
		t.Errorf("another school's class: %v", err)
	}
	pub := mustSlot(t, s, b.ID, now.Add(50*time.Hour), 40, true)
	if err := book(portal.Booking{SlotID: pub.ID, SchoolID: sc.ID, Students: 1, ClassIDs: []int64{c.ID}}); portal.ErrorMessage(err) != "ErrBaseSlotPublic" {
		t.Errorf("public slot: %v", err)
	}
	d2 := &portal.District{Name: "另一区"}
	if err := s.CreateDistrict(ctx, portal.SystemActor, d2); err != nil {
		t.Fatal(err)
	}
	res := portal.Slot{StartsAt: now.Add(96 * time.Hour), EndsAt: now.Add(97 * time.Hour), Capacity: 40, DistrictID: d2.ID}
	if _, err := s.CreateSlots(ctx, portal.SystemActor, b.ID, []portal.Slot{res}); err != nil {
		t.Fatal(err)
	}
	reserved, _ := s.SlotsBetween(ctx, b.ID, res.StartsAt, res.EndsAt)
	if err := book(portal.Booking{SlotID: reserved[0].ID, SchoolID: sc.ID, Students: 1, ClassIDs: []int64{c.ID}}); portal.ErrorMessage(err) != "ErrBaseSlotDistrict" {
		t.Errorf("slot reserved for another district: %v", err)
	}
	bk := &portal.Booking{SlotID: sl.ID, SchoolID: sc.ID, Students: 8, Teachers: 2, ClassIDs: []int64{c.ID}}
	if err := s.BookSlot(ctx, portal.SystemActor, bk); err != nil {
		t.Fatal(err)
	}
	// The same class again the same day, at another slot.
	later := mustSlot(t, s, b.ID, now.Add(51*time.Hour), 40, false)
	if later.Day() == sl.Day() {
		if err := book(portal.Booking{SlotID: later.ID, SchoolID: sc.ID, Students: 1, ClassIDs: []int64{c.ID}}); !fieldIs(err, "classes", "ErrBaseClassSameDay") {
			t.Errorf("same class twice a day: %v", err)
		}
	}
	// Arrival: not before the day; then the school's base visit is recorded once.
	if _, err := s.ConfirmArrival(ctx, portal.SystemActor, b.ID, bk.ID, 7); portal.ErrorMessage(err) != "ErrBaseArrivalEarly" {
		t.Errorf("ConfirmArrival two days early = %v", err)
	}
	before, _ := s.BaseVisitStudents(ctx, portal.SchoolYear(now))
	setNow(sl.StartsAt.Add(10 * time.Minute))
	s2 := s
	got, err := s2.ConfirmArrival(ctx, portal.SystemActor, b.ID, bk.ID, 7)
	if err != nil || got.ActivityID == 0 {
		t.Fatalf("ConfirmArrival = %+v, %v", got, err)
	}
	act, err := s2.GetActivity(ctx, got.ActivityID)
	if err != nil || act.Type != "base-visit" || act.Students != 7 || act.Teachers != 2 || len(act.ClassIDs) != 1 || act.ClassIDs[0] != c.ID {
		t.Errorf("recorded activity = %+v, %v", act, err)
	}
	after, _ := s2.BaseVisitStudents(ctx, portal.SchoolYear(now))
	if after != before+7 {
		t.Errorf("BaseVisitStudents = %d after the visit, want %d", after, before+7)
	}
	if _, err := s2.ConfirmArrival(ctx, portal.SystemActor, b.ID, bk.ID, 7); portal.ErrorMessage(err) != "ErrBaseAlreadyConfirmed" {
		t.Errorf("second ConfirmArrival = %v", err)
	}
}

// TestEraseVisitorsAfter90Days: a visitor's name and mobile go 90 days after the visit,
// the row (and so the counts) stays; a code of an erased booking is answered as unknown.
func TestEraseVisitorsAfter90Days(t *testing.T) {
	s, setNow := mustStoreClock(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "访客学校")
	b, _ := mustBase(t, s, sc.DistrictID, "访客测试基地")
	sl := mustSlot(t, s, b.ID, now.Add(30*time.Hour), 10, true)
	v := &portal.Visitor{SlotID: sl.ID, Name: "张三", Mobile: "13800001234", People: 3}
	if err := s.BookVisitor(ctx, v); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetSlot(ctx, sl.ID); got.Booked != 3 {
		t.Errorf("booked = %d, want 3", got.Booked)
	}
	setNow(sl.EndsAt.Add(89 * 24 * time.Hour))
	if n, err := s.EraseVisitors(ctx); err != nil || n != 0 {
		t.Errorf("EraseVisitors at 89 days = %d, %v, want 0", n, err)
	}
	setNow(sl.EndsAt.Add(91 * 24 * time.Hour))
	if n, err := s.EraseVisitors(ctx); err != nil || n != 1 {
		t.Errorf("EraseVisitors at 91 days = %d, %v, want 1", n, err)
	}
	day, err := s.BaseDay(ctx, b.ID, sl.StartsAt)
	if err != nil || len(day) != 1 || len(day[0].Visitors) != 1 {
		t.Fatalf("BaseDay = %+v, %v", day, err)
	}
	if got := day[0].Visitors[0]; got.Name != "" || got.Mobile != "" || got.People != 3 || !got.Erased {
		t.Errorf("erased visitor = %+v, want no name or mobile, 3 people", got)
	}
	if _, err := s.VisitorByCode(ctx, v.Code); portal.ErrorMessage(err) != "ErrBaseBadCode" {
		t.Errorf("VisitorByCode(erased) = %v", err)
	}
}
