package store_test

import (
	"context"
	"fmt"
	"github.com/jinducity/portal/store/storetest"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

var now = time.Date(2026, time.November, 23, 10, 0, 0, 0, portal.CST)

func mustStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := storetest.DSN(t)
	s, err := store.Open(context.Background(), path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func mustSchool(t *testing.T, s *store.Store, name string) *portal.School {
	t.Helper()
	ctx := context.Background()
	ds, _ := s.ListDistricts(ctx)
	var did int64
	if len(ds) == 0 {
		d := &portal.District{Name: "测试区"}
		if err := s.CreateDistrict(ctx, portal.SystemActor, d); err != nil {
			t.Fatal(err)
		}
		did = d.ID
	} else {
		did = ds[0].ID
	}
	sc := &portal.School{DistrictID: did, Name: name, Stage: portal.StageJunior, Enrolment: 900, HasGraduating: true}
	if err := s.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	s, path := mustStore(t)
	v, err := s.SchemaVersion(context.Background())
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion() = %d, %v", v, err)
	}
	mustSchool(t, s, "第一中学")
	s.Close()
	// Opening again applies nothing and keeps the data.
	s2, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	schools, total, err := s2.ListSchools(context.Background(), store.SchoolFilter{})
	if err != nil || total != 1 || schools[0].Name != "第一中学" {
		t.Fatalf("after reopening: %v %d %v", schools, total, err)
	}
}

func TestDuplicateSchoolNameIsAFieldError(t *testing.T) {
	s, _ := mustStore(t)
	first := mustSchool(t, s, "第一中学")
	dup := &portal.School{DistrictID: first.DistrictID, Name: "第一中学", Stage: portal.StagePrimary, Enrolment: 100}
	err := s.CreateSchool(context.Background(), portal.SystemActor, dup)
	if f, ok := portal.AsFieldErrors(err); !ok || f["name"].ID != "ErrNameTaken" {
		t.Fatalf("CreateSchool(duplicate) = %v, want name ErrNameTaken", err)
	}
	// Nothing half-written: still one school and one audit row for it.
	_, total, _ := s.ListSchools(context.Background(), store.SchoolFilter{IncludeInactive: true})
	audit, _, _ := s.ListAudit(context.Background(), store.AuditFilter{Entity: "school"})
	if total != 1 || len(audit) != 1 {
		t.Errorf("after a refused duplicate: %d schools, %d audit rows; want 1 and 1", total, len(audit))
	}
}

func TestDesignateKeepsOneActive(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	for _, l := range []portal.DemoLevel{portal.LevelCity, portal.LevelProvincial} {
		if err := s.Designate(ctx, portal.SystemActor, &portal.Demonstration{SchoolID: sc.ID, Level: l, Year: 2024}); err != nil {
			t.Fatal(err)
		}
	}
	active, _ := s.ListDemonstrations(ctx, true)
	all, _ := s.ListDemonstrations(ctx, false)
	if len(active) != 1 || active[0].Level != portal.LevelProvincial || len(all) != 2 {
		t.Fatalf("active = %v, all = %d; want one provincial of two", active, len(all))
	}
	if err := s.Designate(ctx, portal.SystemActor, &portal.Demonstration{SchoolID: sc.ID, Level: portal.LevelNational, Year: 2030}); err == nil {
		t.Error("a designation in a future year was accepted")
	}
}

func TestJoinClassIsIdempotent(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: 2026, Grade: 7, Name: "初一（1）班"}
	if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	a, created, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "12", PIN: "2580"})
	if err != nil || !created || !a.HasPIN {
		t.Fatalf("first join: created=%v pin=%v %v", created, a != nil && a.HasPIN, err)
	}
	b, created, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "012", PIN: "2580"})
	if err != nil || created || b.ID != a.ID {
		t.Fatalf("second join = %v created=%v %v, want the same student %d", b, created, err, a.ID)
	}
	// Another name on a taken number and the right name with a wrong PIN get the
	// same answer, next to the PIN.
	for _, j := range []portal.StudentJoin{{Name: "王芳", PIN: "2580"}, {Name: "李小明", PIN: "1357"}} {
		j.Code, j.Number = c.JoinCode, "12"
		_, _, err = s.JoinClass(ctx, j)
		if f, ok := portal.AsFieldErrors(err); !ok || f["pin"].ID != "ErrJoinRefused" || len(f) != 1 {
			t.Fatalf("join as %s with PIN %s: %v, want ErrJoinRefused", j.Name, j.PIN, err)
		}
	}
	if err := s.SetClassArchived(ctx, portal.SystemActor, c.ID, true); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "赵强", Number: "13", PIN: "2580"})
	if f, ok := portal.AsFieldErrors(err); !ok || f["code"].ID != "ErrJoinCodeUnknown" {
		t.Fatalf("joining an archived class: %v", err)
	}
	students, _ := s.ListStudents(ctx, c.ID)
	if len(students) != 1 {
		t.Errorf("class has %d students, want 1", len(students))
	}
}

