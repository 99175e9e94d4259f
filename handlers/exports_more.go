package handlers

import (
	"net/http"
	"strings"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// Exports of the schools', the quizzes' and the volunteers' tables.

// rosterExport is a school's roster of a school year: every class's students, or one
// class's when classID is not 0. Only the school's own teachers reach it.
func (s *Server) rosterExport(r *http.Request, sc *portal.School, year int, classID int64, title string) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File: t("ExportRosterFile"), Title: title + " " + t("ExportRosterFile"), Filter: views.SchoolYearName(ctx, year),
		Cols: []exportCol{{t("ImportColGrade"), colText, 8}, {t("ImportColClass"), colText, 12},
			{t("ImportColName"), colText, 12}, {t("ImportColNumber"), colText, 8}, {t("ExportJoinedAt"), colDateTime, 17}},
		Rows: func(emit func(...any) error) error {
			return s.store.EachStudent(ctx, sc.ID, year, classID, func(st *portal.Student) error {
				var joined any = st.CreatedAt
				if st.Imported {
					joined = t("StudentNotJoined") // on the imported roster, not joined yet
				}
				return emit(views.GradeName(ctx, st.Grade), st.ClassName, st.Name, st.Number, joined)
			})
		},
	}
}

// resultsExport is a class's results of one assignment, for the school's teachers (the
// only ones who see students' results).
func (s *Server) resultsExport(r *http.Request, c *portal.Class, a *portal.Assignment, res *portal.ClassResults) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	title := c.Name
	if a.Quiz != nil {
		title += " " + a.Quiz.Title
	}
	return &export{
		File: t("ExportResultsFile"), Title: title, Filter: views.SchoolYearName(ctx, c.SchoolYear),
		Cols: []exportCol{{t("StudentNumberShort"), colText, 8}, {t("StudentName"), colText, 12},
			{t("QuizColScore"), colInt, 8}, {t("ExportMaxScore"), colInt, 8}, {t("ExportScorePercent"), colPercent, 10},
			{t("ExportSubmittedAt"), colDateTime, 17}, {t("QuizColFlags"), colText, 24}},
		Rows: func(emit func(...any) error) error {
			for _, row := range res.Rows {
				if !row.Submitted {
					status := t("QuizNotTaken")
					if row.AttemptID != 0 {
						status = t("QuizInProgress")
					}
					if err := emit(row.Number, row.Name, nil, nil, nil, nil, status); err != nil {
						return err
					}
					continue
				}
				var flags []string
				for _, fl := range portal.FlagNames(row.Flags) {
					flags = append(flags, t(fl))
				}
				if err := emit(row.Number, row.Name, row.Score, row.Max, pctOf(row.Score, row.Max), row.SubmittedAt,
					strings.Join(flags, "、")); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// pctOf returns part/whole unrounded, 0 when whole is 0.
func pctOf(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// awarenessExport is an awareness table (a district's schools, the city's districts)
// with the page's suppression: a group the page hides has no figure here either.
func (s *Server) awarenessExport(r *http.Request, title, groupHead string, year int, groups []views.AwarenessGroup) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	aw := make([]portal.Awareness, len(groups))
	for i, g := range groups {
		aw[i] = g.Awareness
	}
	hideAll, hideVerified := portal.SuppressGroups(aw)
	return &export{
		File: t("ExportAwarenessFile"), Title: title, Filter: views.SchoolYearName(ctx, year),
		Cols: []exportCol{{groupHead, colText, 28}, {t("QuizColTested"), colInt, 10}, {t("QuizColAwareAll"), colPercent, 12},
			{t("QuizColAwareVerified"), colPercent, 14}},
		Rows: func(emit func(...any) error) error {
			for i, g := range groups {
				var tested, all, verified any
				if !hideAll[i] {
					tested = g.Awareness.Students
					if g.Awareness.Students > 0 {
						all = rate(g.Awareness.Aware, g.Awareness.Students)
					}
				}
				if !hideVerified[i] && g.Awareness.VerifiedStudents > 0 {
					verified = rate(g.Awareness.VerifiedAware, g.Awareness.VerifiedStudents)
				}
				if err := emit(g.Name, tested, all, verified); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// cityVolunteersExport is the city's associations with members and hours of a school year.
func (s *Server) cityVolunteersExport(r *http.Request, rows []portal.CityVolunteerRow, year int) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File: t("ExportVolunteersFile"), Title: t("VolCityTitle"), Filter: views.SchoolYearName(ctx, year),
		Cols: []exportCol{{t("VolAssocLabel"), colText, 28}, {t("VolDistrict"), colText, 12}, {t("VolFigMembers"), colInt, 10},
			{t("VolFigApplications"), colInt, 10}, {t("VolFigOpportunities"), colInt, 10}, {t("VolHoursCol"), colFloat, 12}},
		Rows: func(emit func(...any) error) error {
			for _, a := range rows {
				if err := emit(a.Name, a.District, a.Members, a.Applications, a.Opportunities, a.Hours); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// associationReportExport is an association's opportunities of a school year with their
// fill, no-shows and hours.
func (s *Server) associationReportExport(r *http.Request, as *portal.Association, rep *portal.AssociationReport, year int) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File: t("ExportAssocReportFile"), Title: as.Name + " " + t("ExportAssocReportFile"), Filter: views.SchoolYearName(ctx, year),
		Cols: []exportCol{{t("VolDate"), colDate, 11}, {t("VolOpportunity"), colText, 30}, {t("VolPlaces"), colInt, 8},
			{t("ExportSignedUp"), colInt, 8}, {t("ExportAttended"), colInt, 8}, {t("VolFigNoShows"), colInt, 8},
			{t("VolHoursCol"), colFloat, 10}},
		Rows: func(emit func(...any) error) error {
			for _, o := range rep.Rows {
				if err := emit(o.StartsAt, o.Title, o.Capacity, o.Filled, o.Attended, o.NoShows, o.Hours); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// opportunitiesExport is the city's opportunities from f on with their sign-ups and
// waiting lists, read from the store a page at a time.
func (s *Server) opportunitiesExport(r *http.Request, f store.OpportunityFilter) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File: t("ExportOpportunitiesFile"), Title: t("VolCityOppsTitle"), Filter: t("ExportFrom") + views.Date(f.From),
		Cols: []exportCol{{t("VolTitle"), colText, 30}, {t("VolAssocLabel"), colText, 24}, {t("VolDistrict"), colText, 10},
			{t("ExportStartsAt"), colDateTime, 17}, {t("ExportEndsAt"), colDateTime, 17}, {t("ExportPlace"), colText, 24},
			{t("VolPlaces"), colInt, 8}, {t("ExportSignedUp"), colInt, 8}, {t("ExportWaitlisted"), colInt, 8},
			{t("AdminStatus"), colText, 10}},
		Rows: func(emit func(...any) error) error {
			const chunk = 500
			for off := 0; ; off += chunk {
				f.Limit, f.Offset = chunk, off
				list, _, err := s.store.ListOpportunities(ctx, f)
				if err != nil {
					return err
				}
				for _, o := range list {
					status := ""
					if o.Status == portal.OppCancelled {
						status = t("VolOppCancelled")
					}
					if err := emit(o.Title, o.AssociationName, o.DistrictName, o.StartsAt, o.EndsAt, o.Place, o.Capacity,
						o.SignedUp, o.Waitlisted, status); err != nil {
						return err
					}
				}
				if len(list) < chunk {
					return nil
				}
			}
		},
	}
}

// matrixExport is a school's matrix of the ten: a row per activity, the school's records
// of it, then each class's (0: not yet; empty: it does not apply to the class).
func (s *Server) matrixExport(r *http.Request, v *views.ActivityMatrixView) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	m := v.Matrix
	cols := []exportCol{{t("ExportActivity"), colText, 30}, {t("ExportSchoolRecords"), colInt, 10}}
	for _, c := range m.Classes {
		cols = append(cols, exportCol{c.Name, colInt, 10})
	}
	return &export{
		File: t("ExportMatrixFile"), Title: v.School.Name + " " + t("ExportMatrixFile"), Filter: views.SchoolYearName(ctx, v.Year),
		Cols: cols,
		Rows: func(emit func(...any) error) error {
			row := make([]any, len(cols))
			for _, mr := range m.Rows {
				row[0], row[1] = views.ActName(ctx, mr.Type), nil
				if mr.Applies {
					row[1] = len(mr.Records)
				}
				for i, cell := range mr.Cells {
					switch cell.State {
					case portal.CellNotApplicable:
						row[2+i] = nil
					default:
						row[2+i] = len(cell.Records)
					}
				}
				if err := emit(row...); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// itemsExport is a class's item analysis of one assignment: each question, how many
// answered it and the share who got it right, hardest first.
func (s *Server) itemsExport(r *http.Request, c *portal.Class, a *portal.Assignment, res *portal.ClassResults) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	title := c.Name
	if a.Quiz != nil {
		title += " " + a.Quiz.Title
	}
	bank := s.cfg.Content.Bank.ByID
	return &export{
		File: t("ExportItemsFile"), Title: title + " " + t("QuizItems"), Filter: views.SchoolYearName(ctx, c.SchoolYear),
		Cols: []exportCol{{"ID", colText, 12}, {t("QuizColQuestion"), colText, 60}, {t("QuizColAnswered"), colInt, 10},
			{t("ExportRightCount"), colInt, 10}, {t("QuizColRight"), colPercent, 10}},
		Rows: func(emit func(...any) error) error {
			for _, it := range res.Items {
				text := ""
				if q := bank[it.QuestionID]; q != nil {
					text = strings.TrimSpace(q.Text)
				}
				if err := emit(it.QuestionID, text, it.Answered, it.Right, pctOf(it.Right, it.Answered)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// membersExport is an association's members with their confirmed hours of service for
// it, for its coordinator.
func (s *Server) membersExport(r *http.Request, as *portal.Association) *export {
	ctx := r.Context()
	t := func(id string) string { return views.T(ctx, id) }
	return &export{
		File: t("ExportMembersFile"), Title: as.Name + " " + t("ExportMembersFile"),
		Cols: []exportCol{{t("DisplayName"), colText, 14}, {t("Username"), colText, 14}, {t("AssocJoined"), colDate, 12},
			{t("VolHoursCol"), colFloat, 10}, {t("ExportServices"), colInt, 10}},
		Rows: func(emit func(...any) error) error {
			return s.store.EachMemberHours(ctx, as.ID, func(m *store.MemberHours) error {
				var since any
				if m.Since.Valid {
					since = m.Since.Time
				}
				return emit(m.Name, m.Username, since, m.Hours, m.Services)
			})
		},
	}
}
