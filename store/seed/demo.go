// Package seed fills a database with the fictional demo city, through the real store.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo12345"

// DemoJoinCode is the join code of the demo class.
const DemoJoinCode = "DEMO01"

// DemoCity is the name of the fictional demo city.
const DemoCity = "云溪市"

// DemoVolunteers is the number of numbered volunteers v001…v200 of the first association.
const DemoVolunteers = 200

// Account is a demo account, for printing at start.
type Account struct {
	Username string
	Role     portal.Role
	Note     string
}

// demoDistricts are the city's districts; the first is the district reviewer's.
var demoDistricts = []struct{ name, code string }{
	{"云溪区", "YX"}, {"青岚区", "QL"}, {"白鹭洲区", "BLZ"}, {"临江区", "LJ"}, {"松湖新区", "SH"}, {"安平县", "AP"},
}

// demoSchool is one school of the demo city. grades > 0 marks a new school that runs only
// its first grades so far, and so has no graduating class yet.
type demoSchool struct {
	district int
	name     string
	stage    portal.Stage
	grades   int
}

const (
	pri = portal.StagePrimary
	jun = portal.StageJunior
	sen = portal.StageSenior
	nin = portal.StageNineYear
	voc = portal.StageVocational
)

// demoSchools are the city's schools. The first is the demo teacher's and holds the demo
// class, so it must teach grade 7 (a junior or nine-year school).
var demoSchools = []demoSchool{
	{0, "云溪区实验中学", jun, 0}, {0, "云溪区实验小学", pri, 0}, {0, "青石路小学", pri, 0}, {0, "文昌路小学", pri, 0},
	{0, "云溪市第一中学", sen, 0}, {0, "云溪区第二初级中学", jun, 0}, {0, "桂香里小学", pri, 0},
	{0, "云溪市职业技术学校", voc, 0}, {0, "云溪外国语学校", nin, 0}, {0, "锦江路小学", pri, 0}, {0, "云溪区第三初级中学", jun, 0},

	{1, "青岚区实验小学", pri, 0}, {1, "青岚路小学", pri, 0}, {1, "望湖小学", pri, 0}, {1, "青岚区第一初级中学", jun, 0},
	{1, "云溪市第三中学", sen, 0}, {1, "青岚中学", jun, 0}, {1, "凤鸣学校", nin, 0}, {1, "云溪市卫生学校", voc, 0},
	{1, "柳塘小学", pri, 0}, {1, "云溪市第五中学", sen, 0},

	{2, "白鹭洲小学", pri, 0}, {2, "白鹭洲区实验小学", pri, 0}, {2, "滨江路小学", pri, 0}, {2, "白鹭洲中学", jun, 0},
	{2, "白鹭洲区第二初级中学", jun, 0}, {2, "云溪市第二中学", sen, 0}, {2, "鹭湾学校", nin, 0},
	{2, "云溪市旅游职业学校", voc, 0}, {2, "沙洲小学", pri, 0}, {2, "芦花巷小学", pri, 0},

	{3, "临江区实验小学", pri, 0}, {3, "临江路小学", pri, 0}, {3, "码头街小学", pri, 0}, {3, "临江区第一初级中学", jun, 0},
	{3, "临江中学", jun, 0}, {3, "云溪市第四中学", sen, 0}, {3, "江岸学校", nin, 0}, {3, "临江区职业中等专业学校", voc, 0},
	{3, "渡口小学", pri, 0}, {3, "临江区高级中学", sen, 0},

	{4, "松湖小学", pri, 0}, {4, "松湖新区实验学校", nin, 0}, {4, "松湖新区第一小学", pri, 3}, {4, "松湖新区第二小学", pri, 2},
	{4, "松湖中学", jun, 0}, {4, "科创路小学", pri, 0}, {4, "松湖新区实验高级中学", sen, 2},
	{4, "云溪市信息工程职业学校", voc, 0}, {4, "湖心学校", nin, 4},

	{5, "安平县实验小学", pri, 0}, {5, "安平县城关小学", pri, 0}, {5, "安平县东关小学", pri, 0}, {5, "安平县第一中学", sen, 0},
	{5, "安平县第二中学", sen, 0}, {5, "安平县城关初级中学", jun, 0}, {5, "安平县石桥镇中学", jun, 0},
	{5, "安平县马坪镇中心学校", nin, 0}, {5, "安平县职业中学", voc, 0}, {5, "安平县南塘镇中心小学", pri, 0},
}