// TestJoinPINLimits checks that wrong PINs lock the student after
// portal.PINFailuresPerStudent (even with the right PIN) until the window passes or the
// PIN is reset, and that the class is locked after portal.PINFailuresPerClass.
func TestJoinPINLimits(t *testing.T) {
	at := now
	s, err := store.Open(context.Background(), storetest.DSN(t), store.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: 2026, Grade: 7, Name: "初一（1）班"}
	if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	join := func(number, pin string) error {
		_, _, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "学生" + number, Number: number, PIN: pin})
		return err
	}
	for _, n := range []string{"1", "50"} {
		if err := join(n, "2580"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < portal.PINFailuresPerStudent; i++ {
		if err := join("1", "1357"); portal.ErrorCode(err) != portal.EINVALID {
			t.Fatalf("wrong PIN %d: %v, want refused", i+1, err)
		}
	}
	if err := join("1", "2580"); err != store.ErrPINLocked {
		t.Fatalf("right PIN after %d wrong ones: %v, want ErrPINLocked", portal.PINFailuresPerStudent, err)
	}
	// Hammering the locked number does not lock the class.
	for i := 0; i < portal.PINFailuresPerClass; i++ {
		join("1", "1357")
	}
	if err := join("50", "2580"); err != nil {
		t.Fatalf("a classmate with the right PIN while one number is hammered: %v", err)
	}
	at = at.Add(portal.PINWindow + time.Second)
	if err := join("1", "2580"); err != nil {
		t.Fatalf("right PIN once the window passed: %v", err)
	}
	for i := 0; i < portal.PINFailuresPerStudent; i++ {
		join("1", "1357")
	}
	st, _ := s.ListStudents(ctx, c.ID)
	if err := s.ResetStudentPIN(ctx, portal.SystemActor, c.ID, st[0].ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.GetStudent(ctx, st[0].ID); st.HasPIN {
		t.Error("the PIN is still set after a reset")
	}
	if err := join("1", "9731"); err != nil {
		t.Fatalf("join after a reset with a new PIN: %v", err)
	}
	if err := join("1", "2580"); portal.ErrorCode(err) != portal.EINVALID {
		t.Fatalf("the old PIN after a reset and a new one: %v, want refused", err)
	}

	// Spread over many students, wrong PINs lock the class (joins that need a PIN).
	at = at.Add(portal.PINWindow + time.Second)
	n := 0
	for number := 2; n < portal.PINFailuresPerClass; number++ {
		if err := join(strconv.Itoa(number), "2580"); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < portal.PINFailuresPerStudent-1 && n < portal.PINFailuresPerClass; k++ {
			join(strconv.Itoa(number), "1357")
			n++
		}
	}
	if err := join("1", "9731"); err != store.ErrPINLocked {
		t.Errorf("right PIN in a class with %d wrong ones: %v, want ErrPINLocked", n, err)
	}
	if err := join("99", "9731"); err != nil {
		t.Errorf("a new student joining a locked class: %v, want let in", err)
	}
}

// TestJoinPINGuessesAtOnce: wrong PINs sent all at once are counted before any is
// compared, so no more than portal.PINFailuresPerStudent of them are ever tried.
func TestJoinPINGuessesAtOnce(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: 2026, Grade: 7, Name: "初一（1）班"}
	if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "1", PIN: "2580"}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "1", PIN: fmt.Sprintf("%04d", 3000+i*7)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	tried, locked := 0, 0
	for err := range errs {
		switch {
		case err == store.ErrPINLocked:
			locked++
		case portal.ErrorCode(err) == portal.EINVALID:
			tried++
		default:
			t.Errorf("guess: %v", err)
		}
	}
	if tried != portal.PINFailuresPerStudent || locked != n-portal.PINFailuresPerStudent {
		t.Errorf("%d guesses at once: %d compared, %d locked; want %d compared", n, tried, locked, portal.PINFailuresPerStudent)
	}
}

