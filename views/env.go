// Package views renders the portal's pages with templ. Views never touch the store:
// handlers hand them plain values, and the request's Env (language, viewer, asset URLs)
// travels in the context.
package views

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jinducity/portal"
)

// Env is what every page needs to know about the request.
type Env struct {
	Lang   string // "zh-CN" or "en"
	T      func(id string, data map[string]any) string
	Viewer *Viewer // nil when logged out
	Demo   bool
	Path   string // the request path, for the language switch and active navigation
	Query  string // the raw query, kept by the language switch
	Asset  func(name string) string
	Now    time.Time
	Notice string // a one-time message ID shown at the top of the page
}

// Viewer is who is logged in, as the layout shows them.
type Viewer struct {
	Name string
	Role string // a portal.Role, or "student"
	Home string
}

type envKey struct{}

// WithEnv returns a context carrying env.
func WithEnv(ctx context.Context, env *Env) context.Context {
	return context.WithValue(ctx, envKey{}, env)
}

// GetEnv returns the request's Env; a bare one when none was set (tests of single components).
func GetEnv(ctx context.Context) *Env {
	if e, ok := ctx.Value(envKey{}).(*Env); ok {
		return e
	}
	return &Env{Lang: "zh-CN", T: func(id string, _ map[string]any) string { return id },
		Asset: func(n string) string { return "/static/" + n }, Now: time.Now()}
}

// T translates a message ID; kv are key/value pairs of template data.
func T(ctx context.Context, id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 1 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return GetEnv(ctx).T(id, data)
}

// TM translates a domain message.
func TM(ctx context.Context, m portal.Message) string {
	if m.ID == "" {
		return ""
	}
	return GetEnv(ctx).T(m.ID, m.Data)
}

// Asset returns the versioned URL of a static file.
func Asset(ctx context.Context, name string) string { return GetEnv(ctx).Asset(name) }

// Itoa formats an integer.
func Itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// RoleName returns the translated name of a role.
func RoleName(ctx context.Context, role string) string {
	switch role {
	case string(portal.RoleAdmin):
		return T(ctx, "RoleAdmin")
	case string(portal.RoleDistrict):
		return T(ctx, "RoleDistrict")
	case string(portal.RoleTeacher):
		return T(ctx, "RoleTeacher")
	case string(portal.RoleCoordinator):
		return T(ctx, "RoleCoordinator")
	case string(portal.RoleVolunteer):
		return T(ctx, "RoleVolunteer")
	case string(portal.RoleBase):
		return T(ctx, "RoleBase")
	case "student":
		return T(ctx, "RoleStudent")
	}
	return role
}

// StageName returns the translated name of a school stage.
func StageName(ctx context.Context, s portal.Stage) string {
	switch s {
	case portal.StagePrimary:
		return T(ctx, "StagePrimary")
	case portal.StageJunior:
		return T(ctx, "StageJunior")
	case portal.StageSenior:
		return T(ctx, "StageSenior")
	case portal.StageNineYear:
		return T(ctx, "StageNineYear")
	case portal.StageVocational:
		return T(ctx, "StageVocational")
	}
	return string(s)
}

// LevelName returns the translated name of a demonstration level.
func LevelName(ctx context.Context, l portal.DemoLevel) string {
	switch l {
	case portal.LevelNational:
		return T(ctx, "LevelNational")
	case portal.LevelProvincial:
		return T(ctx, "LevelProvincial")
	case portal.LevelCity:
		return T(ctx, "LevelCity")
	}
	return string(l)
}

// GradeName returns the translated name of a grade (1–12).
func GradeName(ctx context.Context, g int) string {
	if g < 1 || g > 12 {
		return strconv.Itoa(g)
	}
	return T(ctx, "GradeName"+strconv.Itoa(g))
}

// SchoolYearName returns "2025—2026 学年" for 2025.
func SchoolYearName(ctx context.Context, y int) string {
	return T(ctx, "SchoolYearLabel", "Year", y, "Next", y+1)
}

// Date formats a calendar date in China Standard Time.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(portal.CST).Format("2006-01-02")
}

// DateTime formats a time in China Standard Time to the minute.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(portal.CST).Format("2006-01-02 15:04")
}

// Form is the state of a submitted form: the values as typed and the problems by field.
type Form struct {
	Values map[string]string
	Errors portal.FieldErrors
	// Message is a form-wide message ID (for example a failed login).
	Message string
}

// Get returns a field's value as typed.
func (f *Form) Get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values[name]
}

// Err returns a field's problem.
func (f *Form) Err(name string) portal.Message {
	if f == nil || f.Errors == nil {
		return portal.Message{}
	}
	return f.Errors[name]
}

// HasErrors reports whether any field has a problem.
func (f *Form) HasErrors() bool { return f != nil && (len(f.Errors) > 0 || f.Message != "") }

// Pager describes one page of a long list.
type Pager struct {
	Page, Pages, Total int
	// URL returns the link to page n.
	URL func(n int) string
}
