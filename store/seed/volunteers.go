package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// DemoLoadTitle is the title of the coming opportunity with 30 free places that load
// checks (the sign-up race, the benchmark) fill.
const DemoLoadTitle = "禁毒宣传月广场活动志愿者（30 名）"

// DemoLoadCapacity is its number of places.
const DemoLoadCapacity = 30

var pastTitles = []struct {
	title, place string
	skills       []portal.Skill
}{
	{"社区禁毒知识宣讲", "社区党群服务中心", []portal.Skill{portal.SkillLecturing}},
	{"“6·26”国际禁毒日广场宣传", "市民广场", []portal.Skill{portal.SkillPublicity, portal.SkillEventSupport}},
	{"禁毒教育基地讲解引导", "市禁毒教育基地", []portal.Skill{portal.SkillLecturing, portal.SkillEventSupport}},
	{"校园禁毒主题班会协助", "区内中小学", []portal.Skill{portal.SkillLecturing}},
	{"禁毒宣传资料入户发放", "街道辖区", []portal.Skill{portal.SkillPublicity}},
	{"禁毒文艺汇演现场保障", "区文化馆", []portal.Skill{portal.SkillEventSupport, portal.SkillPhotography}},
	{"戒毒康复人员家庭走访陪同", "社区戒毒康复工作站", []portal.Skill{portal.SkillCounselling}},
	{"禁毒微视频拍摄", "区融媒体中心", []portal.Skill{portal.SkillPhotography}},
}

