package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// Pickers for lists too long for a drop-down (the city's 2,000 schools): a search field
// the server resolves, with suggestions as the name is typed (htmx).

// pickerMatches is the most schools a picker offers to choose from.
const pickerMatches = 10

// schoolPick is what the picker's fields say: the school chosen (0 for none), or the
// schools the name matches when it is not clear which, or a problem.
type schoolPick struct {
	ID      int64
	Matches []portal.School
	Problem portal.Message
}

// pickSchool resolves the school picker of a posted form. A school_id whose school's
// name holds what is in the field is kept (the form's school, or one chosen among the
// matches); otherwise the name decides: the school of exactly that name, or the only one
// a part of it finds.
func (s *Server) pickSchool(r *http.Request, includeInactive, required bool) (schoolPick, error) {
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("school"))
	if id := formID(r, "school_id"); id > 0 {
		sc, err := s.store.GetSchool(ctx, id, portal.SchoolYear(s.now()))
		// A school chosen among the matches of what is still in the field, or the form's own.
		if err == nil && strings.Contains(sc.Name, name) && (includeInactive || sc.Active) {
			return schoolPick{ID: id}, nil
		}
	}
	if name == "" {
		if required {
			return schoolPick{Problem: portal.Msg("ErrRequired")}, nil
		}
		return schoolPick{}, nil
	}
	list, total, err := s.store.ListSchools(ctx, store.SchoolFilter{Query: name, IncludeInactive: includeInactive, Limit: pickerMatches})
	if err != nil {
		return schoolPick{}, err
	}
	for _, sc := range list {
		if sc.Name == name {
			return schoolPick{ID: sc.ID}, nil
		}
	}
	switch {
	case total == 0:
		return schoolPick{Problem: portal.Msg("PickSchoolNone", "Name", name)}, nil
	case total == 1:
		return schoolPick{ID: list[0].ID}, nil
	case total > pickerMatches:
		return schoolPick{Matches: list, Problem: portal.Msg("PickSchoolMany", "N", total)}, nil
	}
	return schoolPick{Matches: list, Problem: portal.Msg("PickSchoolOne")}, nil
}

// fillSchoolName puts the name of the form's school_id into its picker's field.
func (s *Server) fillSchoolName(ctx context.Context, f *views.Form) {
	if f.Get("school") != "" || f.Get("school_id") == "" {
		return
	}
	if id := parseID(f.Get("school_id")); id > 0 {
		if sc, err := s.store.GetSchool(ctx, id, portal.SchoolYear(s.now())); err == nil {
			f.Values["school"] = sc.Name
		}
	}
}

// schoolSuggest answers the picker's suggestions: up to 20 schools whose name holds
// what was typed. Asked by a browser rather than htmx, it is the school list searched
// for the name.
func (s *Server) schoolSuggest(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("school"))
	w.Header().Set("Vary", "HX-Request")
	if r.Header.Get("HX-Request") != "true" {
		r.URL.RawQuery = url.Values{"q": {q}}.Encode()
		return s.adminSchools(w, r)
	}
	var list []portal.School
	if q != "" {
		var err error
		if list, _, err = s.store.ListSchools(r.Context(), store.SchoolFilter{Query: q, IncludeInactive: true, Limit: 20}); err != nil {
			return err
		}
	}
	return s.page(w, r, views.SchoolSuggestions(list))
}

func parseID(s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// pickAssociation resolves the association picker of a posted form into its
// association_id: the association of the name typed, or the only one whose name holds
// it. An empty field leaves the form's association_id; an unknown name clears it and is
// the field's problem.
func pickAssociation(r *http.Request, assocs []portal.Association) portal.Message {
	r.ParseForm()
	name := strings.TrimSpace(r.PostFormValue("association"))
	if name == "" {
		return portal.Message{}
	}
	var found []portal.Association
	for _, a := range assocs {
		if a.Name == name {
			found = []portal.Association{a}
			break
		}
		if strings.Contains(a.Name, name) {
			found = append(found, a)
		}
	}
	// formID reads r.Form, PostFormValue r.PostForm: both say the choice.
	set := func(v string) { r.PostForm.Set("association_id", v); r.Form.Set("association_id", v) }
	if len(found) == 1 {
		set(idString(found[0].ID))
		return portal.Message{}
	}
	set("")
	if len(found) > 1 {
		return portal.Msg("PickAssociationMany", "N", len(found))
	}
	return portal.Msg("PickAssociationNone", "Name", name)
}
