package content

import "github.com/jinducity/portal"

// DefaultStandard is a creation standard of a level as an education office words it: six
// areas, 100 points, the pass mark and the targets higher at each level. city names the
// city in the title ("" for none). The city admin starts from it and edits it.
func DefaultStandard(level portal.DemoLevel, city string) *portal.Standard {
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
	return &portal.Standard{Level: level, Title: city + names[level] + "禁毒教育示范学校创建标准（2026年版）", PassMark: pass, ValidityYears: 3,
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