// enrolmentRange is the plausible enrolment of a school of each stage.
var enrolmentRange = map[portal.Stage][2]int{
	pri: {600, 2500}, jun: {800, 2000}, sen: {1200, 3000}, voc: {800, 2500}, nin: {900, 2200},
}

// classSize is the plausible size of one class of each stage.
var classSize = map[portal.Stage][2]int{
	pri: {38, 45}, jun: {44, 50}, sen: {46, 54}, voc: {38, 46}, nin: {40, 48},
}

var roads = []string{"人民路", "建设路", "解放路", "学府路", "育才路", "文化路", "新华街", "中山路", "朝阳路",
	"和平路", "光明街", "长青路", "东风路", "湖滨路", "府前街", "北环路"}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤")

var childNames = strings.Fields(`子涵 梓萱 浩然 宇轩 欣怡 一诺 诗涵 俊杰 思远 雨桐 若曦 明轩 嘉怡 语嫣 皓轩 佳琪 文博
	晨曦 奕辰 可馨 沐阳 锦程 子墨 依诺 天佑 芷若 一鸣 紫涵 博文 思琪 梓涵 宇航 雨萱 子轩 欣然 睿泽 诗琪 俊熙 梦瑶 浩宇
	家豪 静怡 晓彤 思彤 泽宇 嘉乐 语桐 梓睿 安琪 铭泽 雅琪 昊天 晨阳 书瑶 子豪 乐萱 思源 子健 若彤 心怡 一凡 佳怡 子航
	梓豪 诗雨 嘉懿 星辰 文轩 雨涵 宇泽 可欣 浩轩 明哲 芊芊 子怡 奕涵 辰逸 一宁 思雨 悦 航 琳 睿 婷 鑫 涛 欣 阳 颖`)

var adultNames = strings.Fields(`建华 丽娟 国强 秀英 志刚 海燕 晓东 红梅 建国 丽华 永强 桂芳 文华 春梅 卫东 玉兰 志明 淑珍
	立新 慧敏 海涛 雪梅 振华 晓燕 俊峰 美玲 国庆 晓红 建军 秀兰 明亮 丽萍 德胜 燕 敏 伟 静 军 磊 霞 勇 芳 涛 娜 强 莉`)

// demoHash is the hash of DemoPassword, computed once per process: bcrypt is slow on
// purpose, every demo account shares the password, and tests seed a database per test.
var demoHash = sync.OnceValues(func() (string, error) { return portal.HashPassword(DemoPassword) })

// anyNames are the given names of volunteers, young and not so young.
var anyNames = slices.Concat(childNames, adultNames)

// gen draws the demo city's details from a fixed seed, so that every run builds the same city.
type gen struct {
	r     *rand.Rand
	now   time.Time
	year  int
	codes map[string]bool
}

func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) name(given []string) string {
	return string(surnames[g.r.IntN(len(surnames))]) + g.pick(given)
}

// day returns a time on the given day after start, during the school day, never after now.
func (g *gen) day(start time.Time, days int) time.Time {
	t := start.AddDate(0, 0, days).Add(time.Duration(g.between(8*60, 17*60)) * time.Minute)
	if t.After(g.now) {
		return g.now
	}
	return t
}

// joinCode returns a new code from the same alphabet as the portal's random codes.
func (g *gen) joinCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	for {
		b := make([]byte, portal.JoinCodeLength)
		for i := range b {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		if c := string(b); !g.codes[c] {
			g.codes[c] = true
			return c
		}
	}
}