// TestStudentCodes checks personal sign-in codes: issued for some or all students of a
// class, found by the code as typed, and replaced by the next slip.
func TestStudentCodes(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: 2026, Grade: 7, Name: "初一（1）班"}
	if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1", "2"} {
		if _, _, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "学生" + n, Number: n, PIN: "2580"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.IssueStudentCodes(ctx, portal.SystemActor, c.ID, nil)
	if err != nil || len(all) != 2 {
		t.Fatalf("codes for the class = %d, %v", len(all), err)
	}
	got, err := s.StudentByCode(ctx, all[1].Code)
	if err != nil || got.ID != all[1].ID || !got.HasCode {
		t.Fatalf("StudentByCode = %v, %v, want student %d", got, err, all[1].ID)
	}
	one, err := s.IssueStudentCodes(ctx, portal.SystemActor, c.ID, []int64{all[1].ID})
	if err != nil || len(one) != 1 || one[0].ID != all[1].ID {
		t.Fatalf("code for one student = %v, %v", one, err)
	}
	if _, err := s.StudentByCode(ctx, all[1].Code); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the replaced code still signs in: %v", err)
	}
	if got, err := s.StudentByCode(ctx, all[0].Code); err != nil || got.ID != all[0].ID {
		t.Errorf("the other student's code: %v, %v", got, err)
	}
	if _, err := s.IssueStudentCodes(ctx, portal.SystemActor, c.ID, []int64{999999}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a code for a student of no class: %v", err)
	}
	if err := s.SetClassArchived(ctx, portal.SystemActor, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StudentByCode(ctx, one[0].Code); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("a code of an archived class signs in: %v", err)
	}
}

func TestConnectionSettings(t *testing.T) {
	s, _ := mustStore(t)
	got, err := s.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"writer.journal_mode": "wal", "writer.foreign_keys": "1", "writer.synchronous": "2", "writer.busy_timeout": "5000", "writer.query_only": "0",
		"reader.journal_mode": "wal", "reader.foreign_keys": "1", "reader.busy_timeout": "5000",
	}
	if storetest.Postgres() {
		// Durability is the server's: every commit waits for its WAL flush.
		want = map[string]string{"postgres.synchronous_commit": "on", "postgres.fsync": "on",
			"postgres.default_transaction_isolation": "read committed"}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestStudentCountsEqualRecount joins and removes students at random and checks that
// every class's maintained count, and the city's figure built on them, equal a recount.
func TestStudentCountsEqualRecount(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	sc := mustSchool(t, s, "第一中学")
	var classes []*portal.Class
	for i := 0; i < 4; i++ {
		c := &portal.Class{SchoolID: sc.ID, SchoolYear: 2026, Grade: 7 + i%3, Name: "班" + strconv.Itoa(i)}
		if err := s.CreateClass(ctx, portal.SystemActor, c); err != nil {
			t.Fatal(err)
		}
		classes = append(classes, c)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 150; i++ {
		c := classes[r.IntN(len(classes))]
		number := strconv.Itoa(1 + r.IntN(30))
		if r.IntN(3) == 0 {
			students, _ := s.ListStudents(ctx, c.ID)
			if len(students) > 0 {
				st := students[r.IntN(len(students))]
				if err := s.RemoveStudent(ctx, portal.SystemActor, c.ID, st.ID); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		// Joining twice with the same number and name must not count twice; another
		// name on a taken number is refused and must not count either.
		name := "学生" + number
		if r.IntN(5) == 0 {
			name = "别人"
		}
		s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: name, Number: number, PIN: "2580"})
	}
	if err := s.SetClassArchived(ctx, portal.SystemActor, classes[0].ID, true); err != nil {
		t.Fatal(err)
	}
	listed, _ := s.ListClasses(ctx, sc.ID, 2026, true)
	total := 0
	for _, c := range listed {
		students, err := s.ListStudents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Students != len(students) {
			t.Errorf("class %s: maintained count %d, recount %d", c.Name, c.Students, len(students))
		}
		total += len(students)
	}
	f, err := s.CityFigures(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	school, _ := s.GetSchool(ctx, sc.ID, 2026)
	if f.StudentsRegistered != total || school.StudentsJoined != total || school.Classes != 3 {
		t.Errorf("city %d, school %d students in %d classes; recount %d in 3", f.StudentsRegistered, school.StudentsJoined, school.Classes, total)
	}
}
