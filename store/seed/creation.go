package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads"
)

// DemoStandard is the demo city's creation standard of a level: the default standard
// (content.DefaultStandard) under the city's name.
func DemoStandard(level portal.DemoLevel) *portal.Standard {
	return content.DefaultStandard(level, DemoCity)
}

// creation fills in the creation cycle: a standard per level, an open round and
// applications in every state, one of them designated.
func creation(ctx context.Context, s *store.Store, now time.Time, schools []*portal.School, users []*portal.User) error {
	sys := portal.SystemActor
	std := map[portal.DemoLevel]*portal.Standard{}
	for _, l := range portal.DemoLevels {
		st := DemoStandard(l)
		if err := s.SaveStandard(ctx, sys, st); err != nil {
			return fmt.Errorf("standard %s: %w", l, err)
		}
		std[l] = st
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, portal.CST)
	round := &portal.Round{Title: fmt.Sprintf("%d年度禁毒教育示范学校创建", portal.SchoolYear(now)), OpensOn: day.AddDate(0, 0, -20), ClosesOn: day.AddDate(0, 0, 40)}
	if err := s.CreateRound(ctx, sys, round); err != nil {
		return fmt.Errorf("round: %w", err)
	}
	cat, err := content.Activities()
	if err != nil {
		return err
	}
	actor := func(role portal.Role, match func(*portal.User) bool) portal.Actor {
		for _, u := range users {
			if u.Role == role && match(u) {
				return portal.Actor{UserID: u.ID, Label: u.Username}
			}
		}
		return sys
	}
	admin := actor(portal.RoleAdmin, func(*portal.User) bool { return true })
	year := portal.SchoolYear(now)
	held := map[int64]portal.DemoLevel{}
	ds, err := s.ListDemonstrations(ctx, true)
	if err != nil {
		return err
	}
	for _, d := range ds {
		held[d.SchoolID] = d.Level
	}
	// The first school (the demo teacher's) drafts; then schools of the first district go
	// through the cycle as far as their state says.
	states := []portal.AppStatus{portal.AppDraft, portal.AppSubmitted, portal.AppReturned, portal.AppRecommended,
		portal.AppRecommended, portal.AppDesignated, portal.AppDeclined}
	next := 0
	for _, sc := range schools {
		if next == len(states) {
			break
		}
		if next > 0 && sc.DistrictID != schools[0].DistrictID {
			continue
		}
		level := portal.LevelCity
		switch held[sc.ID] {
		case portal.LevelNational:
			continue
		case portal.LevelProvincial:
			level = portal.LevelNational
		case portal.LevelCity:
			level = portal.LevelProvincial
		}
		if err := applyDemo(ctx, s, cat, sc, std[level], round.ID, level, year, states[next], admin,
			actor(portal.RoleTeacher, func(u *portal.User) bool { return u.SchoolID == sc.ID }),
			actor(portal.RoleDistrict, func(u *portal.User) bool { return u.DistrictID == sc.DistrictID }), day); err != nil {
			return fmt.Errorf("application of %s (%s): %w", sc.Name, states[next], err)
		}
		next++
	}
	return nil
}

func applyDemo(ctx context.Context, s *store.Store, cat *portal.ActivityCatalogue, sc *portal.School, std *portal.Standard,
	roundID int64, level portal.DemoLevel, year int, state portal.AppStatus, admin, teacher, reviewer portal.Actor, day time.Time) error {
	id, err := s.CreateApplication(ctx, teacher, roundID, sc.ID, level)
	if err != nil {
		return err
	}
	app, err := s.GetApplication(ctx, id)
	if err != nil {
		return err
	}
	in := store.SelfScores{Scores: map[int64]*float64{}, Notes: map[int64]string{}}
	for n, i := range std.Indicators {
		if i.Evidence == portal.EvidenceComputed || state == portal.AppDraft && n%2 == 0 {
			continue
		}
		v := i.MaxScore - float64(n%3)
		in.Scores[i.ID] = &v
	}
	if err := s.SaveDraft(ctx, teacher, id, sc.ID, app.Version, in); err != nil {
		return err
	}
	version := app.Version + 1
	for n, i := range std.Indicators {
		if i.Evidence != portal.EvidenceDocument || state == portal.AppDraft && n > 0 {
			continue
		}
		doc := &portal.Document{ApplicationID: id, IndicatorID: i.ID, Kind: portal.FilePhoto, Name: uploads.DemoName(n, false),
			Original: fmt.Sprintf("材料%d.jpg", n+1), Size: 40000}
		if err := s.AddDocument(ctx, teacher, sc.ID, version, doc); err != nil {
			return err
		}
		version++
	}
	if state == portal.AppDraft {
		return nil
	}
	computed, _, err := s.ComputeAnswers(ctx, std, sc.ID, year, cat.Ten)
	if err != nil {
		return err
	}
	if err := s.Submit(ctx, teacher, id, sc.ID, version, std, computed); err != nil {
		return err
	}
	version++
	switch state {
	case portal.AppSubmitted:
		return nil
	case portal.AppReturned:
		return s.DistrictDecision(ctx, reviewer, id, sc.DistrictID, version, false, "领导小组成立文件未盖章，请补充盖章扫描件后重新提交。")
	}
	if err := s.DistrictDecision(ctx, reviewer, id, sc.DistrictID, version, true, "材料齐全，同意推荐。"); err != nil {
		return err
	}
	version++
	if state == portal.AppRecommended {
		return nil
	}
	app, err = s.GetApplication(ctx, id)
	if err != nil {
		return err
	}
	scores := map[int64]*float64{}
	for n := range std.Indicators {
		i := &std.Indicators[n]
		v := app.ComputedScore(i)
		if i.Evidence != portal.EvidenceComputed {
			v = i.MaxScore
			if state == portal.AppDeclined {
				v = i.MaxScore / 2
			}
		} else if state == portal.AppDesignated {
			v = i.MaxScore // the demo's designated school, scored in full on site
		}
		scores[i.ID] = &v
	}
	if err := s.CityScores(ctx, admin, id, version, std, scores); err != nil {
		return err
	}
	version++
	if state == portal.AppDeclined {
		return s.DeclineApplication(ctx, admin, id, version, "现场核查阵地建设和家校协同未达标，总分低于合格线，建议整改后下一轮再申报。")
	}
	return s.DesignateApplication(ctx, admin, id, version, std, portal.Designation{Since: day, ValidityYears: std.ValidityYears, Comment: "经现场核查，认定为示范学校。"})
}