// Demo fills an empty database with the demo city and returns the accounts to print.
// Every account's password is DemoPassword. The city has six districts, sixty schools of
// every stage with classes and registered students in the current and the previous school
// year, demonstration schools at every level and a volunteer association per district.
func Demo(ctx context.Context, s *store.Store, now time.Time) ([]Account, error) {
	a := portal.SystemActor
	g := &gen{r: rand.New(rand.NewPCG(2015, 626)), now: now, year: portal.SchoolYear(now), codes: map[string]bool{DemoJoinCode: true}}
	prevStart, _ := portal.SchoolYearBounds(g.year - 1)

	districts := make([]*portal.District, len(demoDistricts))
	for i, d := range demoDistricts {
		districts[i] = &portal.District{Name: d.name, Code: d.code}
	}
	if err := s.BulkCreateDistricts(ctx, a, districts); err != nil {
		return nil, fmt.Errorf("districts: %w", err)
	}

	schools := g.schools(districts, prevStart)
	if err := s.BulkCreateSchools(ctx, a, schools); err != nil {
		return nil, fmt.Errorf("schools: %w", err)
	}
	if err := s.BulkCreateDemonstrations(ctx, a, g.designations(schools)); err != nil {
		return nil, fmt.Errorf("demonstrations: %w", err)
	}

	assocs := make([]*portal.Association, len(districts))
	for i, d := range districts {
		assocs[i] = &portal.Association{Name: d.Name + "禁毒志愿者协会", DistrictID: d.ID}
	}
	if err := s.BulkCreateAssociations(ctx, a, assocs); err != nil {
		return nil, fmt.Errorf("associations: %w", err)
	}

	users, accounts := g.users(districts, schools, assocs, prevStart)
	hash, err := demoHash()
	if err != nil {
		return nil, err
	}
	if err := s.BulkCreateUsers(ctx, a, users, hash); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}

	classes := g.classes(schools)
	if err := s.BulkCreateClasses(ctx, a, classes); err != nil {
		return nil, fmt.Errorf("classes: %w", err)
	}
	if err := s.BulkJoinStudents(ctx, a, g.students(classes, schools)); err != nil {
		return nil, fmt.Errorf("students: %w", err)
	}
	if err := g.activities(ctx, s, schools, classes); err != nil {
		return nil, fmt.Errorf("activities: %w", err)
	}
	if err := quizzes(ctx, s, now, schools, classes); err != nil {
		return nil, fmt.Errorf("quizzes: %w", err)
	}
	if err := g.volunteerService(ctx, s, districts, schools, assocs, users); err != nil {
		return nil, err
	}
	if err := creation(ctx, s, now, schools, users); err != nil {
		return nil, fmt.Errorf("creation: %w", err)
	}
	more, err := demoBases(ctx, s, now, districts, schools)
	if err != nil {
		return nil, fmt.Errorf("bases: %w", err)
	}
	if err := demoReceipts(ctx, s, now, schools[0]); err != nil {
		return nil, fmt.Errorf("receipts: %w", err)
	}
	return append(accounts, more...), nil
}

func (g *gen) schools(districts []*portal.District, prevStart time.Time) []*portal.School {
	out := make([]*portal.School, len(demoSchools))
	for i, d := range demoSchools {
		r := enrolmentRange[d.stage]
		first, last, _ := d.stage.Grades()
		enrol := g.between(r[0], r[1])
		if d.grades > 0 {
			// A new school has only its first grades so far.
			enrol = max(r[0], enrol*d.grades/(last-first+1))
		}
		road := g.pick(roads)
		if i := strings.Index(d.name, "路"); i > 0 && !strings.Contains(d.name[:i], "区") {
			road = d.name[:i+len("路")]
		}
		district := districts[d.district]
		created := prevStart.AddDate(-2, 0, -g.between(0, 60))
		if d.grades > 0 {
			created = prevStart.AddDate(-(d.grades - 2), 0, -g.between(0, 30))
		}
		out[i] = &portal.School{
			DistrictID: district.ID, DistrictName: district.Name, Name: d.name, Stage: d.stage, Enrolment: enrol,
			HasGraduating: d.grades == 0,
			Address:       fmt.Sprintf("%s%s%s%d号", DemoCity, district.Name, road, g.between(1, 399)),
			ContactName:   g.name(adultNames),
			// 000- is no real area code: the numbers are plainly fictional.
			ContactPhone: fmt.Sprintf("000-%08d", g.between(60000000, 89999999)),
			CreatedAt:    created,
		}
	}
	return out
}

