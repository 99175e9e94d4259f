package handlers

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// adminAssociations lists the volunteer associations with the form to add one.
func (s *Server) adminAssociations(w http.ResponseWriter, r *http.Request) error {
	return s.adminAssociationsPage(w, r, http.StatusOK, &views.Form{})
}

func (s *Server) adminAssociationsPage(w http.ResponseWriter, r *http.Request, status int, form *views.Form) error {
	ctx := r.Context()
	list, err := s.store.ListAssociations(ctx)
	if err != nil {
		return err
	}
	ds, err := s.store.ListDistricts(ctx)
	if err != nil {
		return err
	}
	coords, err := s.store.AssociationCoordinators(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.AdminAssociations(list, ds, coords, form))
}

func (s *Server) adminAssociationCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	as := &portal.Association{Name: r.PostFormValue("name"), DistrictID: formID(r, "district_id")}
	form := &views.Form{Values: map[string]string{"name": as.Name, "district_id": idString(as.DistrictID)}}
	if as.DistrictID > 0 {
		// The store leaves an unknown district to the foreign key; say it by the field.
		if _, err := s.store.GetDistrict(ctx, as.DistrictID); portal.ErrorCode(err) == portal.ENOTFOUND {
			form.Errors = portal.FieldErrors{"district_id": portal.Msg("ErrChoose")}
			return s.adminAssociationsPage(w, r, http.StatusUnprocessableEntity, form)
		} else if err != nil {
			return err
		}
	}
	if err := s.store.CreateAssociation(ctx, who(r).actor(), as); err != nil {
		list, lerr := s.store.ListAssociations(ctx)
		if lerr != nil {
			return lerr
		}
		ds, lerr := s.store.ListDistricts(ctx)
		if lerr != nil {
			return lerr
		}
		coords, lerr := s.store.AssociationCoordinators(ctx)
		if lerr != nil {
			return lerr
		}
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component {
			return views.AdminAssociations(list, ds, coords, f)
		})
	}
	return s.redirect(w, r, "/admin/associations", "Saved")
}
