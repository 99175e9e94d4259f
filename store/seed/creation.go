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

// DemoStandard is the demo city's creation standard of a level, written as the education
// office words it: six areas, 100 points, the bar and the targets higher at each level.
func DemoStandard(level portal.DemoLevel) *portal.Standard {
	names := map[portal.DemoLevel]string{portal.LevelCity: "市级", portal.LevelProvincial: "省级", portal.LevelNational: "国家级"}
	pass := map[portal.DemoLevel]float64{portal.LevelCity: 75, portal.LevelProvincial: 80, portal.LevelNational: 85}[level]
	up := map[portal.DemoLevel]float64{portal.LevelCity: 0, portal.LevelProvincial: 0.05, portal.LevelNational: 0.08}[level]
	c := func(area, name, guide string, max float64, m portal.Metric, target float64) portal.Indicator {
		if m.Rate() {
			target = min(1, target+up)
		} else {
			target *= 1 + up*10
		}
		return portal.Indicator{Area: area, Name: name, Guidance: guide, MaxScore: max, Evidence: portal.EvidenceComputed, Metric: m, Target: target}
	}
	d := func(area, name, guide string, max float64) portal.Indicator {
		return portal.Indicator{Area: area, Name: name, Guidance: guide, MaxScore: max, Evidence: portal.EvidenceDocument}
	}
	in := func(area, name, guide string, max float64) portal.Indicator {
		return portal.Indicator{Area: area, Name: name, Guidance: guide, MaxScore: max, Evidence: portal.EvidenceInspection}
	}
	return &portal.Standard{Level: level, Title: DemoCity + names[level] + "禁毒教育示范学校创建标准（2026年版）", PassMark: pass, ValidityYears: 3,
		Indicators: []portal.Indicator{
			d("组织领导", "成立由校长任组长的禁毒教育工作领导小组，职责分工明确", "上传领导小组成立文件（盖章扫描件或照片）。", 5),
			d("组织领导", "制定本学年禁毒教育工作计划，上学年有工作总结", "上传本学年工作计划。", 5),
			in("组织领导", "校级领导每学期专题研究禁毒教育工作不少于1次", "现场查阅会议记录。", 5),
			c("课程教学", "学生在平台注册率", "本学年各班注册学生数 ÷ 在校学生数。", 8, portal.MetricRegistration, 0.9),
			c("课程教学", "禁毒知识测试参与率", "参加禁毒知识测试的学生 ÷ 注册学生。", 6, portal.MetricQuizTakers, 0.9),
			d("课程教学", "禁毒教育纳入课时安排，每学期不少于2课时，有教案", "上传课时安排表或教案样例。", 6),
			c("活动开展", "“十个一”活动班级覆盖率", "各班应开展的“十个一”活动中已有记录的比例。", 15, portal.MetricTenOnes, 0.9),
			c("活动开展", "参观禁毒教育基地学生占比", "参观基地活动记录中的学生人次 ÷ 注册学生。", 5, portal.MetricBaseVisits, 0.5),
			c("活动开展", "禁毒志愿服务进校园时长", "志愿者在本校服务并经确认的小时数。", 5, portal.MetricVolunteers, 20),
			in("阵地建设", "设有禁毒宣传栏、图书角或教育室，内容定期更新", "现场查看。", 8),
			d("阵地建设", "配备禁毒教育专兼职教师，每学年至少参加1次培训", "上传教师名单和培训证明。", 7),
			in("家校社协同", "家长会、家长学校有禁毒教育内容", "现场查阅记录，抽查家长。", 5),
			in("家校社协同", "与社区、禁毒社工、志愿者协会建立合作机制", "现场查阅协议或活动记录。", 5),
			c("工作成效", "学生禁毒知识知晓率（核验）", "最近一次有效测试得分达80%的学生 ÷ 参加有效测试的学生。", 10, portal.MetricAwareness, 0.9),
			c("工作成效", "前测后测平均提升", "同一学生后测与前测得分率之差的平均（百分点）。", 5, portal.MetricGain, 10),
		}}
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
