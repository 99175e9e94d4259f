package portal

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Evidence says how an indicator of a creation standard (创建标准) is evidenced.
type Evidence string

// Kinds of evidence: computed from the school's records, an uploaded document, or
// scored on site by the inspectors.
const (
	EvidenceComputed   Evidence = "computed"
	EvidenceDocument   Evidence = "document"
	EvidenceInspection Evidence = "inspection"
)

// Valid reports whether e is a known kind of evidence.
func (e Evidence) Valid() bool {
	return e == EvidenceComputed || e == EvidenceDocument || e == EvidenceInspection
}

// Metric names a figure computed from a school's records of a school year.
type Metric string

// The computed metrics. Parent letters returned and bookings of education bases are not
// on the platform yet; base visits count records of the base-visit activity.
const (
	MetricTenOnes            Metric = "ten_ones_classes"   // 十个一 cells done ÷ cells that apply, over the school's classes
	MetricRegistration       Metric = "registration_rate"  // students registered in the year's classes ÷ enrolment
	MetricAwareness          Metric = "awareness_verified" // latest unflagged test ≥ 80 % ÷ students with an unflagged test
	MetricGain               Metric = "prepost_gain"       // mean post-test minus pre-test score, percentage points
	MetricVolunteers         Metric = "volunteer_hours"    // confirmed volunteer service hours at the school
	MetricQuizTakers         Metric = "quiz_participation" // students with a knowledge test ÷ students registered
	MetricBaseVisits         Metric = "base_visits"        // students counted in base-visit records ÷ students registered
	MetricDemoSchools        Metric = "demo_per_100"       // districts only: designated schools per 100 schools
	MinRateGroup                    = 10                   // fewer students than this: no rate is shown (考评 and 创建)
	ExpiringWithinDays              = 90                   // designations due within this many days are listed
	MaxIndicatorScore               = 100.0
	MaxIndicatorsPerStandard        = 60
)

// Metrics are the metrics an indicator can compute, in the order forms list them.
var Metrics = []Metric{MetricTenOnes, MetricRegistration, MetricAwareness, MetricGain, MetricVolunteers,
	MetricQuizTakers, MetricBaseVisits}

// Valid reports whether m is a metric a school's indicator can use.
func (m Metric) Valid() bool {
	for _, x := range Metrics {
		if x == m {
			return true
		}
	}
	return false
}

// Rate reports whether the metric is a fraction from 0 to 1 (shown as a percentage).
func (m Metric) Rate() bool {
	return m != MetricGain && m != MetricVolunteers && m != MetricDemoSchools
}

// SchoolRecords are the counts a school's metrics of a school year are worked out from.
type SchoolRecords struct {
	SchoolID, DistrictID     int64
	School, District         string
	Enrolment                int
	Classes                  int
	CellsApplicable          int // class × applicable 十个一 activity
	CellsDone                int
	Registered               int // students in the year's classes
	TestStudents             int // students with a submitted knowledge test
	VerifiedStudents         int // students with an unflagged test
	VerifiedAware            int
	GainStudents             int     // students with both a pre- and a post-test of a pair
	GainSum                  float64 // sum over them of post % − pre %
	VolunteerHours           float64
	BaseVisitStudents        int
	Designated               DemoLevel      // active designation, if any
	ClassesMissing           map[string]int // 十个一 key → classes that have not done it
	ActivitiesMissingSchool  []string       // 十个一 keys the school has no record of
	ActivitiesApplicableKeys []string
}

// Value is a metric's figure with what it was worked out from.
type Value struct {
	Metric   Metric
	OK       bool    // false: no figure (too few students, nothing to count)
	V        float64 // the figure: a fraction for rates
	Num, Den float64 // what was divided (Den 0 for counts)
}

func ratio(m Metric, num, den, minDen int) Value {
	v := Value{Metric: m, Num: float64(num), Den: float64(den)}
	if den >= minDen && den > 0 {
		v.OK, v.V = true, float64(num)/float64(den)
	}
	return v
}

