package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

// RecordsFilter narrows the schools whose records are counted: one school, one district,
// or (both zero) every active school.
type RecordsFilter struct {
	SchoolID, DistrictID int64
}

func (f RecordsFilter) where(alias string) (string, []any) {
	switch {
	case f.SchoolID > 0:
		return ` AND ` + alias + `.id = ?`, []any{f.SchoolID}
	case f.DistrictID > 0:
		return ` AND ` + alias + `.district_id = ?`, []any{f.DistrictID}
	}
	return "", nil
}

// SchoolRecords counts, for the active schools the filter selects, what their metrics of
// a school year are worked out from (portal.SchoolRecords.Value): the 十个一 cells of
// their classes (ten lists the catalogue's ten, for which classes each applies), students
// registered, knowledge tests, pre/post gains, volunteer hours and base visits. Schools
// come by district and name.
//
// The city's and a district's counts are computed once per committed write (as the city's
// figures are) and shared: callers must not change them.
func (s *Store) SchoolRecords(ctx context.Context, year int, ten []portal.ActivityType, f RecordsFilter) ([]*portal.SchoolRecords, error) {
	if f.SchoolID > 0 {
		return s.schoolRecords(ctx, year, ten, f)
	}
	return memo(&s.figs, fmt.Sprint("school-records/", year, "/", f.DistrictID, "/", dateString(s.now()), "/", len(ten)),
		func() ([]*portal.SchoolRecords, error) { return s.schoolRecords(ctx, year, ten, f) })
}

