package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

var now = time.Date(2026, time.November, 23, 10, 0, 0, 0, portal.CST)

func mustStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portal.db")
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
	a, created, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "12"})
	if err != nil || !created {
		t.Fatalf("first join: %v %v", created, err)
	}
	b, created, err := s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "李小明", Number: "012"})
	if err != nil || created || b.ID != a.ID {
		t.Fatalf("second join = %d created=%v %v, want the same student %d", b.ID, created, err, a.ID)
	}
	_, _, err = s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "王芳", Number: "12"})
	if f, ok := portal.AsFieldErrors(err); !ok || f["number"].ID != "ErrNumberTaken" {
		t.Fatalf("another name on a taken number: %v", err)
	}
	if err := s.SetClassArchived(ctx, portal.SystemActor, c.ID, true); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "赵强", Number: "13"})
	if f, ok := portal.AsFieldErrors(err); !ok || f["code"].ID != "ErrJoinCodeUnknown" {
		t.Fatalf("joining an archived class: %v", err)
	}
	students, _ := s.ListStudents(ctx, c.ID)
	if len(students) != 1 {
		t.Errorf("class has %d students, want 1", len(students))
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
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