// Value works a metric out of the school's counts.
func (r *SchoolRecords) Value(m Metric) Value {
	switch m {
	case MetricTenOnes:
		return ratio(m, r.CellsDone, r.CellsApplicable, 1)
	case MetricRegistration:
		return ratio(m, r.Registered, r.Enrolment, MinRateGroup)
	case MetricAwareness:
		return ratio(m, r.VerifiedAware, r.VerifiedStudents, MinRateGroup)
	case MetricQuizTakers:
		return ratio(m, r.TestStudents, r.Registered, MinRateGroup)
	case MetricBaseVisits:
		return ratio(m, r.BaseVisitStudents, r.Registered, MinRateGroup)
	case MetricGain:
		v := Value{Metric: m, Num: r.GainSum, Den: float64(r.GainStudents)}
		if r.GainStudents >= MinRateGroup {
			v.OK, v.V = true, r.GainSum/float64(r.GainStudents)
		}
		return v
	case MetricVolunteers:
		return Value{Metric: m, OK: true, V: r.VolunteerHours, Num: r.VolunteerHours}
	}
	return Value{Metric: m}
}

// Standard is one version of the creation standard of a level: indicators grouped in
// areas, the pass mark of the total and how long a designation lasts. A version used by an
// application is never changed: an edit makes the next version.
type Standard struct {
	ID            int64
	Level         DemoLevel
	Version       int
	Title         string
	PassMark      float64
	ValidityYears int
	CreatedAt     time.Time
	Indicators    []Indicator
	Used          bool // an application uses this version
	Latest        bool
}

// Indicator is one line of a standard.
type Indicator struct {
	ID       int64
	Position int
	Area     string
	Name     string
	Guidance string
	MaxScore float64
	Evidence Evidence
	Metric   Metric  // computed indicators
	Target   float64 // the metric's value that earns full marks
}

