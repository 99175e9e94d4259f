package portal

import "math"

// AssessmentPart is one metric of the city's assessment (考评) with its weight and the
// value that earns the full weight.
type AssessmentPart struct {
	Metric Metric
	Weight float64
	Target float64
}

// AssessmentParts are the assessment's default metrics and weights (100 in all for a
// district; a school has no demonstration-schools part). The city can change weights and
// targets; a weight of 0 leaves a part out.
var AssessmentParts = []AssessmentPart{
	{MetricTenOnes, 25, 1}, {MetricRegistration, 15, 1}, {MetricAwareness, 20, 1}, {MetricGain, 10, 15},
	{MetricVolunteers, 10, 20}, {MetricBaseVisits, 10, 0.5}, {MetricDemoSchools, 10, 10},
}

// Scorecard is a school's or a district's assessment of a school year: each part's value
// and points, and the score, out of 100 over the parts that have a value.
type Scorecard struct {
	ID         int64
	Name       string
	District   string
	Records    *SchoolRecords // summed over the district's schools for a district
	Schools    int
	Designated int
	Values     map[Metric]Value
	Points     map[Metric]float64
	Score      float64
	Rank       int
	Previous   *float64 // the previous school year's score
}

// Value of demonstration schools per 100 schools, for a district.
func demoPer100(designated, schools int) Value {
	v := Value{Metric: MetricDemoSchools, Num: float64(designated), Den: float64(schools)}
	if schools > 0 {
		v.OK, v.V = true, float64(designated)*100/float64(schools)
	}
	return v
}

// ValidateParts checks the city's weights and targets.
func ValidateParts(parts []AssessmentPart) FieldErrors {
	f := FieldErrors{}
	var sum float64
	for _, p := range parts {
		if p.Weight < 0 || p.Weight > 100 || math.IsNaN(p.Weight) {
			f.Add("weight_"+string(p.Metric), Msg("ErrCreationScoreRange", "Max", 100))
		}
		if p.Target <= 0 || p.Metric.Rate() && p.Target > 1 || math.IsNaN(p.Target) {
			f.AddID("target_"+string(p.Metric), "ErrCreationTarget")
		}
		sum += p.Weight
	}
	if sum <= 0 {
		f.AddID("weights", "ErrAssessmentNoWeight")
	}
	return f
}

// Score works out a card's parts and score from its records.
func (c *Scorecard) score(parts []AssessmentPart, district bool) {
	c.Values, c.Points = map[Metric]Value{}, map[Metric]float64{}
	var got, weights float64
	for _, p := range parts {
		var v Value
		switch {
		case p.Metric == MetricDemoSchools && !district:
			continue
		case p.Metric == MetricDemoSchools:
			v = demoPer100(c.Designated, c.Schools)
		case p.Metric == MetricVolunteers && district && c.Schools > 0:
			// Hours per school, so that large and small districts compare.
			v = Value{Metric: p.Metric, OK: true, V: c.Records.VolunteerHours / float64(c.Schools), Num: c.Records.VolunteerHours, Den: float64(c.Schools)}
		default:
			v = c.Records.Value(p.Metric)
		}
		c.Values[p.Metric] = v
		if !v.OK || p.Weight == 0 {
			continue
		}
		pts := round1(p.Weight * math.Min(1, math.Max(0, v.V)/p.Target))
		c.Points[p.Metric] = pts
		got += pts
		weights += p.Weight
	}
	if weights > 0 {
		c.Score = round1(got * 100 / weights)
	}
}

// SchoolCards scores each school's records.
func SchoolCards(parts []AssessmentPart, recs []*SchoolRecords) []*Scorecard {
	out := make([]*Scorecard, 0, len(recs))
	for _, r := range recs {
		c := &Scorecard{ID: r.SchoolID, Name: r.School, District: r.District, Records: r, Schools: 1}
		if r.Designated != "" {
			c.Designated = 1
		}
		c.score(parts, false)
		out = append(out, c)
	}
	return out
}

// DistrictCards sums the schools' records by district and scores each district, ranked
// by score (ties by name).
func DistrictCards(parts []AssessmentPart, recs []*SchoolRecords) []*Scorecard {
	by := map[int64]*Scorecard{}
	var out []*Scorecard
	for _, r := range recs {
		c := by[r.DistrictID]
		if c == nil {
			c = &Scorecard{ID: r.DistrictID, Name: r.District, Records: &SchoolRecords{DistrictID: r.DistrictID, District: r.District}}
			by[r.DistrictID] = c
			out = append(out, c)
		}
		c.Schools++
		if r.Designated != "" {
			c.Designated++
		}
		t := c.Records
		t.Enrolment += r.Enrolment
		t.Classes += r.Classes
		t.CellsApplicable += r.CellsApplicable
		t.CellsDone += r.CellsDone
		t.Registered += r.Registered
		t.TestStudents += r.TestStudents
		t.VerifiedStudents += r.VerifiedStudents
		t.VerifiedAware += r.VerifiedAware
		t.GainStudents += r.GainStudents
		t.GainSum += r.GainSum
		t.VolunteerHours += r.VolunteerHours
		t.BaseVisitStudents += r.BaseVisitStudents
	}
	for _, c := range out {
		c.score(parts, true)
	}
	rank(out)
	return out
}

func rank(cards []*Scorecard) {
	for i := 1; i < len(cards); i++ {
		for j := i; j > 0 && (cards[j].Score > cards[j-1].Score || cards[j].Score == cards[j-1].Score && cards[j].Name < cards[j-1].Name); j-- {
			cards[j], cards[j-1] = cards[j-1], cards[j]
		}
	}
	for i, c := range cards {
		c.Rank = i + 1
		if i > 0 && c.Score == cards[i-1].Score {
			c.Rank = cards[i-1].Rank
		}
	}
}

// RankSchools orders school cards by score, as the districts are.
func RankSchools(cards []*Scorecard) { rank(cards) }