// volunteerService seeds the volunteer side of the demo city in one transaction: profiles
// of the seeded volunteers, a few applications, past opportunities with confirmed hours,
// coming ones (one with DemoLoadCapacity free places), a school's requests and a notice.
func (g *gen) volunteerService(ctx context.Context, s *store.Store, districts []*portal.District, schools []*portal.School,
	assocs []*portal.Association, users []*portal.User) error {
	d := &store.SeedVolunteerData{}
	members := map[int64][]int64{}
	var demoVolunteer int64
	var others []*portal.User
	for _, u := range users {
		if u.Role != portal.RoleVolunteer {
			continue
		}
		if u.Username == "volunteer" {
			demoVolunteer = u.ID
		}
		members[u.AssociationID] = append(members[u.AssociationID], u.ID)
		if u.AssociationID != assocs[0].ID {
			others = append(others, u)
		}
		var district int64
		for _, as := range assocs {
			if as.ID == u.AssociationID {
				district = as.DistrictID
			}
		}
		skills := []portal.Skill{portal.Skills[g.r.IntN(len(portal.Skills))]}
		if g.r.IntN(3) == 0 {
			if k := portal.Skills[g.r.IntN(len(portal.Skills))]; k != skills[0] {
				skills = append(skills, k)
			}
		}
		// A mobile number of the demo's own (fictional) range, from the account's ID: the
		// coordinator's member list shows it, and no random draw is added to the seed.
		d.Profiles = append(d.Profiles, portal.Volunteer{UserID: u.ID, Phone: fmt.Sprintf("1990000%04d", u.ID%10000),
			DistrictID: district, Skills: skills,
			Availability: g.pick([]string{"周末全天", "周六上午", "工作日晚上", "寒暑假", "周日下午"}), ConsentAt: u.CreatedAt})
	}
	// Three volunteers of other districts ask to join the first association too.
	for _, u := range others[:3] {
		d.Applications = append(d.Applications, portal.Membership{UserID: u.ID, AssociationID: assocs[0].ID,
			AppliedAt: g.now.AddDate(0, 0, -g.between(1, 10))})
	}

	prevStart, _ := portal.SchoolYearBounds(g.year - 1)
	// at returns a weekend morning or afternoon n days after from, in China Standard Time.
	at := func(from time.Time, n int, afternoon bool) (time.Time, time.Time) {
		day := from.In(portal.CST).AddDate(0, 0, n)
		for day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, portal.CST)
		if afternoon {
			start = start.Add(5 * time.Hour)
		}
		return start, start.Add(time.Duration(g.between(2, 4)) * time.Hour)
	}
	add := func(as *portal.Association, title, place string, skills []portal.Skill, start, end time.Time, capacity int) *store.SeedOpportunity {
		o := &store.SeedOpportunity{Opportunity: portal.Opportunity{AssociationID: as.ID, Title: title,
			Description: "请提前十分钟到场签到，穿着协会志愿者马甲。", Place: as.DistrictName + place, StartsAt: start, EndsAt: end,
			Deadline: start.Add(-24 * time.Hour), Capacity: capacity, Skills: skills, CreatedAt: start.AddDate(0, 0, -14)}}
		if o.CreatedAt.After(g.now) {
			o.CreatedAt = g.now
		}
		d.Opportunities = append(d.Opportunities, o)
		return o
	}
	// fill signs members up; held opportunities get attendance and confirmed hours.
	fill := func(o *store.SeedOpportunity, pool []int64, n int, held, confirmed bool, include int64) {
		picked := map[int64]bool{}
		if include > 0 {
			picked[include] = true
			o.Signups = append(o.Signups, store.SeedSignup{UserID: include, Status: portal.SignupConfirmed, Attended: held, Hours: -1})
		}
		for _, k := range g.r.Perm(len(pool)) {
			if len(o.Signups) >= n {
				break
			}
			if id := pool[k]; !picked[id] && id != demoVolunteer {
				picked[id] = true
				o.Signups = append(o.Signups, store.SeedSignup{UserID: id, Status: portal.SignupConfirmed,
					Attended: held && g.r.IntN(10) > 0, Hours: -1})
			}
		}
		for i := range o.Signups {
			x := &o.Signups[i]
			if confirmed {
				x.Hours = 0
				if x.Attended {
					x.Hours = portal.RoundHours(o.Hours())
				}
			}
		}
		o.HoursConfirmed = confirmed
	}
	for i, as := range assocs {
		pool := members[as.ID]
		past := 4
		if i == 0 {
			past = 14
		}
		// Past opportunities spread over the previous and the current school year.
		span := int(g.now.Sub(prevStart).Hours()/24) - 10
		for k := range past {
			t := pastTitles[g.r.IntN(len(pastTitles))]
			start, end := at(prevStart, span*k/past+g.between(0, 5), k%2 == 1)
			if !end.Before(g.now.AddDate(0, 0, -3)) {
				continue
			}
			o := add(as, t.title, t.place, t.skills, start, end, g.between(10, 25))
			include := int64(0)
			if i == 0 && k%2 == 0 {
				include = demoVolunteer
			}
			fill(o, pool, min(len(pool), o.Capacity-g.between(0, 4)), true, true, include)
		}
		// Coming opportunities.
		start, end := at(g.now, 5+i, false)
		o := add(as, "禁毒知识进社区宣讲", "社区党群服务中心", []portal.Skill{portal.SkillLecturing}, start, end, 8)
		fill(o, pool, 3, false, false, 0)
		start, end = at(g.now, 12+i, true)
		add(as, "禁毒主题摄影作品展布展", "区文化馆", []portal.Skill{portal.SkillPhotography, portal.SkillEventSupport}, start, end, 6).CityWide = true
	}
	as := assocs[0]
	pool := members[as.ID]
	// Held in the last week, checked in and out, hours waiting for the coordinator.
	start, end := at(g.now, -8, false)
	held := add(as, "青少年禁毒知识竞赛现场服务", "区青少年活动中心", []portal.Skill{portal.SkillEventSupport}, start, end, 12)
	fill(held, pool, 10, true, false, demoVolunteer)
	// A full opportunity with a waiting list; the demo volunteer moved up from it.
	start, end = at(g.now, 3, true)
	full := add(as, "禁毒宣传进商圈", "万达广场", []portal.Skill{portal.SkillPublicity}, start, end, 5)
	fill(full, pool, 5, false, false, demoVolunteer)
	for _, id := range pool[len(pool)-2:] {
		full.Signups = append(full.Signups, store.SeedSignup{UserID: id, Status: portal.SignupWaitlisted, Hours: -1})
	}
	d.Notices = append(d.Notices, store.SeedNotice{UserID: demoVolunteer, Kind: portal.NoticePromoted, OppIndex: len(d.Opportunities) - 1})
	// The load check's opportunity: 30 free places, a month ahead.
	start, end = at(g.now, 30, false)
	load := add(as, DemoLoadTitle, "市民广场", []portal.Skill{portal.SkillPublicity, portal.SkillEventSupport}, start, end, DemoLoadCapacity)
	load.Deadline = start.AddDate(0, 0, -2)
	// The demo teacher's school asked for a speaker for its drug-law class: held last
	// week, waiting for the teacher's confirmation; and a new request not answered yet.
	school := schools[0]
	start, end = at(g.now, -10, true)
	law := add(as, "禁毒法治课主讲："+school.Name, "", []portal.Skill{portal.SkillLecturing}, start, end, 2)
	law.Place, law.SchoolID, law.ActivityKey = school.Name+"报告厅", school.ID, "law-class"
	fill(law, pool, 2, false, false, 0)
	d.Requests = append(d.Requests,
		store.SeedRequest{OppIndex: len(d.Opportunities) - 1, VolunteerRequest: portal.VolunteerRequest{SchoolID: school.ID,
			AssociationID: as.ID, ActivityKey: "law-class", Topic: "初一年级禁毒法治课", Volunteers: 2, PreferredDate: start,
			Status: portal.RequestAccepted, CreatedAt: start.AddDate(0, 0, -20)}},
		store.SeedRequest{OppIndex: -1, VolunteerRequest: portal.VolunteerRequest{SchoolID: school.ID, AssociationID: as.ID,
			ActivityKey: "base-visit", Topic: "初二年级参观禁毒教育基地讲解", Details: "约 200 名学生，分四批参观。", Volunteers: 4,
			PreferredDate: g.now.AddDate(0, 0, 18), Status: portal.RequestOpen, CreatedAt: g.now.AddDate(0, 0, -2)}})
	if err := s.BulkSeedVolunteers(ctx, portal.SystemActor, d); err != nil {
		return fmt.Errorf("volunteers: %w", err)
	}
	return nil
}