func (s *Store) schoolRecords(ctx context.Context, year int, ten []portal.ActivityType, f RecordsFilter) ([]*portal.SchoolRecords, error) {
	cond, args := f.where("sc")
	today := dateString(s.now())
	rows, err := s.read.QueryContext(ctx, `SELECT sc.id, sc.district_id, sc.name, d.name, sc.stage, sc.enrolment, sc.has_graduating,
		COALESCE((SELECT MAX(CASE dm.level WHEN 'national' THEN 3 WHEN 'provincial' THEN 2 ELSE 1 END) FROM demonstrations dm
			WHERE dm.school_id = sc.id AND dm.status = 'active' AND dm.valid_until >= ?), 0)
		FROM schools sc JOIN districts d ON d.id = sc.district_id WHERE sc.active = 1`+cond+` ORDER BY d.name, sc.name`,
		append([]any{today}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*portal.SchoolRecords
	bySchool := map[int64]*portal.SchoolRecords{}
	schools := map[int64]*portal.School{}
	for rows.Next() {
		r := &portal.SchoolRecords{ClassesMissing: map[string]int{}}
		sc := &portal.School{}
		var rank int
		if err := rows.Scan(&r.SchoolID, &r.DistrictID, &r.School, &r.District, &sc.Stage, &r.Enrolment, &sc.HasGraduating, &rank); err != nil {
			return nil, err
		}
		r.Designated = []portal.DemoLevel{"", portal.LevelCity, portal.LevelProvincial, portal.LevelNational}[rank]
		out = append(out, r)
		bySchool[r.SchoolID] = r
		schools[r.SchoolID] = sc
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}

	// Classes of the year (archived ones too, as the matrix shows them).
	type class struct {
		id, school int64
		grade      int
	}
	var classes []class
	err = s.each(ctx, `SELECT c.id, c.school_id, c.grade, c.student_count FROM classes c JOIN schools sc ON sc.id = c.school_id
		WHERE c.school_year = ? AND sc.active = 1`+cond, append([]any{year}, args...), func(scan func(...any) error) error {
		var c class
		var students int
		if err := scan(&c.id, &c.school, &c.grade, &students); err != nil {
			return err
		}
		if r := bySchool[c.school]; r != nil {
			r.Classes++
			r.Registered += students
			classes = append(classes, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// 十个一 records: which classes (or the whole school) each type reached.
	type key struct {
		school int64
		typ    string
	}
	whole := map[key]bool{}
	done := map[key]map[int64]bool{}
	seen := map[key]bool{}
	keys := make([]any, len(ten))
	for i, t := range ten {
		keys[i] = t.Key
	}
	err = s.each(ctx, `SELECT a.school_id, a.type, a.whole_school, COALESCE(ac.class_id, 0) FROM activities a
		JOIN schools sc ON sc.id = a.school_id LEFT JOIN activity_classes ac ON ac.activity_id = a.id
		WHERE a.school_year = ? AND sc.active = 1 AND a.type IN (`+placeholders(len(ten))+`)`+cond,
		append(append([]any{year}, keys...), args...), func(scan func(...any) error) error {
			var k key
			var w bool
			var classID int64
			if err := scan(&k.school, &k.typ, &w, &classID); err != nil {
				return err
			}
			seen[k] = true
			if w {
				whole[k] = true
			}
			if classID > 0 {
				if done[k] == nil {
					done[k] = map[int64]bool{}
				}
				done[k][classID] = true
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	for i := range ten {
		t := &ten[i]
		for _, r := range out {
			if t.AppliesToSchool(schools[r.SchoolID]) {
				r.ActivitiesApplicableKeys = append(r.ActivitiesApplicableKeys, t.Key)
				if !seen[key{r.SchoolID, t.Key}] {
					r.ActivitiesMissingSchool = append(r.ActivitiesMissingSchool, t.Key)
				}
			}
		}
		for _, c := range classes {
			r := bySchool[c.school]
			if !t.AppliesToClass(schools[c.school], c.grade) {
				continue
			}
			r.CellsApplicable++
			k := key{c.school, t.Key}
			if whole[k] || done[k][c.id] {
				r.CellsDone++
			} else {
				r.ClassesMissing[t.Key]++
			}
		}
	}

	err = s.each(ctx, `SELECT a.school_id, SUM(a.students), SUM(a.verified_students), SUM(a.verified_aware) FROM school_awareness a
		JOIN schools sc ON sc.id = a.school_id WHERE a.school_year = ? AND sc.active = 1`+cond+` GROUP BY a.school_id`, append([]any{year}, args...),
		func(scan func(...any) error) error {
			var id int64
			var n, vs, va int
			if err := scan(&id, &n, &vs, &va); err != nil {
				return err
			}
			if r := bySchool[id]; r != nil {
				r.TestStudents, r.VerifiedStudents, r.VerifiedAware = n, vs, va
			}
			return nil
		})
	if err != nil {
		return nil, err
	}

	// Pre/post gains: each submitted post-test of the year against the same student's
	// submitted attempt at its paired pre-test, as the class results pair them.
	err = s.each(ctx, `SELECT post.school_id, COUNT(*), COALESCE(SUM(post.score * 100.0 / post.max_score - pre.score * 100.0 / pre.max_score), 0)
		FROM quiz_attempts post JOIN quizzes qpost ON qpost.id = post.quiz_id AND qpost.kind = 'post'
		JOIN quizzes qpre ON qpre.id = qpost.pair_id
		JOIN quiz_attempts pre ON pre.quiz_id = qpre.id AND pre.student_id = post.student_id AND pre.submitted_at IS NOT NULL
		JOIN schools sc ON sc.id = post.school_id
		WHERE post.school_year = ? AND post.submitted_at IS NOT NULL AND sc.active = 1`+cond+` GROUP BY post.school_id`,
		append([]any{year}, args...), func(scan func(...any) error) error {
			var id int64
			var n int
			var sum float64
			if err := scan(&id, &n, &sum); err != nil {
				return err
			}
			if r := bySchool[id]; r != nil {
				r.GainStudents, r.GainSum = n, sum
			}
			return nil
		})
	if err != nil {
		return nil, err
	}

	from, to := portal.SchoolYearBounds(year)
	err = s.each(ctx, `SELECT o.school_id, COALESCE(SUM(x.hours), 0) FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
		JOIN schools sc ON sc.id = o.school_id
		WHERE x.hours IS NOT NULL AND o.starts_at >= ? AND o.starts_at < ? AND sc.active = 1`+cond+` GROUP BY o.school_id`,
		append([]any{from.UTC(), to.UTC()}, args...), func(scan func(...any) error) error {
			var id int64
			var h float64
			if err := scan(&id, &h); err != nil {
				return err
			}
			if r := bySchool[id]; r != nil {
				r.VolunteerHours = h
			}
			return nil
		})
	if err != nil {
		return nil, err
	}

	err = s.each(ctx, `SELECT a.school_id, a.students FROM activity_counts a JOIN schools sc ON sc.id = a.school_id
		WHERE a.school_year = ? AND a.type = 'base-visit' AND sc.active = 1`+cond, append([]any{year}, args...),
		func(scan func(...any) error) error {
			var id int64
			var n int
			if err := scan(&id, &n); err != nil {
				return err
			}
			if r := bySchool[id]; r != nil {
				r.BaseVisitStudents = n
			}
			return nil
		})
	return out, err
}

// each runs a read query and calls fn with each row's Scan.
func (s *Store) each(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dateOnly parses a form's calendar date in CST; the zero time for anything else.
func dateOnly(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, portal.CST)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ComputeAnswers works out the computed indicators of a standard for a school's records
// of a school year: each value (nil when there is none) with what was counted.
func (s *Store) ComputeAnswers(ctx context.Context, std *portal.Standard, schoolID int64, year int, ten []portal.ActivityType) (map[int64]Computed, *portal.SchoolRecords, error) {
	recs, err := s.SchoolRecords(ctx, year, ten, RecordsFilter{SchoolID: schoolID})
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	out := map[int64]Computed{}
	for _, i := range std.Indicators {
		if i.Evidence != portal.EvidenceComputed {
			continue
		}
		out[i.ID] = ComputedOf(recs[0].Value(i.Metric))
	}
	return out, recs[0], nil
}

// ComputedOf turns a metric's figure into the value and detail an answer keeps.
func ComputedOf(v portal.Value) Computed {
	c := Computed{Detail: portal.ValueDetail(v)}
	if v.OK {
		x := v.V
		c.Value = &x
	}
	return c
}

// AssessmentParts returns the assessment's parts as the city configured them, or the
// defaults.
func (s *Store) AssessmentParts(ctx context.Context) ([]portal.AssessmentPart, error) {
	var out []portal.AssessmentPart
	err := s.each(ctx, `SELECT metric, weight, target FROM assessment_parts ORDER BY position`, nil, func(scan func(...any) error) error {
		var p portal.AssessmentPart
		if err := scan(&p.Metric, &p.Weight, &p.Target); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if len(out) == 0 {
		out = append(out, portal.AssessmentParts...)
	}
	return out, err
}

// SaveAssessmentParts replaces the assessment's weights and targets.
func (s *Store) SaveAssessmentParts(ctx context.Context, a portal.Actor, parts []portal.AssessmentPart) error {
	if f := portal.ValidateParts(parts); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM assessment_parts`); err != nil {
			return err
		}
		detail := ""
		for i, p := range parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_parts (metric, position, weight, target) VALUES (?, ?, ?, ?)`,
				string(p.Metric), i+1, p.Weight, p.Target); err != nil {
				return err
			}
			detail += fmt.Sprintf("%s=%g/%g ", p.Metric, p.Weight, p.Target)
		}
		return s.audit(ctx, tx, a, "assessment.parts", "assessment", 0, strings.TrimSpace(detail))
	})
}
