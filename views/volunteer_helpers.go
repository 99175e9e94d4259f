package views

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jinducity/portal"
)

// OpportunityURL returns the public page of an opportunity.
func OpportunityURL(id int64) string { return "/opportunities/" + strconv.FormatInt(id, 10) }

// ManageURL returns the coordinator's page of an opportunity (ending in a slash).
func ManageURL(id int64) string {
	return "/association/opportunities/" + strconv.FormatInt(id, 10) + "/"
}

// CheckinURL returns the volunteer's check-in page with the code filled in.
func CheckinURL(code string) string { return "/volunteer/checkin?code=" + url.QueryEscape(code) }

// VerifyURL returns the public page that checks a certificate.
func VerifyURL(code string) string { return "/certificates/verify?code=" + url.QueryEscape(code) }

// SkillName returns the translated name of a skill.
func SkillName(ctx context.Context, s portal.Skill) string {
	parts := strings.Split(string(s), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return T(ctx, "VolSkill"+strings.Join(parts, ""))
}

// SkillNames joins the translated names of skills.
func SkillNames(ctx context.Context, ss []portal.Skill) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = SkillName(ctx, s)
	}
	return strings.Join(names, T(ctx, "VolListSep"))
}

// MemberStatusOptions lists the member list's statuses: current members first.
func MemberStatusOptions(ctx context.Context) []Option {
	return []Option{{"", T(ctx, "AssocMembersCurrent")}, {portal.MemberLeft, T(ctx, "AssocMembersLeft")}}
}

// SkillOptions lists the skills for a Select; first is the label of the empty choice.
func SkillOptions(ctx context.Context, first string) []Option {
	out := []Option{{"", first}}
	for _, s := range portal.Skills {
		out = append(out, Option{string(s), SkillName(ctx, s)})
	}
	return out
}

// hasSkill reports whether a form's comma-joined skills field holds s.
func hasSkill(f *Form, s portal.Skill) bool {
	return slices.Contains(portal.SplitSkills(f.Get("skills")), s)
}

// ActivityName returns the translated name of what a school asks volunteers for.
func ActivityName(ctx context.Context, key string) string {
	switch key {
	case "law-class":
		return T(ctx, "VolActLawClass")
	case "base-visit":
		return T(ctx, "VolActBaseVisit")
	case "class-meeting":
		return T(ctx, "VolActAssembly")
	case "parent-meeting":
		return T(ctx, "VolActParents")
	case "lecture":
		return T(ctx, "VolActLecture")
	case "june-26":
		return T(ctx, "VolActJune26")
	case "":
		return ""
	}
	return T(ctx, "VolActOther")
}

// ActivityOptions lists the kinds of requests for a Select.
func ActivityOptions(ctx context.Context) []Option {
	out := []Option{{"", T(ctx, "VolChoose")}}
	for _, k := range portal.RequestActivities {
		out = append(out, Option{k, ActivityName(ctx, k)})
	}
	return out
}

// Hours formats hours with at most one decimal.
func Hours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// MemberStatus returns the translated name of a membership status.
func MemberStatus(ctx context.Context, s string) string {
	switch s {
	case portal.MemberApplied:
		return T(ctx, "VolMemberApplied")
	case portal.MemberApproved:
		return T(ctx, "VolMemberApproved")
	case portal.MemberDeclined:
		return T(ctx, "VolMemberDeclined")
	case portal.MemberLeft:
		return T(ctx, "VolMemberLeft")
	}
	return s
}

// RequestStatus returns the translated name of a request's status.
func RequestStatus(ctx context.Context, s string) string {
	switch s {
	case portal.RequestOpen:
		return T(ctx, "VolRequestOpen")
	case portal.RequestAccepted:
		return T(ctx, "VolRequestAccepted")
	}
	return T(ctx, "VolRequestDeclined")
}

// NoticeText returns the text of a volunteer's notice.
func NoticeText(ctx context.Context, n portal.VolunteerNotice) string {
	switch n.Kind {
	case portal.NoticePromoted:
		return T(ctx, "VolNoticePromoted", "Title", n.Title, "Start", DateTime(n.StartsAt))
	case portal.NoticeCancelled:
		return T(ctx, "VolNoticeCancelled", "Title", n.Title, "Start", DateTime(n.StartsAt))
	}
	return T(ctx, "VolNoticeMoved", "Title", n.Title, "Start", DateTime(n.StartsAt))
}

// membershipOf returns the volunteer's membership of an association, or nil.
func membershipOf(ms []portal.Membership, id int64) *portal.Membership {
	for i := range ms {
		if ms[i].AssociationID == id {
			return &ms[i]
		}
	}
	return nil
}

// proposed returns the hours to show in a coordinator's hours field: confirmed hours,
// else the proposal from check-in.
func proposed(o *portal.Opportunity, x *portal.Signup) string {
	if x.HoursSet {
		return Hours(x.Hours)
	}
	return Hours(portal.ProposedHours(o, x))
}

// fillRate returns filled/places as a percentage.
func fillRate(filled, places int) string {
	if places == 0 {
		return "—"
	}
	return strconv.Itoa(filled*100/places) + "%"
}

// OppViewer is what the opportunity page knows of the volunteer looking at it.
type OppViewer struct {
	Volunteer bool
	Signup    *portal.Signup
	Position  int
}

// AssociationDesk is what a coordinator's home shows.
type AssociationDesk struct {
	Members []portal.Member
	// Filter is the member list's search: q, skill and status.
	Filter        *Form
	Applications  []portal.Membership
	Requests      []portal.VolunteerRequest
	Opportunities []portal.Opportunity
}

// VolunteerDesk is what a volunteer's home shows.
type VolunteerDesk struct {
	Memberships []portal.Membership
	Notices     []portal.VolunteerNotice
	Coming      []portal.Signup
	Hours       float64
	Services    int
}
