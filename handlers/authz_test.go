package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/store"
)

// Who may use each route. "public" routes answer everyone; the others answer only the
// listed roles, send the logged-out to the login page and refuse other roles with 403.
// The test fails on any route of the router missing here, so a new route must say who
// may use it.
const public = "public"

var routeRoles = map[string][]string{
	"GET /healthz":                    {public},
	"GET /static/*":                   {public},
	"GET /lang/{lang}":                {public},
	"GET /":                           {public},
	"GET /schools":                    {public},
	"GET /schools/{id}":               {public},
	"GET /demonstration-schools":      {public},
	"GET /api/v1/stats":               {public},
	"GET /login":                      {public},
	"POST /login":                     {public},
	"POST /logout":                    {public},
	"GET /join":                       {public},
	"POST /join":                      {public},
	"GET /join/code":                  {public},
	"POST /join/code":                 {public},
	"POST /school/classes/{id}/slips": {"teacher"},
	"POST /school/classes/{id}/students/{sid}/pin/reset": {"teacher"},
	"GET /account":                                    {"admin", "district", "teacher", "coordinator", "volunteer", "base"},
	"GET /account/password":                           {"admin", "district", "teacher", "coordinator", "volunteer", "base"},
	"POST /account/password":                          {"admin", "district", "teacher", "coordinator", "volunteer", "base"},
	"GET /admin/":                                     {"admin"},
	"GET /admin/associations":                         {"admin"},
	"GET /admin/audit":                                {"admin"},
	"GET /admin/demonstrations":                       {"admin"},
	"GET /admin/demonstrations/new":                   {"admin"},
	"GET /admin/districts":                            {"admin"},
	"GET /admin/districts/new":                        {"admin"},
	"GET /admin/districts/{id}/edit":                  {"admin"},
	"GET /admin/schools":                              {"admin"},
	"GET /admin/schools/new":                          {"admin"},
	"GET /admin/schools/{id}/edit":                    {"admin"},
	"GET /admin/users":                                {"admin"},
	"GET /admin/users/new":                            {"admin"},
	"GET /admin/users/{id}/edit":                      {"admin"},
	"POST /admin/associations":                        {"admin"},
	"POST /admin/demonstrations/new":                  {"admin"},
	"POST /admin/demonstrations/{id}/revoke":          {"admin"},
	"POST /admin/districts/new":                       {"admin"},
	"POST /admin/districts/{id}/edit":                 {"admin"},
	"POST /admin/schools/new":                         {"admin"},
	"POST /admin/schools/{id}/disable":                {"admin"},
	"POST /admin/schools/{id}/edit":                   {"admin"},
	"POST /admin/schools/{id}/enable":                 {"admin"},
	"POST /admin/users/new":                           {"admin"},
	"POST /admin/users/{id}/disable":                  {"admin"},
	"POST /admin/users/{id}/edit":                     {"admin"},
	"POST /admin/users/{id}/enable":                   {"admin"},
	"POST /admin/users/{id}/reset-password":           {"admin"},
	"GET /school/classes":                             {"teacher"},
	"GET /school/classes/new":                         {"teacher"},
	"GET /school/classes/{id}/":                       {"teacher"},
	"GET /school/classes/{id}/edit":                   {"teacher"},
	"GET /school/classes/{id}/qr.png":                 {"teacher"},
	"GET /school/classes/{id}/slip":                   {"teacher"},
	"GET /school/notice":                              {"teacher"},
	"POST /school/classes":                            {"teacher"},
	"POST /school/classes/{id}/archive":               {"teacher"},
	"POST /school/classes/{id}/code":                  {"teacher"},
	"POST /school/classes/{id}/consent":               {"teacher"},
	"POST /school/classes/{id}/edit":                  {"teacher"},
	"POST /school/classes/{id}/restore":               {"teacher"},
	"POST /school/classes/{id}/students/{sid}/remove": {"teacher"},
	"GET /district/":                                  {"district"},
	"GET /school/":                                    {"teacher"},
	"GET /association/":                               {"coordinator"},
	"GET /volunteer/":                                 {"volunteer"},
	"GET /student/":                                   {"student"},

	"GET /school/activities/":              {"teacher"},
	"GET /school/activities/new":           {"teacher"},
	"POST /school/activities/":             {"teacher"},
	"GET /school/activities/{aid}/edit":    {"teacher"},
	"POST /school/activities/{aid}/edit":   {"teacher"},
	"POST /school/activities/{aid}/delete": {"teacher"},
	"GET /activities/{aid}":                {"teacher", "district", "admin"},
	"GET /activities/schools/{id}":         {"teacher", "district", "admin"},
	"GET /district/activities":             {"district"},
	"GET /admin/activities":                {"admin"},
	"GET /files/{fid}":                     {public},
	"GET /files/{fid}/thumb":               {public},
	// Volunteers (issue 5).
	"GET /opportunities":                                {public},
	"GET /opportunities/{id}":                           {public},
	"GET /opportunities/{id}/calendar.ics":              {public},
	"POST /opportunities/{id}/signup":                   {"volunteer"},
	"POST /opportunities/{id}/cancel":                   {"volunteer"},
	"GET /api/v1/opportunities":                         {public},
	"GET /volunteers/register":                          {public},
	"POST /volunteers/register":                         {public},
	"GET /certificates/verify":                          {public},
	"GET /volunteer-requests/":                          {"teacher"},
	"POST /volunteer-requests/":                         {"teacher"},
	"POST /volunteer-requests/{id}/confirm":             {"teacher"},
	"GET /city/volunteers/":                             {"admin"},
	"GET /city/volunteers/opportunities":                {"admin"},
	"GET /city/volunteers/opportunities/new":            {"admin"},
	"POST /city/volunteers/opportunities/new":           {"admin"},
	"GET /city/volunteers/opportunities/{id}/edit":      {"admin"},
	"POST /city/volunteers/opportunities/{id}/edit":     {"admin"},
	"POST /city/volunteers/opportunities/{id}/withdraw": {"admin"},
	"GET /volunteer/profile":                            {"volunteer"},
	"POST /volunteer/profile":                           {"volunteer"},
	"POST /volunteer/delete":                            {"volunteer"},
	"GET /volunteer/hours":                              {"volunteer"},
	"GET /volunteer/certificate":                        {"volunteer"},
	"GET /volunteer/associations":                       {"volunteer"},
	"POST /volunteer/associations/{id}/apply":           {"volunteer"},
	"POST /volunteer/associations/{id}/leave":           {"volunteer"},
	"GET /volunteer/checkin":                            {"volunteer"},
	"POST /volunteer/checkin":                           {"volunteer"},
	"POST /association/applications/{id}/approve":       {"coordinator"},
	"POST /association/applications/{id}/decline":       {"coordinator"},
	"POST /association/requests/{id}/decline":           {"coordinator"},
	"GET /association/opportunities/new":                {"coordinator"},
	"POST /association/opportunities/new":               {"coordinator"},
	"GET /association/opportunities/{id}/":              {"coordinator"},
	"GET /association/opportunities/{id}/edit":          {"coordinator"},
	"POST /association/opportunities/{id}/edit":         {"coordinator"},
	"POST /association/opportunities/{id}/withdraw":     {"coordinator"},
	"POST /association/opportunities/{id}/checkin":      {"coordinator"},
	"GET /association/opportunities/{id}/checkin":       {"coordinator"},
	"GET /association/opportunities/{id}/qr.png":        {"coordinator"},
	"POST /association/opportunities/{id}/attendance":   {"coordinator"},
	"POST /association/opportunities/{id}/hours":        {"coordinator"},
	"GET /association/reports":                          {"coordinator"},
	// quizzes and lessons
	"GET /lessons":                                                 {public},
	"GET /lessons/{slug}":                                          {public},
	"POST /quizzes/{assignment}/start":                             {"student"},
	"GET /attempts/{attempt}":                                      {"student"},
	"POST /attempts/{attempt}/save":                                {"student"},
	"POST /attempts/{attempt}/submit":                              {"student"},
	"GET /school/quizzes":                                          {"teacher"},
	"GET /school/quizzes/new":                                      {"teacher"},
	"POST /school/quizzes/new":                                     {"teacher"},
	"GET /school/quizzes/{quiz}":                                   {"teacher"},
	"POST /school/quizzes/{quiz}/assign":                           {"teacher"},
	"GET /school/classes/{id}/quizzes":                             {"teacher"},
	"GET /school/classes/{id}/quizzes/{assignment}":                {"teacher"},
	"GET /school/classes/{id}/quizzes/{assignment}/students/{sid}": {"teacher"},
	"GET /admin/quizzes":                                           {"admin"},
	"POST /admin/quizzes":                                          {"admin"},
	"GET /district/quizzes":                                        {"district"},
	// Education bases and bookings (issue 15).
	"GET /bases":                                   {public},
	"GET /bases/{id}":                              {public},
	"GET /api/v1/bases":                            {public},
	"GET /api/v1/bases/{id}/slots":                 {public},
	"GET /visits/book/{id}":                        {public},
	"POST /visits/book/{id}":                       {public},
	"GET /visits/cancel":                           {public},
	"POST /visits/cancel":                          {public},
	"GET /admin/bases/":                            {"admin"},
	"GET /admin/bases/new":                         {"admin"},
	"POST /admin/bases/new":                        {"admin"},
	"GET /admin/bases/{id}/edit":                   {"admin"},
	"POST /admin/bases/{id}/edit":                  {"admin"},
	"GET /base/":                                   {"base"},
	"GET /base/bases/{id}/":                        {"base"},
	"POST /base/bases/{id}/slots":                  {"base"},
	"POST /base/bases/{id}/pattern":                {"base"},
	"POST /base/bases/{id}/close":                  {"base"},
	"GET /base/bases/{id}/day":                     {"base"},
	"POST /base/bases/{id}/checkin":                {"base"},
	"POST /base/bases/{id}/bookings/{bid}/arrival": {"base"},
	"GET /school/bookings/":                        {"teacher"},
	"GET /school/bookings/new":                     {"teacher"},
	"POST /school/bookings/new":                    {"teacher"},
	"POST /school/bookings/{id}/cancel":            {"teacher"},
	"GET /school/bookings/{id}/slip":               {"teacher"},
	"GET /school/bookings/{id}/qr.png":             {"teacher"},
	"GET /r":                                       {public},
	"GET /r/{code}":                                {public},
	"POST /r/{code}":                               {public},
	"GET /school/receipts/{id}/":                   {"teacher"},
	"POST /school/receipts/{id}/open":              {"teacher"},
	"POST /school/receipts/{id}/close":             {"teacher"},
	"GET /school/receipts/{id}/print":              {"teacher"},
	"GET /admin/bases/{id}/report":                 {"admin"},
	"GET /admin/bases/coverage":                    {"admin"},
	"GET /base/bases/{id}/report":                  {"base"},
	"GET /school/receipts":                         {"teacher"},
	"GET /admin/receipts":                          {"admin"},
	"GET /admin/letter":                            {"admin"},
	"POST /admin/letter":                           {"admin"},
	// Issue 18: an assignment's dates and early close
	"GET /school/assignments/{schoolassignment}":        {"teacher"},
	"POST /school/assignments/{schoolassignment}":       {"teacher"},
	"POST /school/assignments/{schoolassignment}/close": {"teacher"},
	// Demonstration-school creation and the assessment
	"GET /school/creation/":                                           {"teacher"},
	"POST /school/creation/apply":                                     {"teacher"},
	"GET /school/creation/applications/{app}":                         {"teacher"},
	"POST /school/creation/applications/{app}/save":                   {"teacher"},
	"POST /school/creation/applications/{app}/documents":              {"teacher"},
	"POST /school/creation/applications/{app}/documents/{doc}/delete": {"teacher"},
	"POST /school/creation/applications/{app}/submit":                 {"teacher"},
	"GET /district/creation/":                                         {"district"},
	"GET /district/creation/applications/{app}":                       {"district"},
	"POST /district/creation/applications/{app}/review":               {"district"},
	"GET /admin/creation/":                                            {"admin"},
	"POST /admin/creation/rounds":                                     {"admin"},
	"POST /admin/creation/standards":                                  {"admin"},
	"GET /admin/creation/standards/{std}":                             {"admin"},
	"POST /admin/creation/standards/{std}":                            {"admin"},
	"GET /admin/creation/applications/{app}":                          {"admin"},
	"POST /admin/creation/applications/{app}/scores":                  {"admin"},
	"POST /admin/creation/applications/{app}/designate":               {"admin"},
	"POST /admin/creation/applications/{app}/decline":                 {"admin"},
	"GET /admin/creation/renewal":                                     {"admin"},
	"POST /admin/creation/designations/{desig}/{action}":              {"admin"},
	"GET /creation/documents/{doc}":                                   {"teacher", "district", "admin"},
	"GET /admin/assessment":                                           {"admin"},
	"GET /admin/assessment/weights":                                   {"admin"},
	"POST /admin/assessment/weights":                                  {"admin"},
	"GET /district/assessment":                                        {"district"},
	"GET /school/assessment":                                          {"teacher"},
	"GET /api/v1/demonstration-schools":                               {public},
	// Dashboards and roster import (issue 16).
	"GET /admin/dashboard":               {"admin"},
	"GET /admin/schools/suggest":         {"admin"},
	"GET /admin/schools/import":          {"admin"},
	"GET /admin/schools/import/template": {"admin"},
	"POST /admin/schools/import":         {"admin"},
	"POST /admin/schools/import/confirm": {"admin"},
	"GET /admin/dashboard/wall":          {"admin"},
	"GET /district/dashboard":            {"district"},
	"GET /school/dashboard":              {"teacher"},
	"GET /school/import":                 {"teacher"},
	"GET /school/import/template":        {"teacher"},
	"POST /school/import":                {"teacher"},
	"POST /school/import/confirm":        {"teacher"},
}

