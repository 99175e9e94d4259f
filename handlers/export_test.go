package handlers

// SetOverviewPageSize shrinks the district and city tables' page for a test and returns
// the function that restores it.
func SetOverviewPageSize(n int) func() {
	old := overviewPageSize
	overviewPageSize = n
	return func() { overviewPageSize = old }
}