// designations makes 2 national, 5 provincial and 12 city demonstration schools, and two
// earlier designations that were revoked: one school moved up a level, one lost its title.
func (g *gen) designations(schools []*portal.School) []*store.SeedDesignation {
	y := g.now.Year()
	order := g.r.Perm(len(schools))
	var out []*store.SeedDesignation
	add := func(school *portal.School, level portal.DemoLevel, year int, status string) *store.SeedDesignation {
		d := &store.SeedDesignation{Demonstration: portal.Demonstration{SchoolID: school.ID, Level: level, Year: year,
			Status: status, CreatedAt: time.Date(year, time.Month(g.between(3, 12)), g.between(1, 28), 10, 0, 0, 0, portal.CST)}}
		if d.CreatedAt.After(g.now) {
			d.CreatedAt = g.now
		}
		// Three-year terms, renewed at each review while the school keeps its title.
		d.Since = d.DefaultSince()
		if d.Since.After(g.now) {
			d.Since = time.Date(d.CreatedAt.Year(), d.CreatedAt.Month(), d.CreatedAt.Day(), 0, 0, 0, 0, portal.CST)
		}
		d.ValidUntil = portal.ValidUntil(d.Since, 3)
		for status == portal.DemoActive && d.ValidUntil.Before(g.now) {
			d.ValidUntil = d.ValidUntil.AddDate(3, 0, 0)
		}
		out = append(out, d)
		return d
	}
	next := 0
	take := func() *portal.School {
		for {
			sc := schools[order[next]]
			next++
			if sc.HasGraduating { // new schools are not designated yet
				return sc
			}
		}
	}
	for _, year := range []int{y - 7, y - 4} {
		add(take(), portal.LevelNational, year, portal.DemoActive)
	}
	for i := range 5 {
		sc := take()
		if i == 0 {
			// Moved up from city to provincial level: the old title was revoked then.
			old := add(sc, portal.LevelCity, y-8, portal.DemoRevoked)
			old.RevokedAt = time.Date(y-3, time.June, 20, 10, 0, 0, 0, portal.CST)
			add(sc, portal.LevelProvincial, y-3, portal.DemoActive)
			continue
		}
		add(sc, portal.LevelProvincial, y-g.between(1, 6), portal.DemoActive)
	}
	for i := range 12 {
		d := add(take(), portal.LevelCity, y-g.between(0, 5), portal.DemoActive)
		if i < 2 {
			// Due for review soon: the renewal list has something to show.
			d.ValidUntil = time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, portal.CST).AddDate(0, 0, 30+40*i)
		}
	}
	lost := add(take(), portal.LevelCity, y-9, portal.DemoRevoked)
	lost.Note = "复评未通过"
	lost.RevokedAt = time.Date(y-5, time.December, 15, 10, 0, 0, 0, portal.CST)
	return out
}

