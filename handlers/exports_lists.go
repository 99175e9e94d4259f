package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// The exports of the offices' lists: each builds the same rows as its page, from the same
// filter and within the same scope, but all of them rather than one page.

// shownAwareness is a school's awareness figure as the district's awareness page shows it.
type shownAwareness struct {
	portal.Awareness
	All, Verified bool // whether each rate is shown
}

// schoolAwarenessShown returns every active school's awareness figure of a school year
// with what the district pages hide hidden here too: a school under portal.MinGroup
// students, and the next smallest when the hidden ones could be worked out from the
// district's total.
func (s *Server) schoolAwarenessShown(ctx context.Context, year int) (map[int64]shownAwareness, error) {
	bySchool, err := s.store.SchoolAwareness(ctx, year)
	if err != nil {
		return nil, err
	}
	districts, err := s.store.ListDistricts(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]shownAwareness{}
	for _, d := range districts {
		schools, err := s.store.DistrictSchools(ctx, d.ID, year)
		if err != nil {
			return nil, err
		}
		aw := make([]portal.Awareness, len(schools))
		for i, sc := range schools {
			aw[i] = bySchool[sc.ID]
		}
		all, verified := portal.SuppressGroups(aw)
		for i, sc := range schools {
			out[sc.ID] = shownAwareness{Awareness: aw[i], All: !all[i] && aw[i].Students > 0,
				Verified: !verified[i] && aw[i].VerifiedStudents > 0}
		}
	}
	return out, nil
}

// awarenessCells returns a school's two awareness rates for an export row, nil where the
// figure is withheld.
func awarenessCells(a shownAwareness) (all, verified any) {
	if a.All {
		all = rate(a.Aware, a.Students)
	}
	if a.Verified {
		verified = rate(a.VerifiedAware, a.VerifiedStudents)
	}
	return all, verified
}

// schoolsExport is the list of schools with their figures of the current school year:
// classes, registered students and the registration rate, the ten done, the awareness
// rates and the designation. A district reviewer's f is their district's.
func (s *Server) schoolsExport(r *http.Request, f store.SchoolFilter, filter string) (*export, error) {
	ctx := r.Context()
	year := portal.SchoolYear(s.now())
	var districtID int64 // the completion is computed per district or for the city
	if who(r).User.Role == portal.RoleDistrict {
		districtID = f.DistrictID
	}
	c, err := s.completion(r, year, districtID)
	if err != nil {
		return nil, err
	}
	done := make(map[int64]*portal.SchoolCompletion, len(c.Schools))
	for i := range c.Schools {
		done[c.Schools[i].School.ID] = &c.Schools[i]
	}
	aware, err := s.schoolAwarenessShown(ctx, year)
	if err != nil {
		return nil, err
	}
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File:   t("ExportSchoolsFile"),
		Title:  t("ExportSchoolsFile") + "（" + views.SchoolYearName(ctx, year) + "）",
		Filter: filter,
		Cols: []exportCol{
			{t("AdminSchoolName"), colText, 28}, {t("AdminDistrict"), colText, 12}, {t("AdminStage"), colText, 10},
			{t("AdminEnrolment"), colInt, 10}, {t("ExportClasses"), colInt, 8}, {t("ExportRegistered"), colInt, 10},
			{t("ExportRegistrationRate"), colPercent, 10}, {t("ExportTenDone"), colInt, 10}, {t("ExportTenApplicable"), colInt, 10},
			{t("ExportAwareness"), colPercent, 10}, {t("ExportAwarenessVerified"), colPercent, 12},
			{t("ExportDemoLevel"), colText, 10}, {t("AdminStatus"), colText, 8},
		},
		Rows: func(emit func(...any) error) error {
			return s.store.EachSchool(ctx, f, year, func(sc *portal.School) error {
				var tenDone, tenApplicable any
				if row := done[sc.ID]; row != nil {
					tenDone, tenApplicable = row.DoneCount, row.Applicable
				}
				all, verified := awarenessCells(aware[sc.ID])
				level, status := "", t("AdminActive")
				if sc.Demonstration != nil {
					level = views.LevelName(ctx, sc.Demonstration.Level)
				}
				if !sc.Active {
					status = t("AdminInactive")
				}
				return emit(sc.Name, sc.DistrictName, views.StageName(ctx, sc.Stage), sc.Enrolment, sc.Classes,
					sc.StudentsJoined, rate(sc.StudentsJoined, sc.Enrolment), tenDone, tenApplicable, all, verified, level, status)
			})
		},
	}, nil
}

