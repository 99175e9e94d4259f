package portal

// Association is a volunteer association (禁毒志愿者协会).
type Association struct {
	ID           int64
	Name         string
	DistrictID   int64
	DistrictName string
}

// CityFigures are the headline figures of the public home page.
type CityFigures struct {
	Districts          int
	Schools            int
	StudentsEnrolled   int
	StudentsRegistered int
	Demonstrations     map[DemoLevel]int
	Associations       int
	Volunteers         int
	SchoolYear         int
}
