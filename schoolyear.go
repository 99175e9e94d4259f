package portal

import "time"

// China Standard Time: school years, dates and deadlines are in the city's local time.
var CST = time.FixedZone("CST", 8*3600)

// SchoolYear returns the school year t falls in: YYYY runs from 1 September YYYY
// to 31 August YYYY+1, in China Standard Time.
func SchoolYear(t time.Time) int {
	t = t.In(CST)
	if t.Month() >= time.September {
		return t.Year()
	}
	return t.Year() - 1
}

// SchoolYearBounds returns the first instant of school year y and the first instant
// of the next one, in China Standard Time.
func SchoolYearBounds(y int) (start, end time.Time) {
	return time.Date(y, time.September, 1, 0, 0, 0, 0, CST), time.Date(y+1, time.September, 1, 0, 0, 0, 0, CST)
}

// ValidSchoolYear reports whether y is a school year the portal can show: from 2015 to
// the current one.
func ValidSchoolYear(y int, now time.Time) bool { return y >= 2015 && y <= SchoolYear(now) }
