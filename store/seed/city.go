package seed

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// CitySize is the size of the city-scale data set of the load benchmark. Activities are
// the activity records over the previous and the current school year, Attempts the
// submitted quiz attempts of the current year's students, Services the confirmed,
// attended sign-ups with hours over the two years; zero means none.
type CitySize struct {
	Districts, Schools, Classes, Students, Associations, Volunteers int
	Activities, Attempts, Services                                  int
}

// FullCity is the city the benchmark targets: a large Chinese city's schools on one
// modest server.
var FullCity = CitySize{Districts: 12, Schools: 2000, Classes: 25000, Students: 1000000, Associations: 200, Volunteers: 20000,
	Activities: 300000, Attempts: 3000000, Services: 150000}

// CityExamTitle is the title of the exam spike's test: a city-wide knowledge test of the
// band with the most students, open from an hour before the seed's now for 30 days, with
// no attempts yet; the only open assignment of the city set without attempts.
const CityExamTitle = "全市禁毒知识测试（期末）"

// CityAccounts are the accounts of the city data set that the benchmark logs in with,
// all with DemoPassword: the admin, the teacher of the first school and the coordinator
// of the first association.
var CityAccounts = struct{ Admin, Teacher, Coordinator string }{"admin", "teacher", "coordinator"}

var cityDistricts = []string{"东城区", "西城区", "南湖区", "北山区", "高新区", "经开区", "滨海新区", "临江区",
	"青岚区", "松湖区", "安平县", "石门县"}

// stageShare is how the city's schools divide between stages, in per cent.
var stageShare = []struct {
	stage portal.Stage
	share int
	kind  string
}{{pri, 55, "小学"}, {jun, 20, "初级中学"}, {sen, 10, "高级中学"}, {nin, 10, "九年制学校"}, {voc, 5, "职业学校"}}

