package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// DemoHall is the name of the demo city's exhibition hall, managed by the demo account base.
const DemoHall = DemoCity + "禁毒预防教育展览馆"

// demoBases registers the exhibition hall (managed by the account base) and a base per
// district, with visits of the past weeks and slots of the coming three weeks, some of
// them nearly full. It draws from its own random source, so the rest of the demo city
// stays as it was.
func demoBases(ctx context.Context, s *store.Store, now time.Time, districts []*portal.District, schools []*portal.School) ([]Account, error) {
	r := rand.New(rand.NewPCG(626, 15))
	a := portal.SystemActor
	hash, err := demoHash()
	if err != nil {
		return nil, err
	}
	mgr := &portal.User{Username: "base", DisplayName: "展览馆 林晓", Role: portal.RoleBase, Demo: true}
	if err := s.CreateUser(ctx, a, mgr, hash); err != nil {
		return nil, fmt.Errorf("base account: %w", err)
	}
	kinds := []portal.BaseKind{portal.KindBase, portal.KindBase, portal.KindPark, portal.KindBase, portal.KindRehabCentre, portal.KindPark}
	names := map[portal.BaseKind]string{portal.KindBase: "禁毒教育基地", portal.KindPark: "禁毒主题公园", portal.KindRehabCentre: "强制隔离戒毒所警示教育基地"}
	hall := &portal.Base{Name: DemoHall, Kind: portal.KindExhibitionHall, DistrictID: districts[0].ID,
		Address: DemoCity + districts[0].Name + "府前街18号", Hours: "周二至周日 9:00–17:00（周一闭馆）",
		Description: "全市禁毒预防教育的主阵地，展出毒品实物模型、禁毒历史和典型案例，设有互动体验区和模拟法庭。",
		Covers:      "毒品的种类与危害、新型毒品辨识、禁毒法律常识、拒毒技能情景体验，全程约 90 分钟。",
		Access:      "全馆无障碍通道，可借用轮椅；请提前告知需要帮助的同学人数。",
		Transport:   "地铁 2 号线府前街站 B 口步行 300 米；大巴可停馆北侧停车场。",
		ManagerIDs:  []int64{mgr.ID}}
	bases := []*portal.Base{hall}
	for i, d := range districts {
		k := kinds[i%len(kinds)]
		bases = append(bases, &portal.Base{Name: d.Name + names[k], Kind: k, DistrictID: d.ID,
			Address: fmt.Sprintf("%s%s%s%d号", DemoCity, d.Name, roads[r.IntN(len(roads))], 1+r.IntN(300)),
			Hours:   "周一至周五 9:00–16:30", Covers: "禁毒知识展板讲解、案例视频和互动问答，约 60 分钟。",
			Transport: "公交到" + d.Name + "政务中心站下车步行 10 分钟。"})
	}
	for _, b := range bases {
		if err := s.CreateBase(ctx, a, b); err != nil {
			return nil, fmt.Errorf("base %s: %w", b.Name, err)
		}
	}
	// Coming slots: the hall on weekday mornings and afternoons and on Saturdays for the
	// public; the district bases on Tuesday and Thursday mornings.
	today := time.Date(now.In(portal.CST).Year(), now.In(portal.CST).Month(), now.In(portal.CST).Day(), 0, 0, 0, 0, portal.CST)
	from, to := today.AddDate(0, 0, 1), today.AddDate(0, 0, 21)
	patterns := []struct {
		base *portal.Base
		p    portal.SlotPattern
	}{
		{hall, portal.SlotPattern{Weekdays: []time.Weekday{2, 3, 4, 5}, Start: "09:00", End: "10:30", Capacity: 120}},
		{hall, portal.SlotPattern{Weekdays: []time.Weekday{2, 3, 4, 5}, Start: "14:00", End: "15:30", Capacity: 120}},
		{hall, portal.SlotPattern{Weekdays: []time.Weekday{6}, Start: "10:00", End: "11:30", Capacity: 60, Public: true}},
	}
	for _, b := range bases[1:] {
		patterns = append(patterns, struct {
			base *portal.Base
			p    portal.SlotPattern
		}{b, portal.SlotPattern{Weekdays: []time.Weekday{2, 4}, Start: "09:30", End: "11:00", Capacity: 80}})
	}
	for _, x := range patterns {
		x.p.From, x.p.To = from, to
		slots, f := x.p.Slots(x.base.ID, now)
		if len(f) > 0 {
			return nil, fmt.Errorf("slots of %s: %v", x.base.Name, f)
		}
		if _, err := s.CreateSlots(ctx, a, x.base.ID, slots); err != nil {
			return nil, fmt.Errorf("slots of %s: %w", x.base.Name, err)
		}
	}
	year := portal.SchoolYear(now)
	start, _ := portal.SchoolYearBounds(year)
	// Schools other than the demo teacher's: its own bookings are the visitor's to make.
	for i, sc := range schools[1:] {
		classes, err := s.ListClasses(ctx, sc.ID, year, false)
		if err != nil {
			return nil, err
		}
		if len(classes) < 2 {
			continue
		}
		b := bases[1+i%len(districts)]
		if i%3 == 0 {
			b = hall
		}
		switch {
		case i%4 == 0:
			// A past visit of two classes this school year, confirmed by the base.
			days := int(today.Sub(start).Hours()/24) - 7
			if days < 7 {
				continue
			}
			day := start.AddDate(0, 0, 7+r.IntN(days))
			at := time.Date(day.Year(), day.Month(), day.Day(), 9, 30+i%20, 0, 0, portal.CST)
			n := classes[0].Students + classes[1].Students
			if n == 0 {
				continue
			}
			sl := &portal.Slot{BaseID: b.ID, StartsAt: at, EndsAt: at.Add(90 * time.Minute), Capacity: max(n, 80)}
			bk := &portal.Booking{SchoolID: sc.ID, Students: n, Teachers: 2 + r.IntN(3), ClassIDs: []int64{classes[0].ID, classes[1].ID}}
			if err := s.SeedPastVisit(ctx, a, sl, bk, n-r.IntN(3)); err != nil {
				return nil, fmt.Errorf("past visit of %s: %w", sc.Name, err)
			}
		case i%4 == 1 && sc.DistrictID == b.DistrictID || b == hall:
			// A coming booking, filling the first slots of the bases nearly up.
			slots, err := s.UpcomingSlots(ctx, b.ID, 3)
			if err != nil {
				return nil, err
			}
			for _, sl := range slots {
				want := min(classes[0].Students+classes[1].Students, sl.Free()-3-r.IntN(6))
				if want < 1 || sl.Public {
					continue
				}
				bk := &portal.Booking{SlotID: sl.ID, SchoolID: sc.ID, Students: want, Teachers: 2, ClassIDs: []int64{classes[0].ID, classes[1].ID}}
				if err := s.BookSlot(ctx, a, bk); err == nil {
					break
				}
			}
		}
	}
	return []Account{{"base", portal.RoleBase, DemoHall}}, nil
}

// demoReceipts opens the parents' letter receipts of the demo school's first class with
// students and has parents return about two in three of them.
func demoReceipts(ctx context.Context, s *store.Store, now time.Time, school *portal.School) error {
	r := rand.New(rand.NewPCG(626, 16))
	classes, err := s.ListClasses(ctx, school.ID, portal.SchoolYear(now), false)
	if err != nil {
		return err
	}
	for _, c := range classes {
		if c.Students == 0 {
			continue
		}
		if err := s.OpenCollection(ctx, portal.SystemActor, school.ID, c.ID); err != nil {
			return err
		}
		col, err := s.ClassCollection(ctx, c.ID)
		if err != nil {
			return err
		}
		notes := []string{"", "", "已和孩子一起阅读。", "谢谢老师！", ""}
		for _, rc := range col.Receipts {
			if r.IntN(3) == 0 {
				continue
			}
			if _, err := s.ConfirmReceipt(ctx, rc.Code, portal.Relations[r.IntN(len(portal.Relations))], notes[r.IntN(len(notes))]); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}