// users returns the demo accounts and the lines that list them.
func (g *gen) users(districts []*portal.District, schools []*portal.School, assocs []*portal.Association,
	prevStart time.Time) ([]*portal.User, []Account) {
	var users []*portal.User
	var accounts []Account
	add := func(username, name string, role portal.Role, scope int64, joined time.Time) *portal.User {
		u := &portal.User{Username: username, DisplayName: name, Role: role, Demo: true, CreatedAt: joined}
		switch role {
		case portal.RoleDistrict:
			u.DistrictID = scope
		case portal.RoleTeacher:
			u.SchoolID = scope
		case portal.RoleCoordinator, portal.RoleVolunteer:
			u.AssociationID = scope
		}
		users = append(users, u)
		return u
	}
	early := prevStart.AddDate(0, -1, 0)
	add("admin", "周敏", portal.RoleAdmin, 0, early)
	accounts = append(accounts, Account{"admin", portal.RoleAdmin, DemoCity + "禁毒办"})
	add("district", g.name(adultNames), portal.RoleDistrict, districts[0].ID, early)
	accounts = append(accounts, Account{"district", portal.RoleDistrict, districts[0].Name})
	add("teacher", "王"+g.pick(adultNames), portal.RoleTeacher, schools[0].ID, early)
	accounts = append(accounts, Account{"teacher", portal.RoleTeacher, schools[0].Name + "，班级码 " + DemoJoinCode})
	add("coordinator", g.name(adultNames), portal.RoleCoordinator, assocs[0].ID, early)
	accounts = append(accounts, Account{"coordinator", portal.RoleCoordinator, assocs[0].Name})
	add("volunteer", g.name(adultNames), portal.RoleVolunteer, assocs[0].ID, early)
	accounts = append(accounts, Account{"volunteer", portal.RoleVolunteer, assocs[0].Name})
	// Volunteers joined over the last two years.
	span := int(g.now.Sub(prevStart).Hours()/24) + 365
	joined := func() time.Time { return g.day(prevStart.AddDate(-1, 0, 0), g.r.IntN(span)) }
	for i := 1; i <= DemoVolunteers; i++ {
		add(fmt.Sprintf("v%03d", i), g.name(anyNames), portal.RoleVolunteer, assocs[0].ID, joined())
	}
	accounts = append(accounts, Account{fmt.Sprintf("v001 … v%03d", DemoVolunteers), portal.RoleVolunteer, assocs[0].Name})

	// Every other district has its reviewer, a teacher at its first school, an association
	// coordinator and a dozen volunteers.
	firstSchool := map[int64]*portal.School{}
	for _, sc := range schools {
		if firstSchool[sc.DistrictID] == nil {
			firstSchool[sc.DistrictID] = sc
		}
	}
	var names []string
	for i := 1; i < len(districts); i++ {
		d, as := districts[i], assocs[i]
		n := i + 1
		add(fmt.Sprintf("district%d", n), g.name(adultNames), portal.RoleDistrict, d.ID, early)
		add(fmt.Sprintf("teacher%d", n), g.name(adultNames), portal.RoleTeacher, firstSchool[d.ID].ID, early)
		add(fmt.Sprintf("coordinator%d", n), g.name(adultNames), portal.RoleCoordinator, as.ID, early)
		code := strings.ToLower(d.Code)
		count := g.between(8, 15)
		for k := 1; k <= count; k++ {
			add(fmt.Sprintf("%s.v%02d", code, k), g.name(anyNames), portal.RoleVolunteer, as.ID, joined())
		}
		names = append(names, fmt.Sprintf("%s.v01 … %s.v%02d", code, code, count))
	}
	last := len(districts)
	others := make([]string, 0, last-1)
	for _, d := range districts[1:] {
		others = append(others, d.Name)
	}
	accounts = append(accounts,
		Account{fmt.Sprintf("district2 … district%d", last), portal.RoleDistrict, strings.Join(others, "、")},
		Account{fmt.Sprintf("teacher2 … teacher%d", last), portal.RoleTeacher, "各区县第一所学校"},
		Account{fmt.Sprintf("coordinator2 … coordinator%d", last), portal.RoleCoordinator, "各区县志愿者协会"},
		Account{strings.Join(names, ", "), portal.RoleVolunteer, "各区县志愿者协会"})
	return users, accounts
}

