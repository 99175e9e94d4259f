package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// adminUsers lists the accounts with search, a role filter and paging.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	filter := queryForm(r, "q", "role")
	f := store.UserFilter{Query: filter.Get("q")}
	if role := portal.Role(filter.Get("role")); role.Valid() {
		f.Role = role
	}
	page := pageParam(r)
	f.Limit, f.Offset = adminPageSize, (page-1)*adminPageSize
	users, total, err := s.store.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminUsers(users, filter, pager(r, page, total, adminPageSize), who(r).User.ID))
}

// adminScopes loads the districts, schools and associations an account can be scoped to.
func (s *Server) adminScopes(r *http.Request) (views.AdminScopes, error) {
	ctx := r.Context()
	var sc views.AdminScopes
	var err error
	if sc.Districts, err = s.store.ListDistricts(ctx); err != nil {
		return sc, err
	}
	sc.Associations, err = s.store.ListAssociations(ctx)
	return sc, err
}

// userForm returns the form values of an account. The password is never put back.
func userForm(u *portal.User) *views.Form {
	return &views.Form{Values: map[string]string{
		"username": u.Username, "display_name": u.DisplayName, "role": string(u.Role),
		"district_id": idString(u.DistrictID), "school_id": idString(u.SchoolID),
		"association_id": idString(u.AssociationID),
	}}
}

// userFromForm reads the account form's name, role and scope.
func userFromForm(r *http.Request) *portal.User {
	return &portal.User{
		Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: portal.Role(r.PostFormValue("role")), DistrictID: formID(r, "district_id"),
		SchoolID: formID(r, "school_id"), AssociationID: formID(r, "association_id"),
	}
}

func (s *Server) adminUserNew(w http.ResponseWriter, r *http.Request) error {
	scopes, err := s.adminScopes(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminUserForm(&views.Form{}, scopes, nil, false))
}

// adminUserCreate adds an account. With no password typed, a one-time password is made
// and shown on the answer page, once: it is not kept anywhere, so the page is rendered
// directly instead of redirecting. Either way the user must choose their own password at
// first login.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	scopes, err := s.adminScopes(r)
	if err != nil {
		return err
	}
	assocProblem := pickAssociation(r, scopes.Associations)
	u := userFromForm(r)
	pick, err := s.pickSchool(r, true, false)
	if err != nil {
		return err
	}
	u.SchoolID, scopes.SchoolMatches = pick.ID, pick.Matches
	form := userForm(u) // as typed: Validate normalizes u afterwards
	form.Values["school"] = strings.TrimSpace(r.PostFormValue("school"))
	form.Values["association"] = strings.TrimSpace(r.PostFormValue("association"))
	render := func(f *views.Form) templ.Component { return views.AdminUserForm(f, scopes, nil, false) }
	password := r.PostFormValue("password")
	f := u.Validate()
	f.Add("school_id", pick.Problem)
	f.Add("association_id", assocProblem)
	if password != "" {
		f.Add("password", portal.ValidatePassword(password))
	}
	if len(f) > 0 {
		return s.formError(w, r, f, form, render)
	}
	generated := password == ""
	if generated {
		password = oneTimePassword()
	}
	hash, err := portal.HashPassword(password)
	if err != nil {
		return err
	}
	u.MustChangePassword = true
	if err := s.store.CreateUser(r.Context(), who(r).actor(), u, hash); err != nil {
		return s.formError(w, r, err, form, render)
	}
	if !generated {
		return s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/edit", "AdminAccountCreated")
	}
	return s.page(w, r, views.AdminUserPassword(u, password, true))
}

// adminUserByID loads the account of the URL; malformed and unknown IDs are 404.
func (s *Server) adminUserByID(r *http.Request) (*portal.User, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetUser(r.Context(), id)
}

func (s *Server) adminUserEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUserByID(r)
	if err != nil {
		return err
	}
	scopes, err := s.adminScopes(r)
	if err != nil {
		return err
	}
	form := userForm(u)
	s.fillSchoolName(r.Context(), form)
	return s.page(w, r, views.AdminUserForm(form, scopes, u, u.ID == who(r).User.ID))
}

// adminUserUpdate saves an account's name, role and scope; the username stays.
func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.adminUserByID(r)
	if err != nil {
		return err
	}
	scopes, err := s.adminScopes(r)
	if err != nil {
		return err
	}
	assocProblem := pickAssociation(r, scopes.Associations)
	u := userFromForm(r)
	u.ID, u.Username = old.ID, old.Username
	pick, err := s.pickSchool(r, true, false)
	if err != nil {
		return err
	}
	u.SchoolID, scopes.SchoolMatches = pick.ID, pick.Matches
	form := userForm(u)
	form.Values["school"] = strings.TrimSpace(r.PostFormValue("school"))
	form.Values["association"] = strings.TrimSpace(r.PostFormValue("association"))
	self := old.ID == who(r).User.ID
	render := func(f *views.Form) templ.Component { return views.AdminUserForm(f, scopes, old, self) }
	if pick.Problem.ID != "" || assocProblem.ID != "" {
		f := portal.FieldErrors{}
		f.Add("school_id", pick.Problem)
		f.Add("association_id", assocProblem)
		return s.formError(w, r, f, form, render)
	}
	if self && u.Role != portal.RoleAdmin {
		// An admin who demoted themself would be locked out of this page at once.
		return s.formError(w, r, portal.FieldErrors{"role": portal.Msg("AdminErrDemoteSelf")}, form, render)
	}
	if err := s.store.UpdateUser(r.Context(), who(r).actor(), u); err != nil {
		return s.formError(w, r, err, form, render)
	}
	return s.redirect(w, r, "/admin/users", "Saved")
}

// adminUserDisabled disables or re-enables an account. The store ends a disabled
// account's sessions and refuses to disable the admin's own account; that refusal is
// shown on the account's page.
func (s *Server) adminUserDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.adminUserByID(r)
		if err != nil {
			return err
		}
		if err := s.store.SetUserDisabled(r.Context(), who(r).actor(), u.ID, disabled); err != nil {
			return s.adminUserPageError(w, r, u, err)
		}
		notice := "AdminAccountEnabled"
		if disabled {
			notice = "AdminAccountDisabled"
		}
		return s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/edit", notice)
	}
}

// adminUserResetPassword gives an account a new one-time password, shown once, ends its
// sessions and makes the user choose their own password at next login.
func (s *Server) adminUserResetPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUserByID(r)
	if err != nil {
		return err
	}
	if u.ID == who(r).User.ID {
		return s.adminUserPageError(w, r, u, portal.Errorf(portal.EINVALID, "AdminErrResetSelf"))
	}
	password := oneTimePassword()
	hash, err := portal.HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), who(r).actor(), u.ID, hash, true, ""); err != nil {
		return err
	}
	return s.page(w, r, views.AdminUserPassword(u, password, false))
}

// adminUserPageError shows an account's page again with a refusal (422), or returns err
// when it is not one.
func (s *Server) adminUserPageError(w http.ResponseWriter, r *http.Request, u *portal.User, err error) error {
	scopes, serr := s.adminScopes(r)
	if serr != nil {
		return serr
	}
	self := u.ID == who(r).User.ID
	form := userForm(u)
	s.fillSchoolName(r.Context(), form)
	return s.formError(w, r, err, form, func(f *views.Form) templ.Component {
		return views.AdminUserForm(f, scopes, u, self)
	})
}