var allRoles = []string{"", "admin", "district", "teacher", "coordinator", "volunteer", "base", "student"}

// fixtures are IDs of things the routes' parameters point at: things the demo teacher,
// district reviewer and coordinator own, and throwaway rows that POSTs may change.
type fixtures map[string]string

func mustFixtures(t *testing.T, e *testEnv) fixtures {
	t.Helper()
	ctx := context.Background()
	f := fixtures{"lang": "en"}
	teacher, _, err := e.Store.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	f["school"] = itoa(int(teacher.SchoolID))
	// A throwaway class of the teacher's school (so archiving it or changing its code
	// leaves DEMO01 alone) with a student the teacher may remove.
	c := &portal.Class{SchoolID: teacher.SchoolID, SchoolYear: portal.SchoolYear(e.Now), Grade: 8, Name: "权限测试班"}
	if err := e.Store.CreateClass(ctx, portal.SystemActor, c); err != nil {
		t.Fatal(err)
	}
	f["class"] = itoa(int(c.ID))
	st, _, err := e.Store.JoinClass(ctx, portal.StudentJoin{Code: c.JoinCode, Name: "临时学生", Number: "98", PIN: testPIN})
	if err != nil {
		t.Fatal(err)
	}
	f["sid"] = itoa(int(st.ID))
	// A throwaway account and school that admin POSTs may disable, reset or edit.
	hash, _ := portal.HashPassword("throwaway-password")
	u := &portal.User{Username: "throwaway", DisplayName: "临时账号", Role: portal.RoleVolunteer}
	if err := e.Store.CreateUser(ctx, portal.SystemActor, u, hash); err != nil {
		t.Fatal(err)
	}
	f["user"] = itoa(int(u.ID))
	schools, _, _ := e.Store.ListSchools(ctx, store.SchoolFilter{Limit: 1})
	f["district"] = itoa(int(schools[0].DistrictID))
	// A throwaway school for the admin's disable, enable and edit posts, designated so
	// that a designation can be revoked.
	sc := &portal.School{DistrictID: schools[0].DistrictID, Name: "权限测试学校", Stage: portal.StagePrimary, Enrolment: 300}
	if err := e.Store.CreateSchool(ctx, portal.SystemActor, sc); err != nil {
		t.Fatal(err)
	}
	f["adminschool"] = itoa(int(sc.ID))
	d := &portal.Demonstration{SchoolID: sc.ID, Level: portal.LevelCity, Year: 2025}
	if err := e.Store.Designate(ctx, portal.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	f["demonstration"] = itoa(int(d.ID))
	// A published record of the teacher's school with a photo whose faces may be shown.
	f["aid"], f["fid"] = activityFixture(t, e, teacher.SchoolID)
	creationFixtures(t, e, f, teacher.SchoolID, d.ID)
	mustVolunteerFixtures(t, e, f)
	quizFixtures(t, e, f)
	baseFixtures(t, e, f)
	return f
}

// concrete fills a route pattern's parameters from the fixtures.
func (f fixtures) concrete(pattern string) string {
	p := strings.TrimSuffix(pattern, "/*")
	if pattern == "/static/*" {
		return "/static/missing/css/app.css"
	}
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p
		}
		j := strings.Index(p[i:], "}") + i
		name := p[i+1 : j]
		v, ok := f[name]
		if !ok || name == "id" {
			v = f[paramEntity(p[:i])]
		}
		p = p[:i] + v + p[j+1:]
	}
}

