package portal

import (
	"testing"
	"time"
)

func TestIndicatorScore(t *testing.T) {
	rate := Indicator{MaxScore: 15, Evidence: EvidenceComputed, Metric: MetricTenOnes, Target: 0.9}
	for _, c := range []struct {
		v    Value
		want float64
	}{
		{Value{OK: true, V: 0.9}, 15}, {Value{OK: true, V: 1}, 15}, {Value{OK: true, V: 0.45}, 7.5},
		{Value{OK: true, V: 0.179}, 3}, {Value{OK: false, V: 0.9}, 0}, {Value{OK: true, V: -1}, 0},
	} {
		if got := rate.Score(c.v); got != c.want {
			t.Errorf("Score(%+v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestSchoolRecordsValueSmallGroups(t *testing.T) {
	r := &SchoolRecords{Enrolment: 9, Registered: 9, TestStudents: 9, VerifiedStudents: 9, VerifiedAware: 9, GainStudents: 9,
		GainSum: 90, CellsApplicable: 4, CellsDone: 2, VolunteerHours: 3.5}
	for _, m := range []Metric{MetricRegistration, MetricAwareness, MetricQuizTakers, MetricBaseVisits, MetricGain} {
		if v := r.Value(m); v.OK {
			t.Errorf("%s of 9 students: %+v, want no value", m, v)
		}
	}
	if v := r.Value(MetricTenOnes); !v.OK || v.V != 0.5 {
		t.Errorf("ten ones = %+v, want 0.5", v)
	}
	if v := r.Value(MetricVolunteers); !v.OK || v.V != 3.5 {
		t.Errorf("hours = %+v, want 3.5", v)
	}
	r.VerifiedStudents, r.VerifiedAware = 20, 15
	if v := r.Value(MetricAwareness); !v.OK || v.V != 0.75 || ValueDetail(v) != "15/20" {
		t.Errorf("awareness of 20 = %+v (%s), want 0.75 (15/20)", v, ValueDetail(v))
	}
}

func TestApplicationIncompleteAndTotals(t *testing.T) {
	st := &Standard{PassMark: 10, Indicators: []Indicator{
		{ID: 1, MaxScore: 10, Evidence: EvidenceComputed, Metric: MetricTenOnes, Target: 1},
		{ID: 2, MaxScore: 5, Evidence: EvidenceDocument},
		{ID: 3, MaxScore: 5, Evidence: EvidenceInspection},
	}}
	half, four := 0.5, 4.0
	a := &Application{Answers: map[int64]*Answer{1: {IndicatorID: 1, Computed: &half}}}
	f := a.Incomplete(st)
	if len(f) != 3 || f["doc_2"].ID == "" || f["score_2"].ID == "" || f["score_3"].ID == "" {
		t.Errorf("Incomplete = %v, want doc_2, score_2, score_3", f)
	}
	a.Answers[2] = &Answer{IndicatorID: 2, SelfScore: &four, CityScore: &four}
	a.Answers[3] = &Answer{IndicatorID: 3, SelfScore: &four}
	a.Documents = []Document{{IndicatorID: 2}}
	if f := a.Incomplete(st); len(f) != 0 {
		t.Errorf("complete application: %v", f)
	}
	if got := a.SelfTotal(st); got != 13 {
		t.Errorf("SelfTotal = %v, want 13", got)
	}
	if total, all := a.CityTotal(st); total != 4 || all {
		t.Errorf("CityTotal = %v, %v; want 4, false", total, all)
	}
	if m := CheckScore(&st.Indicators[1], 5.5); m.ID == "" {
		t.Error("5.5 of 5 accepted")
	}
}

func TestDesignationDates(t *testing.T) {
	since := time.Date(2026, time.September, 1, 0, 0, 0, 0, CST)
	until := ValidUntil(since, 3)
	if got := until.Format(time.DateOnly); got != "2029-08-31" {
		t.Errorf("ValidUntil = %s", got)
	}
	d := &Demonstration{Status: DemoActive, Since: since, ValidUntil: until}
	if !d.Current(time.Date(2029, time.August, 31, 23, 0, 0, 0, CST)) || d.Current(time.Date(2029, time.September, 1, 0, 0, 1, 0, CST)) {
		t.Error("a designation is current through its last day and no longer")
	}
	if !d.DueWithin(time.Date(2029, time.June, 5, 0, 0, 0, 0, CST), 90) || d.DueWithin(time.Date(2029, time.May, 1, 0, 0, 0, 0, CST), 90) {
		t.Error("due within 90 days")
	}
	r := &Round{OpensOn: since, ClosesOn: since.AddDate(0, 1, 0)}
	if r.OpenAt(since.Add(-time.Minute)) || !r.OpenAt(since) || !r.OpenAt(since.AddDate(0, 1, 0).Add(23*time.Hour)) {
		t.Error("a round is open from its first to its last day")
	}
}