// schoolFilterText describes a school list's filter for an export's title row.
func (s *Server) schoolFilterText(r *http.Request, f store.SchoolFilter) string {
	ctx := r.Context()
	var parts []string
	if f.DistrictID > 0 {
		if d, err := s.store.GetDistrict(ctx, f.DistrictID); err == nil {
			parts = append(parts, views.T(ctx, "AdminDistrict")+"："+d.Name)
		}
	}
	if f.Stage != "" {
		parts = append(parts, views.T(ctx, "AdminStage")+"："+views.StageName(ctx, f.Stage))
	}
	if f.Query != "" {
		parts = append(parts, views.T(ctx, "Search")+"："+f.Query)
	}
	return strings.Join(parts, "；")
}

// overviewExport is the table of the ten for every school kept by the overview's
// filters: one column per activity (1 done, 0 not yet, empty where it does not apply).
func (s *Server) overviewExport(r *http.Request, v *views.ActivityOverviewView, rows []portal.SchoolCompletion) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	cols := []exportCol{{t("AdminSchoolName"), colText, 28}, {t("AdminDistrict"), colText, 12}, {t("AdminStage"), colText, 10}}
	for i := range v.Catalogue.Ten {
		cols = append(cols, exportCol{views.ActName(ctx, &v.Catalogue.Ten[i]), colInt, 10})
	}
	cols = append(cols, exportCol{t("ExportTenDone"), colInt, 10}, exportCol{t("ExportTenApplicable"), colInt, 10},
		exportCol{t("ExportRecords"), colInt, 10})
	var filter []string
	if v.DistrictName != "" {
		filter = append(filter, t("AdminDistrict")+"："+v.DistrictName)
	}
	for _, d := range v.Districts {
		if idString(d.ID) == v.Filter.Get("district") {
			filter = append(filter, t("AdminDistrict")+"："+d.Name)
		}
	}
	if st := portal.Stage(v.Filter.Get("stage")); st.Valid() {
		filter = append(filter, t("AdminStage")+"："+views.StageName(ctx, st))
	}
	return &export{
		File:   t("ExportTenFile"),
		Title:  t("ExportTenFile") + "（" + views.SchoolYearName(ctx, v.Year) + "）",
		Filter: strings.Join(filter, "；"),
		Cols:   cols,
		Rows: func(emit func(...any) error) error {
			row := make([]any, len(cols))
			for _, sc := range rows {
				row[0], row[1], row[2] = sc.School.Name, sc.School.DistrictName, views.StageName(ctx, sc.School.Stage)
				for i := range v.Catalogue.Ten {
					switch {
					case !sc.Applies[i]:
						row[3+i] = nil
					case sc.Done[i]:
						row[3+i] = 1
					default:
						row[3+i] = 0
					}
				}
				n := 3 + len(v.Catalogue.Ten)
				row[n], row[n+1], row[n+2] = sc.DoneCount, sc.Applicable, sc.Records
				if err := emit(row...); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// auditExport is the audit log as filtered, newest first.
func (s *Server) auditExport(r *http.Request, q store.AuditFilter) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	var filter []string
	if q.Entity != "" {
		filter = append(filter, t("AdminAuditEntity")+"："+views.AuditEntityName(ctx, q.Entity))
	}
	if q.Actor != "" {
		filter = append(filter, t("AdminAuditActor")+"："+q.Actor)
	}
	return &export{
		File: t("ExportAuditFile"), Title: t("ExportAuditFile"), Filter: strings.Join(filter, "；"),
		Cols: []exportCol{{t("AdminAuditTime"), colDateTime, 17}, {t("AdminAuditActor"), colText, 14},
			{t("AdminAuditAction"), colText, 24}, {t("AdminAuditEntity"), colText, 12}, {"ID", colInt, 8},
			{t("AdminAuditDetail"), colText, 50}},
		Rows: func(emit func(...any) error) error {
			return s.store.EachAudit(ctx, q, func(a *portal.Audit) error {
				return emit(a.At, a.Actor, views.AuditActionName(ctx, a.Action), views.AuditEntityName(ctx, a.Entity),
					a.EntityID, a.Detail)
			})
		},
	}
}