// paramEntity guesses what an {id} stands for from the path before it.
func paramEntity(prefix string) string {
	parts := strings.Split(strings.Trim(prefix, "/"), "/")
	last := parts[len(parts)-1]
	if prefix == "/admin/schools/" {
		return "adminschool"
	}
	return map[string]string{
		"users": "user", "schools": "school", "classes": "class", "districts": "district",
		"students": "student", "demonstrations": "demonstration", "associations": "association",
		"opportunities": "opportunity", "applications": "application", "requests": "request",
		"volunteer-requests": "schoolopp",
		"bases":              "base", "bookings": "booking", "book": "publicslot", "receipts": "class",
	}[last]
}

func TestEveryRouteChecksRole(t *testing.T) {
	e := mustEnv(t)
	f := mustFixtures(t, e)
	h := mustHandler(t, e)
	var routes []string
	err := chi.Walk(h.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		if _, ok := routeRoles[rt]; !ok {
			t.Errorf("route %s is not in the authorization table", rt)
		}
	}
	for rt := range routeRoles {
		if !contains(routes, rt) {
			t.Errorf("the table lists %s, which the router does not have", rt)
		}
	}
	// One logged-in client per role, made again after logging in or out changed its session.
	clients := map[string]*client{}
	for _, rt := range routes {
		allowed := routeRoles[rt]
		method, pattern, _ := strings.Cut(rt, " ")
		path := f.concrete(pattern)
		for _, role := range allRoles {
			c, ok := clients[role]
			if !ok {
				c = e.as(role)
				clients[role] = c
			}
			var res *response
			if method == http.MethodGet {
				res = c.get(path)
			} else {
				res = c.post(path, url.Values{})
				if path == "/logout" || path == "/login" {
					delete(clients, role)
				}
			}
			checkAccess(t, rt, role, allowed, res)
		}
	}
}