// City writes the city-scale data set into an empty database, deterministically for a
// seed, through the store's bulk methods: large transactions, validated rows. After the
// districts, schools, accounts, classes and students come size.Activities activity
// records over two school years, size.Services confirmed volunteer services and
// size.Attempts quiz attempts, then the exam spike's test (CityExamTitle). Every account
// is marked as a demo account (its password is public), so a production start refuses the
// database.
func City(ctx context.Context, s *store.Store, now time.Time, size CitySize, seed uint64, progress func(string)) error {
	a := portal.SystemActor
	g := &gen{r: rand.New(rand.NewPCG(seed, 626)), now: now, year: portal.SchoolYear(now), codes: map[string]bool{}}
	if progress == nil {
		progress = func(string) {}
	}
	start, _ := portal.SchoolYearBounds(g.year)

	districts := make([]*portal.District, size.Districts)
	for i := range districts {
		name := fmt.Sprintf("第%d区", i+1)
		if i < len(cityDistricts) {
			name = cityDistricts[i]
		}
		districts[i] = &portal.District{Name: name, Code: fmt.Sprintf("D%02d", i+1)}
	}
	if err := s.BulkCreateDistricts(ctx, a, districts); err != nil {
		return fmt.Errorf("districts: %w", err)
	}

	schools := make([]*portal.School, size.Schools)
	perKind := map[string]int{}
	for i := range schools {
		d := districts[i%len(districts)]
		pick := g.r.IntN(100)
		st := stageShare[0]
		for _, x := range stageShare {
			if pick < x.share {
				st = x
				break
			}
			pick -= x.share
		}
		key := d.Name + st.kind
		perKind[key]++
		r := enrolmentRange[st.stage]
		schools[i] = &portal.School{DistrictID: d.ID, Name: fmt.Sprintf("%s第%d%s", d.Name, perKind[key], st.kind),
			Stage: st.stage, Enrolment: g.between(r[0], r[1]), HasGraduating: g.r.IntN(50) > 0,
			Address: d.Name + g.pick(roads) + fmt.Sprint(g.between(1, 300)) + "号", CreatedAt: start.AddDate(-1, 0, 0)}
	}
	// The first school is the benchmark teacher's; it teaches grade 7 so quizzes of every
	// band have takers in the city.
	schools[0].Stage, schools[0].Name = nin, districts[0].Name+"第1实验学校"
	if err := s.BulkCreateSchools(ctx, a, schools); err != nil {
		return fmt.Errorf("schools: %w", err)
	}
	progress(fmt.Sprintf("%d schools", len(schools)))

	var designations []*store.SeedDesignation
	for i, sc := range schools {
		level := portal.DemoLevel("")
		switch {
		case i%200 == 1:
			level = portal.LevelNational
		case i%50 == 2:
			level = portal.LevelProvincial
		case i%15 == 3:
			level = portal.LevelCity
		}
		if level != "" {
			designations = append(designations, &store.SeedDesignation{Demonstration: portal.Demonstration{
				SchoolID: sc.ID, Level: level, Year: g.year - g.r.IntN(5), Status: portal.DemoActive}})
		}
	}
	if err := s.BulkCreateDemonstrations(ctx, a, designations); err != nil {
		return fmt.Errorf("demonstrations: %w", err)
	}

	assocs := make([]*portal.Association, size.Associations)
	for i := range assocs {
		d := districts[i%len(districts)]
		assocs[i] = &portal.Association{Name: fmt.Sprintf("%s禁毒志愿者协会第%d分会", d.Name, i/len(districts)+1), DistrictID: d.ID}
	}
	if err := s.BulkCreateAssociations(ctx, a, assocs); err != nil {
		return fmt.Errorf("associations: %w", err)
	}

	users := []*portal.User{
		{Username: CityAccounts.Admin, DisplayName: "市禁毒办管理员", Role: portal.RoleAdmin},
		{Username: CityAccounts.Teacher, DisplayName: "王老师", Role: portal.RoleTeacher, SchoolID: schools[0].ID},
		{Username: CityAccounts.Coordinator, DisplayName: "李协调员", Role: portal.RoleCoordinator, AssociationID: assocs[0].ID},
	}
	for i, d := range districts {
		users = append(users, &portal.User{Username: fmt.Sprintf("district%02d", i+1), DisplayName: d.Name + "审核员",
			Role: portal.RoleDistrict, DistrictID: d.ID})
	}
	for i := 0; i < size.Volunteers; i++ {
		users = append(users, &portal.User{Username: fmt.Sprintf("vol%05d", i+1), DisplayName: g.name(anyNames),
			Role: portal.RoleVolunteer, AssociationID: assocs[i%len(assocs)].ID})
	}
	for _, u := range users {
		u.Demo = true
		// Before the previous school year, whose services the volunteers took part in.
		u.CreatedAt = start.AddDate(-1, -g.r.IntN(12), 0)
	}
	hash, err := demoHash()
	if err != nil {
		return err
	}
	if err := s.BulkCreateUsers(ctx, a, users, hash); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	progress(fmt.Sprintf("%d accounts", len(users)))

	// The sign-up race's opportunity: 30 places a month ahead, open to every approved
	// volunteer of the city.
	loadStart := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, portal.CST).AddDate(0, 0, 30)
	load := &store.SeedOpportunity{Opportunity: portal.Opportunity{AssociationID: assocs[0].ID, Title: DemoLoadTitle,
		Description: "请提前十分钟到场签到，穿着协会志愿者马甲。", Place: districts[0].Name + "市民广场",
		StartsAt: loadStart, EndsAt: loadStart.Add(3 * time.Hour), Deadline: loadStart.AddDate(0, 0, -2),
		Capacity: DemoLoadCapacity, Skills: []portal.Skill{portal.SkillPublicity}, CityWide: true, CreatedAt: now}}
	if err := s.BulkSeedVolunteers(ctx, a, &store.SeedVolunteerData{Opportunities: []*store.SeedOpportunity{load}}); err != nil {
		return fmt.Errorf("opportunities: %w", err)
	}

	classes := cityClasses(g, schools, size.Classes, start)
	if err := s.BulkCreateClasses(ctx, a, classes); err != nil {
		return fmt.Errorf("classes: %w", err)
	}
	progress(fmt.Sprintf("%d classes", len(classes)))

	// Students go in chunks, one transaction each, to bound memory.
	perClass := size.Students / len(classes)
	extra := size.Students % len(classes)
	const chunk = 100000
	batch := make([]portal.Student, 0, chunk)
	total := 0
	enrolled := make(map[int64]int, len(classes))
	for i, c := range classes {
		n := perClass
		if i < extra {
			n++
		}
		enrolled[c.ID] = n
		for k := 1; k <= n; k++ {
			batch = append(batch, portal.Student{ClassID: c.ID, Name: g.name(childNames), Number: fmt.Sprint(k),
				CreatedAt: g.notAfterNow(start.Add(time.Duration(g.r.IntN(60*24)) * time.Hour))})
		}
		if len(batch) >= chunk || i == len(classes)-1 {
			if err := s.BulkJoinStudents(ctx, a, batch); err != nil {
				return fmt.Errorf("students: %w", err)
			}
			total += len(batch)
			batch = batch[:0]
			progress(fmt.Sprintf("%d students", total))
		}
	}

	// Each part draws from a random source of its own, so that changing one leaves the
	// others as they were.
	if err := cityActivities(ctx, s, rand.New(rand.NewPCG(seed, 1)), now, schools, classes, enrolled, size.Activities, progress); err != nil {
		return fmt.Errorf("activities: %w", err)
	}
	if err := cityServices(ctx, s, rand.New(rand.NewPCG(seed, 2)), now, districts, assocs, users, size.Services, progress); err != nil {
		return fmt.Errorf("services: %w", err)
	}
	if err := cityQuizzes(ctx, s, rand.New(rand.NewPCG(seed, 3)), now, classes, enrolled, size.Attempts, progress); err != nil {
		return fmt.Errorf("quizzes: %w", err)
	}
	// The attempts were loaded with the aggregate triggers paused: one recount.
	t0 := time.Now()
	if err := s.RebuildAggregates(ctx); err != nil {
		return fmt.Errorf("aggregates: %w", err)
	}
	progress(fmt.Sprintf("aggregates recounted in %.1f s", time.Since(t0).Seconds()))
	if err := s.Analyze(ctx); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// cityClasses spreads n classes of the current school year over the schools, each school
