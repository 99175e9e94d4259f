package seed_test

import (
	"context"
	"github.com/jinducity/portal/store/storetest"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

var testNow = time.Date(2026, time.November, 23, 10, 0, 0, 0, portal.CST)

func mustStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), storetest.DSN(t), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mustDemo(t *testing.T) (*store.Store, []seed.Account) {
	t.Helper()
	st := mustStore(t)
	start := time.Now()
	accounts, err := seed.Demo(context.Background(), st, testNow)
	if err != nil {
		t.Fatalf("Demo() = %v", err)
	}
	t.Logf("seed.Demo took %v", time.Since(start))
	return st, accounts
}

func TestDemoAccounts(t *testing.T) {
	st, accounts := mustDemo(t)
	ctx := context.Background()
	want := map[string]portal.Role{
		"admin": portal.RoleAdmin, "district": portal.RoleDistrict, "teacher": portal.RoleTeacher,
		"coordinator": portal.RoleCoordinator, "volunteer": portal.RoleVolunteer,
		"v001": portal.RoleVolunteer, "v200": portal.RoleVolunteer,
	}
	users := map[string]*portal.User{}
	for name, role := range want {
		u, hash, err := st.UserCredentials(ctx, name)
		if err != nil {
			t.Fatalf("UserCredentials(%q) = %v", name, err)
		}
		if u.Role != role || !u.Demo || u.Disabled {
			t.Errorf("%s: role %s demo %v disabled %v, want %s, demo, enabled", name, u.Role, u.Demo, u.Disabled, role)
		}
		if !portal.CheckPassword(hash, seed.DemoPassword) {
			t.Errorf("%s: the demo password does not match", name)
		}
		users[name] = u
	}
	if _, _, err := st.UserCredentials(ctx, "v201"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("v201 exists (err %v), want only v001…v200", err)
	}

	districts, err := st.ListDistricts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if users["district"].DistrictID != districts[0].ID {
		t.Errorf("district reviewer's district = %d, want the first, %d", users["district"].DistrictID, districts[0].ID)
	}
	assocs, err := st.ListAssociations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"coordinator", "volunteer", "v001", "v200"} {
		if users[name].AssociationID != assocs[0].ID {
			t.Errorf("%s: association %d, want the first, %d", name, users[name].AssociationID, assocs[0].ID)
		}
	}

	// The printed list names every contract account, with v001…v200 on one line.
	printed := map[string]bool{}
	for _, a := range accounts {
		printed[a.Username] = true
	}
	for _, name := range []string{"admin", "district", "teacher", "coordinator", "volunteer", "v001 … v200"} {
		if !printed[name] {
			t.Errorf("accounts to print lack %q", name)
		}
	}
	if printed["v002"] {
		t.Errorf("accounts to print list v002 on its own line")
	}
}

func TestDemoCity(t *testing.T) {
	st, _ := mustDemo(t)
	ctx := context.Background()
	year := portal.SchoolYear(testNow)

	districts, err := st.ListDistricts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(districts) != 6 {
		t.Errorf("districts = %d, want 6", len(districts))
	}
	schools, total, err := st.ListSchools(ctx, store.SchoolFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total < 55 || total > 65 {
		t.Errorf("schools = %d, want about 60", total)
	}
	stages := map[portal.Stage]int{}
	graduating := 0
	for _, sc := range schools {
		stages[sc.Stage]++
		if sc.HasGraduating {
			graduating++
		}
		if sc.Address == "" || sc.ContactName == "" {
			t.Errorf("%s: no address or contact", sc.Name)
		}
	}
	for _, s := range portal.Stages {
		if stages[s] == 0 {
			t.Errorf("no %s school", s)
		}
	}
	if graduating == total || graduating < total*3/4 {
		t.Errorf("schools with a graduating class = %d of %d, want most but not all", graduating, total)
	}

	// The demo class: the teacher's school, the current school year.
	teacher, _, err := st.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.GetSchool(ctx, teacher.SchoolID, year)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stage != portal.StageJunior && first.Stage != portal.StageNineYear {
		t.Errorf("first school %s is %s, want junior or nine-year", first.Name, first.Stage)
	}
	classes, err := st.ListClasses(ctx, first.ID, year, false)
	if err != nil {
		t.Fatal(err)
	}
	var demo *portal.Class
	for i := range classes {
		if classes[i].JoinCode == seed.DemoJoinCode {
			demo = &classes[i]
		}
	}
	if demo == nil {
		t.Fatalf("no class with code %s in %s, %d", seed.DemoJoinCode, first.Name, year)
	}
	if len(classes) < 6 {
		t.Errorf("first school has %d classes this year, want a few per grade", len(classes))
	}
	prev, err := st.ListClasses(ctx, first.ID, year-1, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(prev) == 0 {
		t.Errorf("first school has no classes last year")
	}
	// Classes other than the demo class have 70–95 % of a class registered.
	for _, c := range append(classes, prev...) {
		if c.JoinCode == seed.DemoJoinCode {
			continue
		}
		if c.Students < 25 || c.Students > 52 {
			t.Errorf("%s %d: %d students joined", c.Name, c.SchoolYear, c.Students)
		}
	}

	demos, err := st.ListDemonstrations(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	active := map[portal.DemoLevel]int{}
	revoked := 0
	for _, d := range demos {
		if d.Status == portal.DemoActive {
			active[d.Level]++
		} else {
			revoked++
		}
	}
	for _, l := range portal.DemoLevels {
		if active[l] == 0 {
			t.Errorf("no active %s demonstration school", l)
		}
	}
	if revoked == 0 {
		t.Errorf("no revoked designation")
	}

	fig, err := st.CityFigures(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if fig.StudentsRegistered == 0 || fig.Associations < len(districts) || fig.Volunteers < 201 {
		t.Errorf("figures = %+v", fig)
	}
	last, err := st.CityFigures(ctx, year-1)
	if err != nil {
		t.Fatal(err)
	}
	if last.StudentsRegistered == 0 {
		t.Errorf("no students registered last year")
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	ctx := context.Background()
	names := func() []string {
		st := mustStore(t)
		if _, err := seed.Demo(ctx, st, testNow); err != nil {
			t.Fatal(err)
		}
		u, _, err := st.ListUsers(ctx, store.UserFilter{Query: "v1"})
		if err != nil {
			t.Fatal(err)
		}
		sc, _, err := st.ListSchools(ctx, store.SchoolFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return []string{u[0].DisplayName, u[len(u)-1].DisplayName, sc[3].ContactName, sc[10].Address}
	}
	a, b := names(), names()
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("run 1 gave %q, run 2 %q", a[i], b[i])
		}
	}
}

// BenchmarkDemo measures the seed that every handler test runs first.
func BenchmarkDemo(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		st := mustStore(b)
		b.StartTimer()
		if _, err := seed.Demo(context.Background(), st, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