func checkAccess(t *testing.T, rt, role string, allowed []string, res *response) {
	t.Helper()
	ok := contains(allowed, public) || contains(allowed, role)
	loc := res.Header.Get("Location")
	toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login")
	switch {
	case ok && (res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized && !strings.HasSuffix(rt, "/login") || toLogin):
		t.Errorf("%s as %q: status %d (Location %q); the role should get through", rt, role, res.StatusCode, loc)
	case ok && res.StatusCode >= 500:
		t.Errorf("%s as %q: status %d", rt, role, res.StatusCode)
	case !ok && role == "" && !(toLogin || res.StatusCode == http.StatusUnauthorized):
		t.Errorf("%s logged out: status %d (Location %q), want the login page", rt, res.StatusCode, loc)
	case !ok && role != "" && res.StatusCode != http.StatusForbidden:
		t.Errorf("%s as %q: status %d, want 403", rt, role, res.StatusCode)
	}
}

// as returns a fresh client logged in with a role ("" for logged out, "student" joins
// the demo class).
func (e *testEnv) as(role string) *client {
	switch role {
	case "":
		return e.client()
	case "student":
		return e.student("测试学生", "99")
	}
	return e.login(role)
}

func mustHandler(t *testing.T, e *testEnv) *handlers.Server {
	t.Helper()
	h, ok := e.Srv.Config.Handler.(*handlers.Server)
	if !ok {
		t.Fatal("test server's handler is not a *handlers.Server")
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestEveryPageInBothLanguages opens every page, as a role allowed to see it, in Chinese
// and in English, and fails on a page that is not 200 or that asked for a message the
// catalogues lack.
func TestEveryPageInBothLanguages(t *testing.T) {
	e := mustEnv(t)
	f := mustFixtures(t, e)
	u, _ := url.Parse(e.Srv.URL)
	clients := map[string]*client{}
	for rt, roles := range routeRoles {
		method, pattern, _ := strings.Cut(rt, " ")
		if method != http.MethodGet || pattern == "/static/*" || pattern == "/lang/{lang}" || pattern == "/healthz" {
			continue
		}
		role := roles[0]
		if role == public {
			role = ""
		}
		for _, lang := range []string{"zh-CN", "en"} {
			key := role + "/" + lang
			c, ok := clients[key]
			if !ok {
				c = e.as(role)
				c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang}})
				clients[key] = c
			}
			path := f.concrete(pattern)
			res := c.get(path)
			if res.StatusCode != http.StatusOK && !(pattern == "/login" && res.StatusCode == http.StatusSeeOther) {
				t.Errorf("%s in %s as %q: status %d", path, lang, role, res.StatusCode)
			}
			if strings.Contains(res.Header.Get("Content-Type"), "text/html") {
				if got := res.Doc(t).Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("%s: <html lang=%q>, want %q", path, got, lang)
				}
			}
		}
	}
	if strings.Contains(e.Log.String(), "missing message") {
		t.Errorf("pages asked for messages the catalogues lack:\n%s", e.Log.String())
	}
}
