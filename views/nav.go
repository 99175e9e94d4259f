package views

// NavItem is one of a role's main places in the menu: an address and its message ID.
type NavItem struct {
	Path, Label string
}

// RoleNav returns the main places of a role, its home first, for the menu (issue 18):
// each role sees its own work rather than one link to a desk.
func RoleNav(role string) []NavItem {
	switch role {
	case "teacher":
		return []NavItem{{"/school", "NavDesk"}, {"/school/activities", "NavActivities"}, {"/school/classes", "NavClasses"},
			{"/school/quizzes", "NavQuizzes"}, {"/school/bookings/", "BookingsTitle"}, {"/school/creation/", "NavCreation"},
			{"/school/dashboard", "NavStats"}}
	case "district":
		return []NavItem{{"/district", "NavRoleSchools"}, {"/district/activities", "NavActivities"}, {"/district/quizzes", "NavQuizzes"},
			{"/district/creation/", "NavCreation"}, {"/district/assessment", "NavAssessment"}, {"/district/dashboard", "NavStats"}}
	case "admin":
		return []NavItem{{"/admin", "NavDesk"}, {"/admin/schools", "NavRoleSchools"}, {"/admin/demonstrations", "NavDemonstrations"},
			{"/admin/dashboard", "NavStats"}, {"/admin/quizzes", "NavQuizzes"}, {"/city/volunteers/", "NavVolunteering"},
			{"/admin/bases/", "NavBases"}, {"/admin/users", "NavUsers"}}
	case "coordinator":
		return []NavItem{{"/association", "NavOpportunities"}, {"/association/#members", "NavMembers"},
			{"/association/reports", "NavStats"}}
	case "volunteer":
		return []NavItem{{"/volunteer", "NavDesk"}, {"/opportunities", "NavOpportunities"}, {"/volunteer/checkin", "NavCheckin"},
			{"/volunteer/hours", "NavHours"}}
	case "base":
		return []NavItem{{"/base/", "BaseHomeTitle"}, {"/bases", "NavBases"}}
	case "student":
		return []NavItem{{"/student", "NavMyQuizzes"}, {"/lessons", "NavLessons"}}
	}
	return nil
}
