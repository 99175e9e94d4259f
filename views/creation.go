package views

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/jinducity/portal"
)

// SchoolCreationPage is the school's page of the creation cycle.
type SchoolCreationPage struct {
	Form         *Form
	Now          time.Time
	Designations []portal.Demonstration
	Rounds       []portal.Round
	Applications []portal.Application
	Err          error
}

// Render renders the page; a failed read is the error page.
func (p *SchoolCreationPage) Render(ctx context.Context, w io.Writer) error {
	if p.Err != nil {
		return p.Err
	}
	return schoolCreation(p).Render(ctx, w)
}

// ApplicationPage is one application as its school, its district reviewer or the city
// sees it; Role decides which forms it shows.
type ApplicationPage struct {
	App   *portal.Application
	Std   *portal.Standard
	Role  string
	Form  *Form
	Now   time.Time
	Links map[portal.Metric]string
	Base  string
}

// Render renders the page.
func (p *ApplicationPage) Render(ctx context.Context, w io.Writer) error {
	return applicationPage(p).Render(ctx, w)
}

// ApplicationList is a list of applications (the district's).
type ApplicationList struct {
	Title string
	Base  string
	Apps  []portal.Application
}

// Render renders the page.
func (p *ApplicationList) Render(ctx context.Context, w io.Writer) error {
	return applicationListPage(p).Render(ctx, w)
}

// CreationHub is the city's page of the cycle.
type CreationHub struct {
	Form      *Form
	Now       time.Time
	Rounds    []portal.Round
	Standards []portal.Standard
	Apps      []portal.Application
	Err       error
}

// Render renders the page; a failed read is the error page.
func (p *CreationHub) Render(ctx context.Context, w io.Writer) error {
	if p.Err != nil {
		return p.Err
	}
	return creationHub(p).Render(ctx, w)
}

// StandardPage is a standard version as an editable form.
type StandardPage struct {
	Std  *portal.Standard
	Form *Form
}

// Render renders the page.
func (p *StandardPage) Render(ctx context.Context, w io.Writer) error {
	return standardPage(p).Render(ctx, w)
}

// StandardForm fills the edit form of a standard with its values.
func StandardForm(st *portal.Standard) *Form {
	v := map[string]string{"title": st.Title, "pass_mark": Num(st.PassMark), "validity_years": Itoa(st.ValidityYears)}
	for n, i := range st.Indicators {
		p := "ind" + strconv.Itoa(n) + "_"
		v[p+"area"], v[p+"name"], v[p+"guidance"], v[p+"max"] = i.Area, i.Name, i.Guidance, Num(i.MaxScore)
		v[p+"evidence"], v[p+"metric"] = string(i.Evidence), string(i.Metric)
		if i.Evidence == portal.EvidenceComputed {
			v[p+"target"] = Num(i.Target)
		}
	}
	return &Form{Values: v}
}

// RenewalRow is a current designation with the yearly review's total.
type RenewalRow struct {
	D        portal.Demonstration
	Total    float64
	PassMark float64
	Below    bool
	Due      bool
}

// RenewalPage lists designations due for review and the review of every current one.
type RenewalPage struct {
	Form *Form
	Now  time.Time
	Year int
	Rows []RenewalRow
}

// Render renders the page.
func (p *RenewalPage) Render(ctx context.Context, w io.Writer) error {
	return renewalPage(p).Render(ctx, w)
}

// AssessmentPage is the assessment (考评) of a school year as the viewer may see it.
type AssessmentPage struct {
	Year, Current int
	Role          string
	Districts     []*portal.Scorecard
	Schools       []*portal.Scorecard
	Links         map[int64]map[portal.Metric]string
	DistrictLinks map[int64]map[portal.Metric]string
	Catalogue     *portal.ActivityCatalogue
	Parts         []portal.AssessmentPart
}

// PartsForm fills the weights form with the parts' values.
func PartsForm(parts []portal.AssessmentPart) *Form {
	v := map[string]string{}
	for _, p := range parts {
		v["weight_"+string(p.Metric)], v["target_"+string(p.Metric)] = Num(p.Weight), strconv.FormatFloat(p.Target, 'f', -1, 64)
	}
	for _, p := range portal.AssessmentParts {
		if _, ok := v["weight_"+string(p.Metric)]; !ok {
			v["weight_"+string(p.Metric)], v["target_"+string(p.Metric)] = "0", strconv.FormatFloat(p.Target, 'f', -1, 64)
		}
	}
	return &Form{Values: v}
}

// Render renders the page.
func (p *AssessmentPage) Render(ctx context.Context, w io.Writer) error {
	return assessmentPage(p).Render(ctx, w)
}

// Num formats a score or figure without trailing zeros.
func Num(x float64) string { return strconv.FormatFloat(float64(int64(x*10+0.5))/10, 'f', -1, 64) }

// FigureText shows a metric's figure: a percentage for rates, "—" with no value.
func FigureText(v portal.Value) string {
	if !v.OK {
		return "—"
	}
	if v.Metric.Rate() {
		return Num(v.V*100) + "%"
	}
	return Num(v.V)
}

// ComputedText shows an answer's computed value for its indicator's metric.
func ComputedText(i portal.Indicator, x *portal.Answer) string {
	if x.Computed == nil {
		return "—"
	}
	return FigureText(portal.Value{Metric: i.Metric, OK: true, V: *x.Computed})
}

// ScoreText shows an optional score.
func ScoreText(p *float64) string {
	if p == nil {
		return ""
	}
	return Num(*p)
}

// CurrentRounds returns the rounds open at now.
func CurrentRounds(rounds []portal.Round, now time.Time) []portal.Round {
	var out []portal.Round
	for _, r := range rounds {
		if r.OpenAt(now) {
			out = append(out, r)
		}
	}
	return out
}

// RoundOptions lists rounds for a select.
func RoundOptions(rounds []portal.Round) []Option {
	var out []Option
	for _, r := range rounds {
		out = append(out, Option{Itoa(r.ID), r.Title})
	}
	return out
}

// EvidenceOptions lists the kinds of evidence.
func EvidenceOptions(ctx context.Context) []Option {
	var out []Option
	for _, e := range []portal.Evidence{portal.EvidenceComputed, portal.EvidenceDocument, portal.EvidenceInspection} {
		out = append(out, Option{string(e), T(ctx, "CreationEvidence_"+string(e))})
	}
	return out
}

// MetricOptions lists the metrics an indicator can compute.
func MetricOptions(ctx context.Context) []Option {
	out := []Option{{"", T(ctx, "AdminNone")}}
	for _, m := range portal.Metrics {
		out = append(out, Option{string(m), T(ctx, "Metric_"+string(m))})
	}
	return out
}

// IndicatorRows are the row numbers of the standard form: its indicators and one empty.
func IndicatorRows(st *portal.Standard) []int {
	out := make([]int, len(st.Indicators)+1)
	for i := range out {
		out[i] = i
	}
	return out
}

// RowField is the name of a field of a standard form's row.
func RowField(n int, name string) string { return "ind" + strconv.Itoa(n) + "_" + name }
