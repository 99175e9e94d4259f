package portal

import (
	"strconv"
	"strings"
)

// MaxSchoolRows is the most schools one school-list file may hold.
const MaxSchoolRows = 5000

// SchoolRow is one row of a school list the city imports: the school as written, and
// what the import found for it.
type SchoolRow struct {
	Line       int
	Name       string
	District   string // the district's name
	Stage      string // 小学, 初中, 高中, 九年一贯制, 中职 (or the stage's key)
	Enrolment  string
	Graduating string // 是 / 否 (optional)
	Address    string // optional

	School   School // the school as it will be created
	Problems []Message
	Status   string // RosterNew, RosterExists or RosterError
}

// Problem records a problem of the row.
func (r *SchoolRow) Problem(m Message) {
	r.Problems = append(r.Problems, m)
	r.Status = RosterError
}

// stageNames are the ways a stage is written in the city's lists.
var stageNames = map[string]Stage{
	"小学": StagePrimary, "初中": StageJunior, "初级中学": StageJunior, "高中": StageSenior, "高级中学": StageSenior,
	"完全中学": StageSenior, "九年一贯制": StageNineYear, "九年一贯制学校": StageNineYear, "中职": StageVocational,
	"中等职业学校": StageVocational, "职高": StageVocational,
}

// ParseStage reads a stage by its Chinese name or its key.
func ParseStage(s string) (Stage, bool) {
	s = strings.TrimSpace(s)
	if st, ok := stageNames[s]; ok {
		return st, true
	}
	st := Stage(strings.ToLower(s))
	return st, st.Valid()
}

// Check reads the row into School with districts (name → ID) and records its problems:
// an unknown district or stage, an enrolment that is not a number, and what
// School.Validate finds. Whether the school has a graduating class, when not given,
// follows from its stage (every stage has a last grade).
func (r *SchoolRow) Check(districts map[string]int64) {
	r.Problems, r.Status = nil, ""
	sc := School{Name: strings.TrimSpace(r.Name), Address: strings.TrimSpace(r.Address), HasGraduating: true}
	if r.Name == "" {
		r.Problem(Msg("ImportErrNoSchoolName"))
	}
	if id, ok := districts[strings.TrimSpace(r.District)]; ok {
		sc.DistrictID = id
	} else if strings.TrimSpace(r.District) == "" {
		r.Problem(Msg("ImportErrNoDistrict"))
	} else {
		r.Problem(Msg("ImportErrDistrict", "District", r.District))
	}
	if st, ok := ParseStage(r.Stage); ok {
		sc.Stage = st
	} else {
		r.Problem(Msg("ImportErrStage", "Stage", r.Stage))
	}
	if n, err := strconv.Atoi(strings.TrimSpace(r.Enrolment)); err == nil {
		sc.Enrolment = n
	} else if strings.TrimSpace(r.Enrolment) != "" {
		r.Problem(Msg("ImportErrEnrolment", "Value", r.Enrolment))
	}
	switch strings.TrimSpace(r.Graduating) {
	case "", "是", "有", "1", "yes", "Y", "y":
	case "否", "无", "0", "no", "N", "n":
		sc.HasGraduating = false
	default:
		r.Problem(Msg("ImportErrGraduating", "Value", r.Graduating))
	}
	if strings.ContainsRune("=+-@", rune(firstByte(sc.Name))) {
		r.Problem(Msg("ImportErrFormula"))
	}
	if len(r.Problems) == 0 {
		for _, m := range sc.Validate() {
			r.Problem(m)
			break
		}
	}
	r.School = sc
}

func firstByte(s string) byte {
	if s == "" {
		return ' '
	}
	return s[0]
}

// SchoolPlan is what importing a school list does (or did).
type SchoolPlan struct {
	Rows                  []SchoolRow
	New, Existing, Errors int
}

// Count fills the plan's counts from its rows.
func (p *SchoolPlan) Count() {
	p.New, p.Existing, p.Errors = 0, 0, 0
	for _, r := range p.Rows {
		switch r.Status {
		case RosterNew:
			p.New++
		case RosterExists:
			p.Existing++
		default:
			p.Errors++
		}
	}
}