// Score is what a computed value earns: full marks at the target, in proportion below,
// rounded to a tenth; no value earns nothing.
func (i *Indicator) Score(v Value) float64 {
	if !v.OK || i.Target <= 0 {
		return 0
	}
	return round1(i.MaxScore * math.Min(1, math.Max(0, v.V)/i.Target))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// MaxTotal is the sum of the indicators' maximum scores.
func (s *Standard) MaxTotal() float64 {
	var t float64
	for _, i := range s.Indicators {
		t += i.MaxScore
	}
	return round1(t)
}

// Area is a group of a standard's indicators.
type Area struct {
	Name       string
	MaxScore   float64
	Indicators []Indicator
}

// Areas groups the indicators by area, in the order the areas first appear.
func (s *Standard) Areas() []Area {
	var out []Area
	idx := map[string]int{}
	for _, ind := range s.Indicators {
		i, ok := idx[ind.Area]
		if !ok {
			i = len(out)
			idx[ind.Area] = i
			out = append(out, Area{Name: ind.Area})
		}
		out[i].Indicators = append(out[i].Indicators, ind)
		out[i].MaxScore = round1(out[i].MaxScore + ind.MaxScore)
	}
	return out
}

// Validate checks a standard before it is saved.
func (s *Standard) Validate() FieldErrors {
	f := FieldErrors{}
	s.Title = strings.TrimSpace(s.Title)
	f.Add("title", ValidateText(s.Title, 2, 100))
	if !s.Level.Valid() {
		f.AddID("level", "ErrChoose")
	}
	if s.ValidityYears < 1 || s.ValidityYears > 10 {
		f.Add("validity_years", Msg("ErrRange", "Min", 1, "Max", 10))
	}
	if len(s.Indicators) == 0 || len(s.Indicators) > MaxIndicatorsPerStandard {
		f.Add("indicators", Msg("ErrRange", "Min", 1, "Max", MaxIndicatorsPerStandard))
	}
	for n := range s.Indicators {
		i := &s.Indicators[n]
		key := func(name string) string { return "ind" + itoa(n) + "_" + name }
		i.Area, i.Name, i.Guidance = strings.TrimSpace(i.Area), strings.TrimSpace(i.Name), strings.TrimSpace(i.Guidance)
		f.Add(key("area"), ValidateText(i.Area, 2, 20))
		f.Add(key("name"), ValidateText(i.Name, 2, 100))
		f.Add(key("guidance"), ValidateText(i.Guidance, 0, 300))
		if i.MaxScore <= 0 || i.MaxScore > MaxIndicatorScore {
			f.Add(key("max"), Msg("ErrCreationScoreRange", "Max", MaxIndicatorScore))
		}
		if !i.Evidence.Valid() {
			f.AddID(key("evidence"), "ErrChoose")
		}
		if i.Evidence == EvidenceComputed {
			if !i.Metric.Valid() {
				f.AddID(key("metric"), "ErrChoose")
			}
			if i.Target <= 0 || i.Metric.Rate() && i.Target > 1 {
				f.AddID(key("target"), "ErrCreationTarget")
			}
		} else {
			i.Metric, i.Target = "", 0
		}
		i.Position = n + 1
	}
	if total := s.MaxTotal(); s.PassMark <= 0 || s.PassMark > total {
		f.Add("pass_mark", Msg("ErrCreationScoreRange", "Max", total))
	}
	return f
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Round is a creation round: the dates between which schools may apply, both included.
type Round struct {
	ID                int64
	Title             string
	OpensOn, ClosesOn time.Time // calendar dates in CST
	CreatedAt         time.Time
}

// OpenAt reports whether schools may apply at now.
func (r *Round) OpenAt(now time.Time) bool {
	d := now.In(CST).Format(time.DateOnly)
	return d >= r.OpensOn.Format(time.DateOnly) && d <= r.ClosesOn.Format(time.DateOnly)
}

// Validate checks a round.
func (r *Round) Validate(now time.Time) FieldErrors {
	f := FieldErrors{}
	r.Title = strings.TrimSpace(r.Title)
	f.Add("title", ValidateText(r.Title, 2, 60))
	if r.OpensOn.IsZero() {
		f.AddID("opens_on", "ErrDate")
	}
	if r.ClosesOn.IsZero() {
		f.AddID("closes_on", "ErrDate")
	} else if !r.OpensOn.IsZero() && r.ClosesOn.Before(r.OpensOn) {
		f.AddID("closes_on", "ErrCreationCloses")
	} else if r.ClosesOn.Format(time.DateOnly) < now.In(CST).Format(time.DateOnly) {
		f.AddID("closes_on", "ErrCreationClosesPast")
	}
	return f
}

// AppStatus is the state of an application.
type AppStatus string

// Application states: a draft (or an application returned by the district) is the
// school's to edit; submitted waits for the district; recommended for the city.
const (
	AppDraft       AppStatus = "draft"
	AppSubmitted   AppStatus = "submitted"
	AppReturned    AppStatus = "returned"
	AppRecommended AppStatus = "recommended"
	AppDesignated  AppStatus = "designated"
	AppDeclined    AppStatus = "declined"
)

// AppStatuses lists the states in the order of the cycle.
var AppStatuses = []AppStatus{AppDraft, AppSubmitted, AppReturned, AppRecommended, AppDesignated, AppDeclined}

// Editable reports whether the school may change the application.
func (s AppStatus) Editable() bool { return s == AppDraft || s == AppReturned }

// Application is a school's application for a level in a round.
type Application struct {
	ID, RoundID, SchoolID, DistrictID, StandardID int64
	School, District, RoundTitle                  string
	Level                                         DemoLevel
	Status                                        AppStatus
	Version                                       int // changes with every step: two reviewers at once, one wins
	SchoolYear                                    int
	SubmittedAt, DecidedAt                        time.Time
	Reason                                        string
	CreatedAt, UpdatedAt                          time.Time
	Answers                                       map[int64]*Answer
	Documents                                     []Document
	Events                                        []Event
}

// Frozen reports whether the computed values are the snapshot taken at submission.
func (a *Application) Frozen() bool { return !a.Status.Editable() }

// Answer is an application's line for one indicator.
type Answer struct {
	IndicatorID int64
	Computed    *float64 // the metric's value (frozen once submitted); nil: no value
	Detail      string   // what was counted, e.g. "46/52"
	SelfScore   *float64
	CityScore   *float64
	Note        string
}

// Document is a file uploaded for a document indicator.
type Document struct {
	ID, ApplicationID, IndicatorID int64
	Kind                           FileKind
	Name, Original                 string
	Size                           int64
	CreatedAt                      time.Time
}

// Event is a step of an application's timeline.
type Event struct {
	At      time.Time
	Actor   string
	Action  string // created, submitted, returned, recommended, scored, designated, declined
	Comment string
}

// Answer returns the application's answer for an indicator, never nil.
func (a *Application) Answer(id int64) *Answer {
	if x := a.Answers[id]; x != nil {
		return x
	}
	return &Answer{IndicatorID: id}
}

// DocumentsOf returns the documents uploaded for an indicator.
func (a *Application) DocumentsOf(id int64) []Document {
	var out []Document
	for _, d := range a.Documents {
		if d.IndicatorID == id {
			out = append(out, d)
		}
	}
	return out
}

// ComputedScore is what an indicator's computed value earns in this application.
func (a *Application) ComputedScore(i *Indicator) float64 {
	x := a.Answer(i.ID)
	if x.Computed == nil {
		return 0
	}
	return i.Score(Value{OK: true, V: *x.Computed})
}

// SelfTotal is the school's own total: computed indicators by their values, the others
// by the school's scores.
func (a *Application) SelfTotal(s *Standard) float64 {
	var t float64
	for n := range s.Indicators {
		i := &s.Indicators[n]
		if i.Evidence == EvidenceComputed {
			t += a.ComputedScore(i)
		} else if x := a.Answer(i.ID); x.SelfScore != nil {
			t += *x.SelfScore
		}
	}
	return round1(t)
}

// CityTotal is the city's total and whether every indicator has been scored.
func (a *Application) CityTotal(s *Standard) (float64, bool) {
	var t float64
	all := true
	for _, i := range s.Indicators {
		if x := a.Answer(i.ID); x.CityScore != nil {
			t += *x.CityScore
		} else {
			all = false
		}
	}
	return round1(t), all
}

// Incomplete returns, for an application about to be submitted, the indicators that
// still lack something: a document, or the school's own score.
func (a *Application) Incomplete(s *Standard) FieldErrors {
	f := FieldErrors{}
	for _, i := range s.Indicators {
		key := "score_" + itoa(int(i.ID))
		if i.Evidence == EvidenceDocument && len(a.DocumentsOf(i.ID)) == 0 {
			f.AddID("doc_"+itoa(int(i.ID)), "ErrCreationNeedsDocument")
		}
		if i.Evidence != EvidenceComputed && a.Answer(i.ID).SelfScore == nil {
			f.AddID(key, "ErrCreationNeedsScore")
		}
	}
	return f
}

// CheckScore checks a score given for an indicator.
func CheckScore(i *Indicator, v float64) Message {
	if v < 0 || v > i.MaxScore || math.IsNaN(v) {
		return Msg("ErrCreationScoreRange", "Max", i.MaxScore)
	}
	return Message{}
}

// LevelRank orders the levels: city 1, provincial 2, national 3, none 0.
func LevelRank(l DemoLevel) int {
	switch l {
	case LevelCity:
		return 1
	case LevelProvincial:
		return 2
	case LevelNational:
		return 3
	}
	return 0
}

// Designation is the city's decision to designate an application's school.
type Designation struct {
	Since         time.Time // calendar date
	ValidityYears int
	Comment       string
}

// ValidUntil is the last day of a designation that starts on since and lasts years.
func ValidUntil(since time.Time, years int) time.Time {
	return since.AddDate(years, 0, -1)
}

// Validate checks a designation decision.
func (d *Designation) Validate() FieldErrors {
	f := FieldErrors{}
	if d.Since.IsZero() {
		f.AddID("since", "ErrDate")
	}
	if d.ValidityYears < 1 || d.ValidityYears > 10 {
		f.Add("validity_years", Msg("ErrRange", "Min", 1, "Max", 10))
	}
	d.Comment = strings.TrimSpace(d.Comment)
	f.Add("comment", ValidateText(d.Comment, 0, 300))
	return f
}

// ValueDetail says what a figure was worked out from, e.g. "46/52" or "38.5".
func ValueDetail(v Value) string {
	switch {
	case v.Metric == MetricVolunteers:
		return strconv.FormatFloat(round1(v.Num), 'f', -1, 64)
	case v.Metric == MetricGain:
		return strconv.FormatFloat(round1(v.Num), 'f', -1, 64) + "/" + strconv.FormatFloat(v.Den, 'f', -1, 64)
	}
	return strconv.FormatFloat(v.Num, 'f', -1, 64) + "/" + strconv.FormatFloat(v.Den, 'f', -1, 64)
}