// getting classes in the grades its stage teaches. They come out by school and grade, so
// that the IDs of a school's classes and students are consecutive and the attempts,
// written school by school, append to every index of theirs.
func cityClasses(g *gen, schools []*portal.School, n int, start time.Time) []*portal.Class {
	out := make([]*portal.Class, 0, n)
	counter := make([]map[int]int, len(schools))
	for i := 0; len(out) < n; i++ {
		si := i % len(schools)
		sc := schools[si]
		first, last, _ := sc.Stage.Grades()
		grade := first + (i/len(schools))%(last-first+1)
		if counter[si] == nil {
			counter[si] = map[int]int{}
		}
		counter[si][grade]++
		c := &portal.Class{SchoolID: sc.ID, SchoolYear: g.year, Grade: grade,
			Name: className(sc.Stage, g.year, grade, counter[si][grade]), JoinCode: g.joinCode(),
			CreatedAt: g.notAfterNow(start.AddDate(0, 0, g.r.IntN(10)))}
		if g.r.IntN(10) < 8 {
			c.ConsentDate, c.ConsentVersion = g.notAfterNow(start.AddDate(0, 0, 10+g.r.IntN(20))), portal.ConsentNoticeVersion
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b *portal.Class) int {
		return cmp.Or(cmp.Compare(a.SchoolID, b.SchoolID), cmp.Compare(a.Grade, b.Grade))
	})
	return out
}

// notAfterNow caps a generated time at the seed's now, so a data set made early in a
// school year holds nothing in the future.
func (g *gen) notAfterNow(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now
	}
	return t
}