// className returns the name a class of a grade is known by at a school of a stage.
func className(stage portal.Stage, schoolYear, grade, n int) string {
	const primary = "一二三四五六"
	switch {
	case stage == portal.StageVocational:
		// Vocational schools name classes by the year the cohort entered.
		return fmt.Sprintf("%d级（%d）班", schoolYear-(grade-10), n)
	case grade <= 6:
		return fmt.Sprintf("%s年级（%d）班", string([]rune(primary)[grade-1]), n)
	case stage == portal.StageNineYear:
		return fmt.Sprintf("%s年级（%d）班", []string{"七", "八", "九"}[grade-7], n)
	case grade <= 9:
		return fmt.Sprintf("初%s（%d）班", []string{"一", "二", "三"}[grade-7], n)
	default:
		return fmt.Sprintf("高%s（%d）班", []string{"一", "二", "三"}[grade-10], n)
	}
}

// classes makes the classes of the current and the previous school year that use the
// portal: four classes a grade at the first school (the demo class among them), and at
// other schools 10–60 % of their classes this year and half as many last year: the
// programme is still reaching schools, and the figures show it growing.
func (g *gen) classes(schools []*portal.School) []*portal.Class {
	var out []*portal.Class
	coverage := make([]int, len(schools))
	for i := range coverage {
		coverage[i] = g.between(10, 60)
	}
	for _, year := range []int{g.year - 1, g.year} {
		start, _ := portal.SchoolYearBounds(year)
		for i, sc := range schools {
			first, last, _ := sc.Stage.Grades()
			if n := demoSchools[i].grades; n > 0 {
				// A new school runs one grade fewer in the previous year.
				last = first + n - 1 - (g.year - year)
			}
			if last < first {
				continue
			}
			perGrade := map[int]int{}
			if i == 0 {
				for grade := first; grade <= last; grade++ {
					perGrade[grade] = 4
				}
			} else {
				// A share of the school's classes use the portal, fewer last year.
				r := classSize[sc.Stage]
				all := sc.Enrolment / ((r[0] + r[1]) / 2)
				n := max(1, all*coverage[i]/100)
				if year < g.year {
					n = max(1, n/2)
				}
				for range n {
					perGrade[g.between(first, last)]++
				}
			}
			for grade := first; grade <= last; grade++ {
				for n := 1; n <= perGrade[grade]; n++ {
					c := &portal.Class{SchoolID: sc.ID, SchoolYear: year, Grade: grade, Name: className(sc.Stage, year, grade, n),
						JoinCode: g.joinCode(), CreatedAt: g.day(start, g.between(0, 6))}
					if i == 0 && year == g.year && grade == 7 && n == 1 {
						c.JoinCode = DemoJoinCode
					}
					if g.r.IntN(10) < 8 {
						c.ConsentDate = g.day(c.CreatedAt, g.between(1, 10))
						c.ConsentVersion = portal.ConsentNoticeVersion
					}
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// students makes the students who joined each class: 70–95 % of its pupils, with their
// numbers in the class. The demo class stays empty, so that anyone trying the portal can
// join it under any number.
func (g *gen) students(classes []*portal.Class, schools []*portal.School) []portal.Student {
	stage := map[int64]portal.Stage{}
	for _, sc := range schools {
		stage[sc.ID] = sc.Stage
	}
	var out []portal.Student
	for _, c := range classes {
		if c.JoinCode == DemoJoinCode {
			continue
		}
		r := classSize[stage[c.SchoolID]]
		size := g.between(r[0], r[1])
		joined := size * g.between(70, 95) / 100
		numbers := g.r.Perm(size)[:joined]
		slices.Sort(numbers)
		for _, n := range numbers {
			out = append(out, portal.Student{ClassID: c.ID, Name: g.name(childNames), Number: fmt.Sprint(n + 1),
				CreatedAt: g.day(c.CreatedAt, g.between(0, 30))})
		}
	}
	return out
}
